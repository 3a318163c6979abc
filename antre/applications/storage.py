"""Where citizens' documents are kept, through Django's storage API (`storages["documents"]`).

On PostgreSQL in the database itself (DatabaseStorage over StoredFile), so an application sent
through one machine is opened by a verifier on any other, a document and its row are written and
rolled back together, and `pg_dump` holds them. On SQLite in the data dir's owner-only folder
(DATA_DIR/documents, files 0600, folders 0700: FolderStorage). The names are the same on both (`<code>/<random>.<ext>`, the
Document's path), so `antre move-documents` carries an older machine's files into the database.

Why not a package: django-binary-database-files answers a missing file with an empty one and
copies every file to the local disk as well; django-db-file-storage keeps the bytes as base64 text.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django.utils.deconstruct import deconstructible

from antre.applications.models import StoredFile


@deconstructible
class DatabaseStorage(Storage):
    """Files as rows of StoredFile; no URL: documents are served only by views that check who asks."""

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        content = StoredFile.objects.filter(name=name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content) -> str:
        content.seek(0)
        data = content.read()
        StoredFile.objects.create(name=name, content=data, size=len(data))
        return name

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name  # random names; a clash would be refused by the unique name, not overwritten

    def exists(self, name: str) -> bool:
        return StoredFile.objects.filter(name=name).exists()

    def delete(self, name: str) -> None:
        if connection.needs_rollback:
            return  # a failed transaction: its rollback removes the row it wrote
        StoredFile.objects.filter(name=name).delete()

    def size(self, name: str) -> int:
        size = StoredFile.objects.filter(name=name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        dirs, files = set(), []
        for rest in (name[len(prefix) :] for name in names):
            if "/" in rest:
                dirs.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(dirs), sorted(files)


@deconstructible
class FolderStorage(FileSystemStorage):
    """DATA_DIR/documents, read when used (a test moves the data dir); no URL either."""

    def __init__(self, **options) -> None:
        super().__init__(**{"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700, **options})

    @property
    def base_location(self) -> str:
        return str(Path(settings.DATA_DIR) / "documents")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise NotImplementedError("documents are served by views that check who asks")


def documents() -> Storage:
    return storages["documents"]


def stored_names() -> list[str]:
    """Every document kept, by name (checks and tests)."""
    store = documents()
    if isinstance(store, DatabaseStorage):
        return list(StoredFile.objects.order_by("name").values_list("name", flat=True))
    assert isinstance(store, FileSystemStorage)
    root = Path(store.location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def move_files_in(folder: Path) -> tuple[int, int]:
    """Carry the files under `folder` (an older machine's DATA_DIR/documents) into the documents'
    storage, each under its own name, and remove them once stored; one already stored (the same
    name) is only removed. (moved, already there). Nothing to do when the storage is that folder."""
    store = documents()
    if isinstance(store, FileSystemStorage) and Path(store.location).resolve() == folder.resolve():
        return 0, 0
    moved = present = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if store.exists(name):
            present += 1
        else:
            store.save(name, ContentFile(path.read_bytes()))
            moved += 1
        path.unlink()
    return moved, present
