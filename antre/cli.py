"""The `antre` command (SPEC §6): serve, worker, backup, restore, token, forecast, simulate, manage."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import sys
from pathlib import Path
from types import ModuleType

import django

from antre import config
from antre.forecast import commands as forecast
from antre.transport import listening


def _django() -> ModuleType:
    """Set Django up, then hand over the commands' module, which needs it set up to be imported."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antre.settings")
    django.setup()
    from antre import commands  # lazy: models and settings import only after django.setup()

    return commands


def serve(args: argparse.Namespace) -> int:
    # A wrong value stops here, once, with its message (not once per server process).
    config.threads(), config.booking_threads(), config.public_url()
    held, refused = _hold_port(args)
    if refused:
        print(refused, file=sys.stderr)
        return 1
    commands = _django()
    if args.workers > 1 and commands.connection.vendor == "sqlite" and os.name != "posix":
        # Processes take turns at SQLite's write slot by flock (antre.db.sqlite), a POSIX call.
        print("Di sistem ini SQLite dilayani oleh satu proses; --workers diabaikan.", file=sys.stderr)
        args.workers = 1
    if args.workers > 1:
        # Server processes leave when the supervising process is gone (antre.transport.watchdog), so
        # a killed server never leaves orphans holding the port.
        config.announce_supervisor(os.getpid())
    commands.hold_data()
    try:
        created = commands.prepare_when_ready()
    except KeyboardInterrupt:
        return 130
    print("\n".join(commands.running_lines(args, created)) + "\n", flush=True)
    commands.warn_about_configuration()
    if not args.no_worker:
        commands.start_worker_thread()
    try:
        commands.serve_processes(args)
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


def _port_in_use(args: argparse.Namespace) -> str:
    return (
        f"Port {args.port} di {args.host} sudah dipakai program lain (mungkin Antre yang masih "
        "berjalan). Hentikan program itu, atau jalankan dengan --port lain."
    )


def run_worker(args: argparse.Namespace) -> int:
    config.public_url()
    return _django().run_worker()


def run_backup(args: argparse.Namespace) -> int:
    return _django().run_backup(args.to)


def run_restore(args: argparse.Namespace) -> int:
    if not args.yes:
        print(
            "Pemulihan menimpa seluruh data saat ini. Hentikan server dan worker, lalu ulangi dengan --yes.",
            file=sys.stderr,
        )
        return 2
    return _django().run_restore(args.backup)


def move_documents(args: argparse.Namespace) -> int:
    return _django().move_documents(args.source)


def purge(args: argparse.Namespace) -> int:
    return _django().purge()


def rotate_key(args: argparse.Namespace) -> int:
    return _django().rotate_key()


def token(args: argparse.Namespace) -> int:
    return _django().token(args.username)


def forecast_export(args: argparse.Namespace) -> int:
    days = []
    for option, text in (("--from", args.first), ("--to", args.last)):
        try:
            days.append(dt.date.fromisoformat(text))
        except ValueError:
            print(f"{option} harus tanggal TTTT-BB-HH (mis. 2026-12-07), bukan {text!r}.", file=sys.stderr)
            return 2
    first, last = days
    if first > last:
        print("--from harus sama dengan atau sebelum --to.", file=sys.stderr)
        return 2
    return _django().forecast_export(
        first=first, last=last, events=Path(args.events), staffing=Path(args.staffing), office=args.office
    )


def manage(args: argparse.Namespace) -> int:
    return _django().manage(args.rest)


def _add_forecast(sub) -> None:
    """`antre forecast ACTION`: the office's history as CSV (SPEC §7) and what is made of it."""
    p = sub.add_parser("forecast", help="wait-time forecasting: the office's history as CSV (SPEC §7)")
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser(
        "export", help="write the queue event log and the staffing log of past days (and today so far)"
    )
    a.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day (office-local)"
    )
    a.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last day, included")
    a.add_argument(
        "--events", required=True, metavar="E.csv", help="file for the event log, one row per ticket"
    )
    a.add_argument("--staffing", required=True, metavar="S.csv", help="file for the counters' open periods")
    a.add_argument("--office", metavar="SLUG", help="one office (default: every office)")
    a.set_defaults(func=forecast_export)
    forecast.add_forecast_actions(actions)  # replay, evaluate: on the CSV files, no database


def _add_move_documents(sub) -> None:
    p = sub.add_parser(
        "move-documents",
        help="carry the documents this machine kept in DATA_DIR/documents into the database (PostgreSQL)",
    )
    p.add_argument("--source", help="the folder to carry in (default: DATA_DIR/documents)")
    p.set_defaults(func=move_documents)


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

    p = sub.add_parser(
        "backup",
        help="back up the database while it runs (SQLite: a copy; PostgreSQL: pg_dump, documents included)",
    )
    p.add_argument("--to", help="file to write (default: DATA_DIR/backups/antre-YYYYmmdd-HHMMSS.sqlite3)")
    p.set_defaults(func=run_backup)

    p = sub.add_parser(
        "restore",
        help="restore a backup (SQLite: replaces the data, stop the server first; PostgreSQL: onto a new empty database)",
    )
    p.add_argument("backup")
    p.add_argument("--yes", action="store_true", help="yes, replace everything")
    p.set_defaults(func=run_restore)

    _add_move_documents(sub)
    p = sub.add_parser(
        "purge", help="forget the personal data past its keeping period now (the worker does it daily)"
    )
    p.set_defaults(func=purge)

    p = sub.add_parser(
        "rotate-key", help="seal personal data under a new key (the older keys stay to read backups)"
    )
    p.set_defaults(func=rotate_key)

    p = sub.add_parser("token", help="print the API token of a user (created if absent)")
    p.add_argument("username")
    p.set_defaults(func=token)

    _add_forecast(sub)
    forecast.add_simulate(sub)

    p = sub.add_parser("manage", help="run a Django management command (migrate, createsuperuser, …)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=manage)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
