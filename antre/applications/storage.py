"""Where files are kept, through Django's storage API: `storages["documents"]` for citizens'
documents, `storages["transit"]` for files between two requests (a document received over WhatsApp,
waiting for the citizen to finish the application), `storages["held"]` for documents held for a
web form refused for something else (antre.applications.holding).

On PostgreSQL in the database itself (DatabaseStorage over StoredFile, each storage under its own
prefix of the row's name), so an application sent through one machine is opened by a verifier on
any other, a WhatsApp conversation may go on through another machine, a document and its row are
written and rolled back together, and `pg_dump` holds them. On SQLite in the data dir's owner-only
folders (DATA_DIR/documents and DATA_DIR/wa-media, files 0600, folders 0700: FolderStorage). A
document's name is the same on both (`<code>/<random>.<ext>`, the Document's path), so
`antre move-documents` carries an older machine's files into the database.

Why not a package: django-binary-database-files answers a missing file with an empty one and
copies every file to the local disk as well; django-db-file-storage keeps the bytes as base64 text.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from antre.applications.models import StoredFile


@deconstructible
class DatabaseStorage(Storage):
    """Files as rows of StoredFile named `prefix` + name; no URL: documents are served only by
    views that check who asks."""

    def __init__(self, prefix: str = "documents/") -> None:
        self.prefix = prefix

    def _rows(self, name: str):
        return StoredFile.objects.filter(name=self.prefix + name)

    def _open(self, name: str, mode: str = "rb") -> ContentFile:
        content = self._rows(name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content) -> str:
        content.seek(0)
        data = content.read()
        StoredFile.objects.create(name=self.prefix + name, content=data, size=len(data))
        return name

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name  # random names; a clash would be refused by the unique name, not overwritten

    def exists(self, name: str) -> bool:
        return self._rows(name).exists()

    def delete(self, name: str) -> None:
        if connection.needs_rollback:
            return  # a failed transaction: its rollback removes the row it wrote
        self._rows(name).delete()

    def size(self, name: str) -> int:
        size = self._rows(name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return size

    def replace(self, name: str, data: bytes) -> None:
        """Write `name` whole, in place of what it held (inside the caller's transaction)."""
        StoredFile.objects.update_or_create(
            name=self.prefix + name, defaults={"content": data, "size": len(data)}
        )

    def get_modified_time(self, name: str) -> dt.datetime:
        stored = self._rows(name).values_list("stored_at", flat=True).first()
        if stored is None:
            raise FileNotFoundError(name)
        return stored

    def names(self, under: str = "") -> list[str]:
        rows = StoredFile.objects.filter(name__startswith=self.prefix + under).order_by("name")
        return [name[len(self.prefix) :] for name in rows.values_list("name", flat=True)]

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = f"{path.strip('/')}/" if path.strip("/") else ""
        dirs, files = set(), []
        for rest in (name[len(prefix) :] for name in self.names(prefix)):
            if "/" in rest:
                dirs.add(rest.split("/", 1)[0])
            else:
                files.append(rest)
        return sorted(dirs), sorted(files)

    def prune(self, older_than: dt.timedelta) -> int:
        cutoff = timezone.now() - older_than
        deleted, _ = StoredFile.objects.filter(name__startswith=self.prefix, stored_at__lt=cutoff).delete()
        return deleted


@deconstructible
class FolderStorage(FileSystemStorage):
    """DATA_DIR/<folder>, read when used (a test moves the data dir); no URL either."""

    def __init__(self, folder: str = "documents", **options) -> None:
        self.folder = folder
        super().__init__(**{"file_permissions_mode": 0o600, "directory_permissions_mode": 0o700, **options})

    @property
    def base_location(self) -> str:
        return str(Path(settings.DATA_DIR) / self.folder)

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        raise NotImplementedError("documents are served by views that check who asks")

    def replace(self, name: str, data: bytes) -> None:
        """Write `name` whole: readers see the old content or the new one, never half."""
        target = Path(self.path(name))
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}")
        partial.write_bytes(data)
        partial.chmod(0o600)
        os.replace(partial, target)

    def names(self, under: str = "") -> list[str]:
        root = Path(self.location)
        if not root.exists():
            return []
        found = (p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
        return sorted(name for name in found if name.startswith(under))

    def prune(self, older_than: dt.timedelta) -> int:
        cutoff = time.time() - older_than.total_seconds()  # file times are the machine's
        removed = 0
        for path in Path(self.location).rglob("*") if Path(self.location).exists() else ():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def documents() -> DatabaseStorage | FolderStorage:
    store = storages["documents"]
    assert isinstance(store, DatabaseStorage | FolderStorage)
    return store


def transit() -> DatabaseStorage | FolderStorage:
    store = storages["transit"]
    assert isinstance(store, DatabaseStorage | FolderStorage)
    return store


def held() -> DatabaseStorage | FolderStorage:
    store = storages["held"]
    assert isinstance(store, DatabaseStorage | FolderStorage)
    return store


def stored_names() -> list[str]:
    """Every document kept, by name (checks and tests)."""
    return documents().names()


def move_files_in(folder: Path) -> tuple[int, int]:
    """Carry the files under `folder` (an older machine's DATA_DIR/documents) into the documents'
    storage, each under its own name, and remove them once stored; one already stored (the same
    name) is only removed. (moved, already there). Nothing to do when the storage is that folder."""
    store = documents()
    if isinstance(store, FolderStorage) and Path(store.location).resolve() == folder.resolve():
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
