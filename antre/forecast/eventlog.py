"""The queue event log and the staffing log of SPEC §7, as CSV, both ways.

Events: one row per ticket,
`office,ticket,service,channel,priority,issued_at,arrived_at,called_at,started_at,finished_at,counter,outcome`,
times in ISO 8601 with their offset, empty where the step never happened. A ticket that arrived and
left the line without being called has no `called_at`; its `finished_at` is when it left.

Staffing: one row per period a counter was open, `office,counter,services,from,to`, the services
separated by `|`.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

EVENT_FIELDS = (
    "office", "ticket", "service", "channel", "priority", "issued_at", "arrived_at", "called_at",
    "started_at", "finished_at", "counter", "outcome",
)  # fmt: skip
# Optional, after the others: the arrival time a citizen who booked ahead was told at booking
# (Antre's come-at time). Known from the booking on, so replay may use it; other logs leave it out.
COME_AT = "come_at"
STAFFING_FIELDS = ("office", "counter", "services", "from", "to")
SERVICE_SEPARATOR = "|"


class Outcome(StrEnum):
    SERVED = "served"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TURNED_AWAY = "turned_away"


class LogError(ValueError):
    """A row that does not follow the format: the message names the file's line and the field."""


@dataclass(frozen=True, slots=True)
class Visit:
    """One ticket's life, as the event log records it."""

    office: str
    ticket: str
    service: str
    channel: str
    priority: str  # "" none; "0"/"1"; or a category name ("elderly")
    issued_at: dt.datetime
    arrived_at: dt.datetime | None
    called_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    counter: str
    outcome: Outcome
    come_at: dt.datetime | None = None

    @property
    def queued_at(self) -> dt.datetime:
        """Its place in the call order after priority: a booking from home queues from the time it
        was asked to come (Antre's come-at time), anyone else from when the number was issued."""
        return self.come_at or self.issued_at

    @property
    def is_priority(self) -> bool:
        return self.priority not in ("", "0")

    @property
    def waited(self) -> bool:
        """Arrived and stood in the line: the tickets whose wait is predicted."""
        return self.arrived_at is not None and (self.called_at is not None or self.finished_at is not None)

    @property
    def left_line_at(self) -> dt.datetime | None:
        """When the wait ended: the call, or the moment someone left the line uncalled."""
        if self.arrived_at is None:
            return None
        return self.called_at or self.finished_at

    @property
    def wait_minutes(self) -> float | None:
        end = self.left_line_at
        if end is None or self.arrived_at is None:
            return None
        return (end - self.arrived_at).total_seconds() / 60

    @property
    def service_minutes(self) -> float | None:
        """The counter's time with this citizen: from the call (or the start) to the end."""
        begin = self.called_at or self.started_at
        if begin is None or self.finished_at is None or self.outcome != Outcome.SERVED:
            return None
        return (self.finished_at - begin).total_seconds() / 60


@dataclass(frozen=True, slots=True)
class Shift:
    """A period a counter was open, and the services it served meanwhile."""

    office: str
    counter: str
    services: frozenset[str]
    start: dt.datetime
    end: dt.datetime

    def open_at(self, moment: dt.datetime) -> bool:
        return self.start <= moment < self.end


def _time(text: str, *, line: int, field: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise LogError(f"baris {line}: {field} bukan waktu ISO 8601: {text!r}") from None
    if value.tzinfo is None:
        raise LogError(f"baris {line}: {field} tanpa zona waktu (mis. +08:00): {text!r}")
    return value


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _check_header(reader: csv.DictReader, expected: tuple[str, ...], what: str) -> None:
    missing = [name for name in expected if name not in (reader.fieldnames or [])]
    if missing:
        raise LogError(f"{what}: kolom tidak ada: {', '.join(missing)}")


def parse_events(stream: IO[str]) -> Iterator[Visit]:
    reader = csv.DictReader(stream)
    _check_header(reader, EVENT_FIELDS, "log antrean")
    for row in reader:
        line = reader.line_num
        issued = _time(row["issued_at"], line=line, field="issued_at")
        if issued is None:
            raise LogError(f"baris {line}: issued_at kosong")
        try:
            outcome = Outcome(row["outcome"])
        except ValueError:
            raise LogError(f"baris {line}: outcome tidak dikenal: {row['outcome']!r}") from None
        yield Visit(
            office=row["office"],
            ticket=row["ticket"],
            service=row["service"],
            channel=row["channel"],
            priority=row["priority"] or "",
            issued_at=issued,
            arrived_at=_time(row["arrived_at"], line=line, field="arrived_at"),
            called_at=_time(row["called_at"], line=line, field="called_at"),
            started_at=_time(row["started_at"], line=line, field="started_at"),
            finished_at=_time(row["finished_at"], line=line, field="finished_at"),
            counter=row["counter"] or "",
            outcome=outcome,
            come_at=_time(row.get(COME_AT) or "", line=line, field=COME_AT),
        )


def parse_staffing(stream: IO[str]) -> Iterator[Shift]:
    reader = csv.DictReader(stream)
    _check_header(reader, STAFFING_FIELDS, "log petugas")
    for row in reader:
        line = reader.line_num
        start = _time(row["from"], line=line, field="from")
        end = _time(row["to"], line=line, field="to")
        if start is None or end is None or end <= start:
            raise LogError(f"baris {line}: from dan to wajib diisi, dan to sesudah from")
        yield Shift(
            office=row["office"],
            counter=row["counter"],
            services=frozenset(s for s in row["services"].split(SERVICE_SEPARATOR) if s),
            start=start,
            end=end,
        )


def write_events(stream: IO[str], visits: Iterable[Visit]) -> int:
    """The rows in SPEC §7's format; with the optional `come_at` column only if a row has one."""
    visits = list(visits)
    told = any(v.come_at is not None for v in visits)
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow((*EVENT_FIELDS, COME_AT) if told else EVENT_FIELDS)
    for v in visits:
        row = [
            v.office, v.ticket, v.service, v.channel, v.priority, _iso(v.issued_at), _iso(v.arrived_at),
            _iso(v.called_at), _iso(v.started_at), _iso(v.finished_at), v.counter, v.outcome.value,
        ]  # fmt: skip
        writer.writerow([*row, _iso(v.come_at)] if told else row)
    return len(visits)


def write_staffing(stream: IO[str], shifts: Iterable[Shift]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(STAFFING_FIELDS)
    count = 0
    for s in shifts:
        services = SERVICE_SEPARATOR.join(sorted(s.services))
        writer.writerow([s.office, s.counter, services, _iso(s.start), _iso(s.end)])
        count += 1
    return count


def read_events(path: Path) -> list[Visit]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(parse_events(stream))


def read_staffing(path: Path) -> list[Shift]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(parse_staffing(stream))
