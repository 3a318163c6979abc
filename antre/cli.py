"""The `antre` command (SPEC §6): serve, token, manage."""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import socket
import sys

from antre import config
from antre.transport import listening


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
    import django

    django.setup()


def prepare() -> list[tuple[str, str, str]]:
    """Migrate, and seed the demo office when the database has no office yet. Returns new demo users."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    from antre.offices.models import Office
    from antre.seed import create_demo_users, seed_demo_office

    call_command("migrate", interactive=False, verbosity=0)
    from django.db import connection

    from antre.queueing import dbcode

    dbcode.ensure(connection)  # a rebuilt ticket table (SQLite) loses its triggers
    with transaction.atomic():
        if Office.objects.exists():
            return []
        office = seed_demo_office()
        return create_demo_users(office, settings.DATA_DIR / "demo-credentials.txt")


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


def serve(args: argparse.Namespace) -> int:
    # A wrong value stops here, once, with its message (not once per server process).
    config.threads(), config.booking_threads(), config.public_url()
    held, refused = _hold_port(args)
    if refused:
        print(refused, file=sys.stderr)
        return 1
    _setup_django()
    from django.db import connection

    if args.workers > 1 and connection.vendor == "sqlite" and os.name != "posix":
        # Processes take turns at SQLite's write slot by flock (antre.db.sqlite), a POSIX call.
        print("Di sistem ini SQLite dilayani oleh satu proses; --workers diabaikan.", file=sys.stderr)
        args.workers = 1
    if args.workers > 1:
        # Server processes leave when the supervising process is gone (antre.transport.watchdog), so
        # a killed server never leaves orphans holding the port.
        config.announce_supervisor(os.getpid())
    created = prepare()
    print("\n".join(_running_lines(args, created)) + "\n", flush=True)
    warn_about_configuration()

    if not args.no_worker:
        from antre import worker

        worker.start_in_thread()

    try:
        _serve_processes(args)
    except listening.PortInUse:  # taken by another program in the seconds since the check above
        print(_port_in_use(args), file=sys.stderr)
        return 1
    finally:
        if held is not None:
            held.close()
    return 0


def _hold_port(args: argparse.Namespace) -> tuple[socket.socket | None, str | None]:
    """Claim host:port for this `antre serve`: (the claim, if any; why not, if it cannot be had)."""
    held = None  # SO_REUSEPORT would let a second `antre serve` join this one (antre.transport.listening)
    refused = None
    try:
        if listening.spreads_connections():
            held = listening.claim(args.host, args.port)
        listening.check_free(args.host, args.port)
    except listening.PortInUse:
        refused = _port_in_use(args)
    except OSError as exc:  # not ours to use (a port below 1024), an address this machine lacks...
        refused = f"Tidak bisa mendengarkan di {args.host}:{args.port}: {exc.strerror or exc}"
    if refused and held is not None:
        held.close()
        held = None
    return held, refused


def _running_lines(args: argparse.Namespace, created: list[tuple[str, str, str]]) -> list[str]:
    """What `antre serve` prints once it is ready: addresses, data, demo accounts, missing speech."""
    # Imported here, as in serve(): models and settings need Django set up (_setup_django) first.
    from django.conf import settings

    from antre.live import voice
    from antre.offices.models import Office

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
    from django.conf import settings

    if settings.WHATSAPP["token"] and not settings.PUBLIC_URL:
        print(
            "Peringatan: WhatsApp diatur (ANTRE_WHATSAPP_TOKEN) tetapi ANTRE_PUBLIC_URL belum, jadi tautan "
            "yang dikirim ke warga menunjuk ke http://localhost:8000 dan tidak dapat dibuka dari ponsel "
            "mereka. Atur ANTRE_PUBLIC_URL ke alamat yang dibuka warga, misalnya "
            "https://antrean.tabanankab.go.id.",
            file=sys.stderr,
            flush=True,
        )


def _port_in_use(args: argparse.Namespace) -> str:
    return (
        f"Port {args.port} di {args.host} sudah dipakai program lain (mungkin Antre yang masih "
        "berjalan). Hentikan program itu, atau jalankan dengan --port lain."
    )


def _serve_processes(args: argparse.Namespace) -> None:
    """Run the ASGI app in --workers server processes (antre.transport.listening: how they share the port).

    uvicorn calls antre.asgi.create_app in each server process, which starts that process.
    """
    import uvicorn

    options = dict(
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        lifespan="off",
        log_level="warning",
        access_log=False,
    )
    if args.workers == 1 or not listening.spreads_connections():
        uvicorn.run("antre.asgi:create_app", **options)
        return
    from uvicorn.supervisors import Multiprocess

    server_config = uvicorn.Config("antre.asgi:create_app", **options)
    sockets = [listening.reserve(args.host, args.port)]
    if "target" in inspect.signature(Multiprocess).parameters:  # uvicorn before 0.51
        supervisor = Multiprocess(server_config, target=uvicorn.Server(server_config).run, sockets=sockets)
    else:
        supervisor = Multiprocess(server_config, sockets=sockets)
    with contextlib.suppress(KeyboardInterrupt):
        supervisor.run()


def run_worker(args: argparse.Namespace) -> int:
    config.public_url()
    _setup_django()
    prepare()
    warn_about_configuration()
    from antre import worker

    print("Antre worker berjalan (undangan masuk, nomor kedaluwarsa). Ctrl+C untuk berhenti.", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        worker.run_forever()
    return 0


def run_backup(args: argparse.Namespace) -> int:
    _setup_django()
    from pathlib import Path

    from antre.backup import BackupError, backup

    try:
        path = backup(Path(args.to) if args.to else None)
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(path)
    return 0


def run_restore(args: argparse.Namespace) -> int:
    _setup_django()
    from pathlib import Path

    from antre.backup import BackupError, restore

    if not args.yes:
        print(
            "Pemulihan menimpa seluruh data saat ini. Hentikan server, lalu ulangi dengan --yes.",
            file=sys.stderr,
        )
        return 2
    try:
        restore(Path(args.backup))
    except BackupError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"Dipulihkan dari {args.backup}.")
    return 0


def token(args: argparse.Namespace) -> int:
    _setup_django()
    prepare()
    from antre.people.models import ApiToken, User

    user, created = User.objects.get_or_create(username=args.username)
    if created:
        user.set_unusable_password()
        user.save()
        print(f"Pengguna {args.username} dibuat tanpa peran; atur perannya di admin.", file=sys.stderr)
    print(ApiToken.for_user(user).key)
    return 0


def manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["antre manage", *args.rest])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="antre", description="Antrean dan layanan daring kantor pelayanan publik."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="migrate, seed the demo office if empty, and serve everything")
    p.add_argument("--host", default=config.host())
    p.add_argument("--port", type=int, default=config.port())
    p.add_argument("--no-worker", action="store_true", help="do not run the background jobs in this process")
    p.add_argument(
        "--workers",
        type=int,
        default=config.workers(),
        help="server processes (default: 2, or 1 on a single-core machine; ANTRE_WORKERS)",
    )
    p.set_defaults(func=serve)

    p = sub.add_parser("worker", help="run the background jobs (invitations, expiry) as a separate process")
    p.set_defaults(func=run_worker)

    p = sub.add_parser("backup", help="copy the SQLite database consistently while it runs")
    p.add_argument("--to", help="file to write (default: DATA_DIR/backups/antre-YYYYmmdd-HHMMSS.sqlite3)")
    p.set_defaults(func=run_backup)

    p = sub.add_parser("restore", help="replace the SQLite database with a backup (stop the server first)")
    p.add_argument("backup")
    p.add_argument("--yes", action="store_true", help="yes, replace everything")
    p.set_defaults(func=run_restore)

    p = sub.add_parser("token", help="print the API token of a user (created if absent)")
    p.add_argument("username")
    p.set_defaults(func=token)

    p = sub.add_parser("manage", help="run a Django management command (migrate, createsuperuser, …)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=manage)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
