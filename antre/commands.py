"""The `antre` commands' work once Django is set up (antre.cli parses the line and sets it up first).

Kept apart from antre.cli so that these imports sit at the top: models and settings can only be
imported after django.setup().
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import inspect
import socket
import sys
import time
from pathlib import Path

import uvicorn
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.db import InterfaceError, InternalError, OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from uvicorn.supervisors import Multiprocess

from antre import clock, crypto, worker
from antre.applications.storage import move_files_in
from antre.backup import BackupError, backup, mark_in_use, restore
from antre.db import sealed
from antre.forecast.eventlog import write_events, write_staffing
from antre.live import voice
from antre.offices.models import Office
from antre.people.models import ApiToken, User
from antre.queueing import dbcode, history
from antre.seed import create_demo_users, seed_demo_history, seed_demo_office
from antre.transport import listening


def prepare() -> list[tuple[str, str, str]]:
    """Migrate, and seed the demo office (with a past) when the database has no office yet. Returns
    new demo users. Machines starting at once (an upgrade) take turns (one_at_a_time)."""
    crypto.keys()  # the key file of personal data, written at first start
    with one_at_a_time("start"):
        call_command("migrate", interactive=False, verbosity=0)
        dbcode.ensure(connection)  # a rebuilt ticket table (SQLite) loses its triggers
        carry_documents(settings.DATA_DIR / "documents")
        with transaction.atomic():
            if Office.objects.exists():
                return []
            office = seed_demo_office()
            created = create_demo_users(office, settings.DATA_DIR / "demo-credentials.txt")
            seed_demo_history(office)  # after the users: the demo's `petugas` called some of it
            return created


START_RETRY = 5.0  # seconds between tries while the database does not answer at start
START_REMIND = 300.0  # seconds after which a wait still going on is said again


def prepare_when_ready() -> list[tuple[str, str, str]]:
    """prepare(), waiting while a PostgreSQL database does not answer or does not take writes yet (a
    primary restarting, a standby being promoted): said once (again when the reason changes, and
    every few minutes), tried again every few seconds, instead of leaving with a traceback. A
    mistake waiting will not mend (a wrong password, a missing database, a failed migration) stops
    the start as before. Ctrl+C stops the wait."""
    said, said_at = "", 0.0
    while True:
        try:
            return prepare()
        except (OperationalError, InterfaceError, InternalError) as exc:
            if not _not_there_yet(exc):
                raise
            connection.close()
            reason = str(exc).strip().splitlines()[0][:160]
            if reason != said or time.monotonic() - said_at > START_REMIND:
                print(
                    f"Basis data belum dapat dipakai ({reason}). "
                    f"Antre menunggu dan mencoba lagi tiap {START_RETRY:.0f} detik; Ctrl+C untuk berhenti.",
                    file=sys.stderr,
                    flush=True,
                )
                said, said_at = reason, time.monotonic()
            time.sleep(START_RETRY)


def _not_there_yet(exc: Exception) -> bool:
    """PostgreSQL that did not answer at all (refused, timed out), is starting up, shutting down or
    recovering, lost the connection (class 08, 57P), or is a standby not promoted yet (25006:
    read-only). A refusal at connect carries no SQLSTATE, only the server's FATAL text: a wrong
    password or database name is not waited for (nor, being a guess on the text, one in another
    language: systemd starts the service again)."""
    if connection.vendor != "postgresql":
        return False  # SQLite is a file beside the program: nothing to wait for
    state = getattr(exc.__cause__, "sqlstate", None)
    if state is not None:
        return state.startswith(("08", "57P")) or state == "25006"
    text = str(exc.__cause__ or exc)
    return "FATAL:" not in text or "the database system is" in text


@contextlib.contextmanager
def one_at_a_time(name: str):
    """On PostgreSQL, the machines sharing the database do this one after the other (a session
    advisory lock, waited for): two migrating or seeding at once would collide. SQLite: one machine."""
    if connection.vendor != "postgresql":
        yield
        return
    key = [worker.LOCK_SPACE, worker.lock_key(name)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", key)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def carry_documents(folder: Path) -> tuple[int, int]:
    """Documents a machine kept in its own folder before they were kept in the database (PostgreSQL):
    carried in at start, and by `antre move-documents`. (moved, already there)."""
    if not folder.is_dir():
        return 0, 0
    moved, present = move_files_in(folder)
    if moved or present:
        # On stderr: a command's own output (`TOKEN=$(antre token petugas)`) stays only its own.
        print(f"Berkas warga dipindahkan ke basis data: {moved} (sudah ada: {present}).", file=sys.stderr)
    return moved, present


def move_documents(source: str | None) -> int:
    call_command("migrate", interactive=False, verbosity=0)
    moved, present = carry_documents(Path(source) if source else settings.DATA_DIR / "documents")
    if not (moved or present):
        print("Tidak ada berkas untuk dipindahkan.")
    return 0


def address_lines(base: str, slug: str) -> list[str]:
    """Where each person starts, as `antre serve` prints it: citizens, staff, screens, API."""
    office = f"{base}/k/{slug}/" if slug else f"{base}/"
    return [
        f"  Warga (ambil nomor)   {office}",
        f"  Masuk (staf)          {base}/masuk/",
        f"  Beranda staf          {base}/staf/",
        f"  Konsol loket          {base}/loket/",
        f"  Layar ruang tunggu    {office}layar/",
        f"  Pintu masuk           {base}/pintu/   (layar luar: {office}luar/)",
        f"  Meja bantuan          {base}/bantuan/",
        f"  Permohonan daring     {office}permohonan/   (lacak: {base}/lacak/)",
        f"  Kantor belakang       {base}/kantor/permohonan/   (WhatsApp: {base}/kantor/whatsapp/)",
        f"  Kepala dinas          {base}/kepala/",
        f"  API + OpenAPI         {base}/api/v1/openapi.json  (docs: {base}/api/v1/docs)",
        f"  Admin                 {base}/admin/",
    ]


def running_lines(args: argparse.Namespace, created: list[tuple[str, str, str]]) -> list[str]:
    """What `antre serve` prints once it is ready: addresses, data, demo accounts, missing speech."""
    office = Office.objects.order_by("pk").first()
    shown_host = "localhost" if args.host in ("0.0.0.0", "127.0.0.1", "::") else args.host  # noqa: S104
    base = f"http://{shown_host}:{args.port}"
    credentials = settings.DATA_DIR / "demo-credentials.txt"
    lines = ["", "Antre berjalan / is running:", *address_lines(base, office.slug if office else "")]
    lines.append(f"  Data                  {settings.DATA_DIR}")
    if created:
        lines.append("  Akun demo (sandi acak, dibuat sekali; juga disimpan di berkas di bawah):")
        lines += [f"    {user:<12} {password:<16} {role}" for user, role, password in created]
    if credentials.exists():
        lines.append(f"  Sandi akun demo       {credentials}")
    if voice.engine() is None:
        lines.append(
            "  Catatan: espeak-ng tidak terpasang; layar hanya bersuara bila peramban punya suara Indonesia."
        )
    return lines


def warn_about_configuration() -> None:
    """Say at start-up what would send citizens somewhere they cannot go."""
    if settings.WHATSAPP["token"] and not settings.PUBLIC_URL:
        print(
            "Peringatan: WhatsApp diatur (ANTRE_WHATSAPP_TOKEN) tetapi ANTRE_PUBLIC_URL belum, jadi tautan "
            "yang dikirim ke warga menunjuk ke http://localhost:8000 dan tidak dapat dibuka dari ponsel "
            "mereka. Atur ANTRE_PUBLIC_URL ke alamat yang dibuka warga, misalnya "
            "https://antrean.tabanankab.go.id.",
            file=sys.stderr,
            flush=True,
        )


def uvicorn_log_config() -> dict:
    """uvicorn's own log config with the secrets mask on each of its handlers (antre.logmask)."""
    log_config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    log_config.setdefault("filters", {})["mask_secrets"] = {"()": "antre.logmask.MaskSecrets"}
    for handler in log_config["handlers"].values():
        handler.setdefault("filters", []).append("mask_secrets")
    return log_config


