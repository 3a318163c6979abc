"""The wait predictor, replay and simulator: pure Python, on logs made here (no database, no clock)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest

from antre.forecast import compare
from antre.forecast.comeat import moved
from antre.forecast.eventlog import LogError, Outcome, Shift, Visit, parse_events, write_events
from antre.forecast.model import learn
from antre.forecast.predictor import NOT_YET, Snapshot, predict, project_all
from antre.forecast.replay import OURS, accuracy, replay

WITA = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2031, 3, 4)  # far from any real day: nothing here reads a clock


def at(hhmm: str, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=WITA)


def visit(n: int, service: str = "A", *, issued: str = "07:00", arrived: str | None = "08:00", called=None,
          finished=None, counter="", priority="", outcome=Outcome.SERVED, day=DAY) -> Visit:  # fmt: skip
    return Visit(
        office="x", ticket=f"{day}/{service}-{n:03d}", service=service, channel="web", priority=priority,
        issued_at=at(issued, day), arrived_at=at(arrived, day) if arrived else None,
        called_at=at(called, day) if called else None, started_at=at(called, day) if called else None,
        finished_at=at(finished, day) if finished else None, counter=counter, outcome=outcome,
    )  # fmt: skip


def history(days: int = 3, minutes: int = 10, pause: tuple[int, int] | None = None) -> list[Visit]:
    """Past days on which counter 1 served A, one citizen every `minutes`, back to back (skipping
    the `pause`, minutes after 08.00)."""
    rows = []
    for d in range(1, days + 1):
        day = DAY - dt.timedelta(days=7 * d)
        for i in range(12):
            offset = minutes * i
            if pause and offset >= pause[0]:
                offset += pause[1] - pause[0]
            start = dt.datetime.combine(day, dt.time(8), tzinfo=WITA) + dt.timedelta(minutes=offset)
            rows.append(visit(i + 1, issued="07:00", arrived="07:55", called=f"{start:%H:%M}",
                              finished=f"{start + dt.timedelta(minutes=minutes):%H:%M}", counter="1", day=day))  # fmt: skip
    return rows


def shifts(counters=("1",), services=frozenset({"A"}), day=DAY, start="08:00", end="15:00") -> list[Shift]:
    return [Shift("x", c, services, at(start, day), at(end, day)) for c in counters]


def test_the_log_is_read_back_as_written_and_bad_rows_are_named():
    rows = history(1)
    stream = io.StringIO()
    write_events(stream, rows)
    assert list(parse_events(io.StringIO(stream.getvalue()))) == rows
    broken = stream.getvalue().replace("2031-02-25T08:10:00+08:00", "jam delapan", 1)
    with pytest.raises(LogError, match=r"baris 2: \w+ bukan waktu ISO 8601: 'jam delapan'"):
        list(parse_events(io.StringIO(broken)))


def test_the_wait_is_the_people_ahead_at_the_learned_pace_shared_by_the_counters():
    model = learn(history(), shifts(day=DAY - dt.timedelta(days=7)))
    line = [visit(i, issued=f"07:0{i}", arrived="08:00") for i in range(1, 5)]
    snap = Snapshot(DAY, at("08:00"), line, shifts(counters=("1", "2")))
    one = predict(model, snap, service="A", priority=False, issued_at=at("07:30"))
    # Four ahead, two counters, ten minutes each: called after two rounds.
    assert one.wait_minutes == pytest.approx(20, abs=1)
    assert one.ahead == 4 and one.counters == ("1", "2")
    first = predict(model, snap, service="A", priority=True, issued_at=at("07:30"))
    assert first.wait_minutes == pytest.approx(0, abs=0.1)  # a priority visitor goes first


def test_a_counter_that_does_not_serve_the_service_does_not_shorten_the_wait():
    model = learn(history(), [])
    line = [visit(i, issued=f"07:0{i}") for i in range(1, 5)]
    other = Shift("x", "2", frozenset({"B"}), at("08:00"), at("15:00"))
    snap = Snapshot(DAY, at("08:00"), line, [*shifts(), other])
    assert predict(
        model, snap, service="A", priority=False, issued_at=at("07:30")
    ).wait_minutes == pytest.approx(40, abs=2)


def test_a_break_of_every_counter_is_added_and_shown():
    past = history(pause=(60, 120))
    paused = [
        Shift("x", "1", frozenset({"A"}), at("08:00", d), at("09:00", d))
        for d in {v.issued_at.date() for v in past}
    ]
    paused += [
        Shift("x", "1", frozenset({"A"}), at("10:00", d), at("15:00", d))
        for d in {v.issued_at.date() for v in past}
    ]
    model = learn(past, paused)
    line = [visit(i, issued=f"07:0{i}", arrived="08:30") for i in range(1, 5)]
    snap = Snapshot(DAY, at("08:30"), line, [dataclasses.replace(s, end=NOT_YET) for s in shifts()])
    p = predict(model, snap, service="A", priority=False, issued_at=at("07:30"))
    # 30 minutes before the break (three served), the hour's break, then the fourth: 10:10.
    assert p.wait_minutes == pytest.approx(100, abs=3)
    assert p.pauses and p.pauses[0][0] == 9 * 60


def test_a_visit_begun_before_the_break_is_finished_and_the_break_still_ends_on_time():
    """The counter breaks 12.00–12.45 every day. At 11.58 it calls the one citizen ahead, a ten-minute
    visit: the officer finishes it (12.08), breaks, and calls the next at 12.45, not at 12.53 as if
    the visit had been cut in two by the break."""
    past, periods = [], []
    for d in range(1, 4):
        day = DAY - dt.timedelta(days=7 * d)
        minutes = [*range(8 * 60, 12 * 60, 10), *range(12 * 60 + 45, 15 * 60, 10)]
        for i, m in enumerate(minutes):
            called, finished = f"{m // 60:02d}:{m % 60:02d}", f"{(m + 10) // 60:02d}:{(m + 10) % 60:02d}"
            past.append(visit(i + 1, called=called, finished=finished, counter="1", day=day))
        periods += [*shifts(day=day, end="12:00"), *shifts(day=day, start="12:45")]
    model = learn(past, periods)
    line = [visit(1, issued="07:01", arrived="11:00")]
    snap = Snapshot(DAY, at("11:58"), line, [dataclasses.replace(s, end=NOT_YET) for s in shifts()])
    p = predict(model, snap, service="A", priority=False, issued_at=at("11:58"))
    assert p.wait_minutes == pytest.approx(47, abs=0.5)


def two_lengths() -> tuple[list[Visit], list[Shift]]:
    """Past days at which counters 1–3 served A, each visit either 2 or 18 minutes (10 on average)."""
    past, periods = [], []
    for d in range(1, 4):
        day = DAY - dt.timedelta(days=7 * d)
        for counter in ("1", "2", "3"):
            minute = 8 * 60
            for i in range(12):
                length = 2 if (i + int(counter)) % 2 else 18
                called = f"{minute // 60:02d}:{minute % 60:02d}"
                minute += length
                finished = f"{minute // 60:02d}:{minute % 60:02d}"
                past.append(
                    visit(100 * int(counter) + i, called=called, finished=finished, counter=counter, day=day)
                )
        periods += shifts(counters=("1", "2", "3"), day=day)
    return past, periods


def test_the_wait_told_is_the_wait_to_expect_not_the_wait_if_every_visit_took_its_mean():
    """Three counters are free and three citizens stand ahead: the fourth is called as soon as one
    of the three visits ends, which is after 2 minutes unless all three are long (one time in
    eight): about 4 minutes to expect. At exactly 10 minutes a visit, it would be told 10."""
    model = learn(*two_lengths())
    assert model.minutes("A", 9 * 60) == pytest.approx(10, abs=0.5)
    line = [visit(i, issued=f"08:5{i}", arrived="08:55") for i in range(1, 4)]
    today = [dataclasses.replace(s, end=NOT_YET) for s in shifts(counters=("1", "2", "3"), start="08:50")]
    p = predict(
        model, Snapshot(DAY, at("09:00"), line, today), service="A", priority=False, issued_at=at("09:00")
    )
    assert 2 <= p.wait_minutes <= 6


def test_a_time_shown_does_not_move_when_someone_joins_another_counter_s_line():
    """Counters 1–3 serve A, counter 4 serves only B. A citizen taking a B number between the A
    tickets changes no A ticket's time (each visit's drawn time belongs to that visit), and a
    ticket's own page (predict) says what the office's projection says."""
    model = learn(*two_lengths())
    today = [dataclasses.replace(s, end=NOT_YET) for s in shifts(counters=("1", "2", "3"), start="08:50")]
    today.append(Shift("x", "4", frozenset({"B"}), at("08:50"), NOT_YET))
    line = [visit(i, issued=f"08:1{i}", arrived="08:55") for i in range(1, 9)]
    before = project_all(model, Snapshot(DAY, at("09:00"), line, today)).calls
    joined = [*line[:2], visit(1, "B", issued="08:12", arrived="08:55"), *line[2:]]
    after = project_all(model, Snapshot(DAY, at("09:00"), joined, today)).calls
    assert {v.ticket: after[v.ticket] for v in line} == {v.ticket: before[v.ticket] for v in line}
    fifth = line[4]
    own = predict(model, Snapshot(DAY, at("09:00"), line, today), service="A", priority=False,
                  issued_at=fifth.issued_at, ticket=fifth.ticket)  # fmt: skip
    assert 9 * 60 + own.wait_minutes == pytest.approx(before[fifth.ticket], abs=0.01)


def test_a_booking_told_a_time_and_not_in_yet_counts_as_one_who_comes_before_any_history_of_such():
    """An office that has just begun to give come-at times has no history of how many come: at
    08.10, four bookings told 08.15 and not through the door yet stand ahead as about four people
    (as many as usually come), not as two."""
    model = learn(history(), [s for d in {v.issued_at.date() for v in history()} for s in shifts(day=d)])
    told = [
        dataclasses.replace(visit(i, issued="07:00", arrived=None), come_at=at("08:15")) for i in range(1, 5)
    ]
    snap = Snapshot(DAY, at("08:10"), told, shifts())
    p = predict(model, snap, service="A", priority=False, issued_at=at("08:20"))
    assert p.ahead >= 0.8 * 4


def test_a_line_longer_than_the_day_is_told_the_day_s_end_not_a_time_after_it():
    """At 14.30 with ten ahead at ten minutes each, one counter that usually stops at 15.00: the
    line ends for them when the counter stops (their wait, as the log counts it, ends then too),
    not at 16.10 as if the counter went on, nor at a guess made without any counter."""
    past = history()
    model = learn(past, [s for d in {v.issued_at.date() for v in past} for s in shifts(day=d)])
    line = [visit(i, issued=f"07:{i:02d}", arrived="14:00") for i in range(1, 11)]
    snap = Snapshot(DAY, at("14:30"), line, [dataclasses.replace(s, end=NOT_YET) for s in shifts()])
    p = predict(model, snap, service="A", priority=False, issued_at=at("14:30"))
    assert p.wait_minutes == pytest.approx(30, abs=0.5)


def test_a_counter_that_usually_opens_late_is_expected_late():
    """Counter 1 has opened at 08.06 on every past day. Before opening, three ahead at ten minutes
    each: the fourth is called about 08.36, not at 08.30 as if it opened on the hour."""
    past = [dataclasses.replace(v, called_at=v.called_at + dt.timedelta(minutes=6),
                                finished_at=v.finished_at + dt.timedelta(minutes=6)) for v in history()]  # fmt: skip
    model = learn(past, [s for d in {v.issued_at.date() for v in past} for s in shifts(day=d, start="08:06")])
    line = [visit(i, issued=f"07:0{i}", arrived="07:45") for i in range(1, 4)]
    snap = Snapshot(DAY, at("07:50"), line, [])
    p = predict(model, snap, service="A", priority=False, issued_at=at("07:30"))
    assert p.wait_minutes == pytest.approx(46, abs=1)
    # The first in line is called when the counter usually opens, 08.06: not at 08.00, as if it
    # opened on the hour and served slowly.
    first = predict(
        model, Snapshot(DAY, at("07:50"), [], []), service="A", priority=False, issued_at=at("07:30")
    )
    assert first.wait_minutes == pytest.approx(16, abs=0.5)


def test_a_booking_asked_to_come_later_is_expected_after_the_walk_ins_who_usually_come_first():
    """On past days six walk-ins came between 09.15 and 09.30, ten minutes each at the one counter.
    A booking asked to come at 09.30 queues from 09.30, behind them: at 08.00 it is expected about
    10.15, not at 09.30 as if nobody else would come."""
    past_days = [DAY - dt.timedelta(days=7 * d) for d in (1, 2, 3)]

    def hhmm(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    past = [
        visit(i, issued=hhmm(555 + 2 * i), arrived=hhmm(555 + 2 * i), called=hhmm(555 + 10 * i),
              finished=hhmm(565 + 10 * i), counter="1", day=d)
        for d in past_days for i in range(6)
    ]  # fmt: skip
    model = learn(past, [s for d in past_days for s in shifts(day=d)])
    booked = dataclasses.replace(
        visit(1, arrived=None), issued_at=at("20:00", DAY - dt.timedelta(days=1)), come_at=at("09:30")
    )
    snap = Snapshot(DAY, at("08:00"), [booked], [dataclasses.replace(s, end=NOT_YET) for s in shifts()])
    called = project_all(model, snap).calls[booked.ticket]
    assert 10 * 60 <= called <= 10 * 60 + 30


def test_a_counter_listed_open_that_calls_nobody_while_people_wait_is_not_counted():
    model = learn(history(), [])
    line = [visit(i, issued=f"07:0{i}", arrived="08:00") for i in range(1, 5)]
    serving = [visit(9, issued="06:00", arrived="08:00", called="09:00", counter="1")]
    snap = Snapshot(DAY, at("09:05"), line + serving, shifts(counters=("1", "ghost")))
    p = predict(model, snap, service="A", priority=False, issued_at=at("07:30"))
    assert p.counters == ("1",)
    assert p.wait_minutes == pytest.approx(45, abs=3)


def test_replay_uses_only_the_past_whatever_the_future_holds():
    s = compare.variant("busy")
    _, days = compare.run_policy("opening", s, days=1, warmup=3, seed=5)
    visits = [v for d in days for v in d.visits]
    staffing = [x for d in days for x in d.shifts]
    cut = at("10:00", compare.office_days(4)[-1])
    first = {r.visit.ticket: r.predicted for r in replay(visits, staffing) if r.visit.arrived_at < cut}

    def rewrite(v: Visit) -> Visit:  # every time after the cut moves; tickets issued later vanish
        shift = dt.timedelta(minutes=37)
        return dataclasses.replace(
            v, **{f: getattr(v, f) + shift for f in ("called_at", "started_at", "finished_at")
                  if getattr(v, f) is not None and getattr(v, f) > cut},
        )  # fmt: skip

    future = [rewrite(v) for v in visits if v.issued_at <= cut or v.arrived_at is None or v.arrived_at <= cut]
    later = [
        dataclasses.replace(x, end=x.end + dt.timedelta(minutes=50)) if x.end > cut else x for x in staffing
    ]
    again = {r.visit.ticket: r.predicted for r in replay(future, later) if r.visit.arrived_at < cut}
    assert first and first == again


def test_each_day_is_learned_from_earlier_days_only():
    seen = []

    def spy(visits, shifts):
        seen.append(max((v.issued_at for v in visits), default=None))
        return learn(visits, shifts)

    rows = history(3)
    list(replay(rows, [], learner=spy))
    days = sorted({v.ticket[:10] for v in rows})
    assert seen[0] is None and len(seen) == len(days)
    assert all(s is not None and s.date().isoformat() < d for s, d in zip(seen[1:], days[1:], strict=True))


@pytest.mark.parametrize("name", ["phantom", "outage", "new-service"])
def test_on_days_that_break_its_assumptions_it_is_no_worse_than_queue_length(name):
    outcome, days = compare.run_policy("opening", compare.variant(name), days=3, warmup=4, seed=11)
    rows = [r for r in replay([v for d in days for v in d.visits], [x for d in days for x in d.shifts])
            if r.visit.arrived_at.date() >= compare.office_days(5)[-1]]  # fmt: skip
    assert accuracy(rows, OURS).rrase <= accuracy(rows, "QL").rrase


def test_a_come_at_time_moves_later_freely_but_earlier_only_by_the_margin():
    assert moved(told=600, fresh=650, margin=15) == 650
    assert moved(told=600, fresh=560, margin=15) == 585


def test_the_simulation_repeats_with_its_seed_and_keeps_the_room_s_capacity():
    s = compare.variant("busy")
    one = compare.run_policy("come_at", s, days=1, warmup=1, seed=3)[1]
    two = compare.run_policy("come_at", s, days=1, warmup=1, seed=3)[1]
    assert one[-1].visits == two[-1].visits
    assert all(d.peak_on_site - d.peak_outside <= s.capacity for d in one)


def test_one_projection_gives_everyone_their_call_and_a_newcomer_per_service():
    from antre.forecast.predictor import project_all

    model = learn(history(), [])
    line = [visit(i, issued=f"07:0{i}", arrived="08:00") for i in range(1, 5)]
    snap = Snapshot(DAY, at("08:00"), line, shifts(counters=("1", "2")))
    outlook = project_all(model, snap, ["A"])
    calls = [outlook.calls[v.ticket] - 8 * 60 for v in line]
    assert calls == pytest.approx([0, 0, 10, 10], abs=1)
    assert [outlook.ahead[v.ticket] for v in line] == [0, 0, 2, 2]
    assert outlook.next_call["A"] - 8 * 60 == pytest.approx(20, abs=1)