def serve_processes(args: argparse.Namespace) -> None:
    """Run the ASGI app in --workers server processes (antre.transport.listening: how they share the port).

    uvicorn calls antre.asgi.create_app in each server process, which starts that process.
    """
    options = dict(
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        lifespan="off",
        log_level="warning",
        access_log=False,
        log_config=uvicorn_log_config(),
    )
    if args.workers == 1 or not listening.spreads_connections():
        uvicorn.run("antre.asgi:create_app", **options)
        return
    server_config = uvicorn.Config("antre.asgi:create_app", **options)
    sockets: list[socket.socket] = [listening.reserve(args.host, args.port)]
    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn before 0.51
        supervisor = Multiprocess(
            server_config,
            target=uvicorn.Server(server_config).run,  # type: ignore[call-arg]  # uvicorn before 0.51
            sockets=sockets,
        )
    else:
        supervisor = Multiprocess(server_config, sockets=sockets)
    with contextlib.suppress(KeyboardInterrupt):
        supervisor.run()


def start_worker_thread() -> None:
    worker.start_in_thread()


def hold_data() -> None:
    """Keep `antre restore` off the data while this server or worker runs."""
    mark_in_use()


def run_worker() -> int:
    hold_data()
    try:
        prepare_when_ready()
    except KeyboardInterrupt:
        return 130
    warn_about_configuration()
    print("Antre worker berjalan (undangan masuk, nomor kedaluwarsa). Ctrl+C untuk berhenti.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        worker.run_forever()
    return 0


def run_backup(to: str | None) -> int:
    try:
        path = backup(Path(to) if to else None)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(path)
    return 0


def run_restore(source: str) -> int:
    try:
        restore(Path(source))
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Dipulihkan dari {source}.")
    return 0


def purge() -> int:
    prepare()
    done = worker.purge()
    print(
        f"Data pribadi dilupakan: {done['tickets']} nomor antrean dianonimkan, {done['whatsapp']} pesan/percakapan "
        f"WhatsApp dan {done['applications']} permohonan (dengan berkasnya) dihapus."
    )
    return 0


def rotate_key() -> int:
    prepare()
    name = crypto.add_key()
    resealed = sealed.reseal_all()
    print(
        f"Kunci baru {name} kini menyegel data pribadi; {sum(resealed.values())} baris disegel ulang. "
        f"Kunci lama tetap di {crypto.keys_file()} untuk membuka cadangan lama: simpan salinan berkas itu "
        "terpisah dari cadangan."
    )
    return 0


def token(username: str) -> int:
    prepare()
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
        user.save()
        print(f"Pengguna {username} dibuat tanpa peran; atur perannya di admin.", file=sys.stderr)
    api_token = ApiToken.for_user(user)
    print(api_token.key)
    # On stderr: `TOKEN=$(antre token petugas)` keeps only the key.
    until = api_token.expires_at.astimezone(user.office.tzinfo if user.office else dt.UTC)
    print(
        f"Berlaku sampai {until:%Y-%m-%d %H.%M %Z}; dicabut bila kata sandi {username} diganti.",
        file=sys.stderr,
    )
    return 0


def forecast_export(
    *, first: dt.date, last: dt.date, events: Path, staffing: Path, office: str | None
) -> int:
    """`antre forecast export`: the queue event log and the staffing log of SPEC §7, from the
    tickets and the counters' shifts of days first..last (antre.queueing.history)."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        print(
            "Basis data belum diperbarui. Jalankan `antre serve` atau `antre manage migrate` dahulu.",
            file=sys.stderr,
        )
        return 1
    offices = list(Office.objects.filter(slug=office) if office else Office.objects.order_by("slug"))
    if not offices:
        known = ", ".join(Office.objects.order_by("slug").values_list("slug", flat=True))
        said = f"Kantor {office!r} tidak ada." if office else "Belum ada kantor."
        print(f"{said} Kantor yang ada: {known}." if known else said, file=sys.stderr)
        return 2
    now = clock.now()
    if all(first > o.local_today(now) for o in offices):
        print("--from masih di masa depan: riwayat hanya ada sampai hari ini.", file=sys.stderr)
        return 2
    try:
        with (
            events.open("w", newline="", encoding="utf-8") as events_out,
            staffing.open("w", newline="", encoding="utf-8") as staffing_out,
        ):
            visits = write_events(
                events_out, (v for o in offices for v in history.visits(o, first, last, now=now))
            )
            shifts = write_staffing(
                staffing_out, (s for o in offices for s in history.shifts(o, first, last, now=now))
            )
    except OSError as exc:
        print(f"Tidak dapat menulis {exc.filename}: {exc.strerror}.", file=sys.stderr)
        return 1
    print(f"{visits} nomor antrean ditulis ke {events}; {shifts} masa buka loket ke {staffing}.")
    return 0


def manage(rest: list[str]) -> int:
    execute_from_command_line(["antre manage", *rest])
    return 0
