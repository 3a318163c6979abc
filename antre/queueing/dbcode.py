# ruff: noqa: S608 (the SQL here is built from our own constants, never from input)
"""Code that lives in the database: the day's counts per service, and booking in one statement.

**Counts.** Each DailySequence row (service, day) carries, next to the last number issued, how
many of that day's tickets count against the quota (all but cancelled: `taken`), and how many
wait (`waiting`, of which `waiting_priority`). Triggers on the ticket table keep them, whatever
changes a ticket — a booking, a call, a cancellation, a transfer, an edit in the admin — in the
same transaction as the change. A booking reads them from the row it locks to take its number,
instead of counting the day's tickets: a count that grows with every booking of the day, made while
the number's lock keeps the service's other bookings waiting.

**Booking on PostgreSQL** is one call of antre_issue_ticket (see antre.queueing.services): take
the number and the counts, refuse a full day, insert the ticket and its Idempotency-Key. One round
trip, so the number's row lock is held only while PostgreSQL works. A refusal raises, which undoes
the whole statement. The second ticket of a NIK is refused by the unique index on active tickets.

The rules in this SQL (which statuses count as taken and as waiting, the quota, the number's
format) are those of antre.queueing.rules: the statements are built from its names and constants.

Migrations install this code (queueing 0006–0008 and 0010 hold copies of it as it was then; a change here comes
with a migration of its own, and a test checks the database runs the code below). `antre serve`
checks it is there (ensure()).
**A later migration that alters the ticket or the DailySequence table** must, on SQLite, run
uninstall() before and install() after: SQLite alters a table by rebuilding it, which drops the
ticket table's triggers, and refuses to rebuild DailySequence while the triggers name it.
"""

from __future__ import annotations

import logging

from django.db import transaction

from antre.queueing import rules

log = logging.getLogger(__name__)

# The booking rules as the SQL below states them, built from their one definition in
# antre.queueing.rules (tests/test_rules_equivalence.py runs both on the same random days).
NOT_TAKEN = rules.NOT_TAKEN.value
WAITING = tuple(status.value for status in rules.WAITING)
# The service mode booking refuses. A test compares it with the model.
ONLINE = "online"

# The ticket's columns antre_issue_ticket writes. A test compares them with the model.
TICKET_COLUMNS = (
    "token", "office_id", "service_id", "day", "session_id", "seq", "number", "name", "nik", "phone",
    "nik_hash", "phone_hash", "kecamatan", "priority", "is_priority", "channel", "status", "issued_at", "queued_at", "counter_id",
    "invited_at", "invitations", "recalls", "rejoined", "transferred_from_id", "arrived_at",
    "left_at", "called_at", "started_at", "finished_at", "issued_by_id", "come_at", "source",
)  # fmt: skip
# The ticket's columns a booking never writes (they get NULL): set later, by the counter's verbs.
NOT_BOOKED = ("called_by_id",)

_WAITING_SQL = ", ".join(f"'{s}'" for s in WAITING)


def _contribution(row: str) -> tuple[str, str, str]:
    """What one ticket adds to taken, waiting and waiting_priority, as SQL booleans."""
    return (
        f"{row}.status <> '{NOT_TAKEN}'",
        f"{row}.status IN ({_WAITING_SQL})",
        f"({row}.status IN ({_WAITING_SQL}) AND {row}.is_priority)",
    )


_OLD, _NEW = _contribution("OLD"), _contribution("NEW")


def _number(prefix: str, seq: str) -> str:
    """rules.format_number in SQL: prefix, separator, the sequence padded to NUMBER_DIGITS at least."""
    return (
        f"{prefix} || '{rules.NUMBER_SEPARATOR}' || "
        f"lpad({seq}::text, greatest({rules.NUMBER_DIGITS}, length({seq}::text)), '0')"
    )


# PostgreSQL's booking function, by its argument types. Its first signature stays in the database
# (queueing 0007 does not drop it) so that processes still running the code of before keep booking
# during an upgrade of several machines; a later migration drops it (RETIRED). The third signature
# gave way to the fourth (queueing 0011), and the fourth to the fifth (queueing 0015, the share of a
# day kept for the day itself): a call with fewer arguments reaches the newest, whose later arguments
# default to what older processes meant; with both there, such a call would be ambiguous.
ISSUE_TICKET = "antre_issue_ticket(jsonb, text, text, bigint[], boolean)"
REPLACED = "antre_issue_ticket(jsonb, text, text, bigint[])"
RETIRED = [
    "antre_issue_ticket(bigint, date, integer, text, jsonb, text, text)",
    "antre_issue_ticket(jsonb, text, text)",
    REPLACED,
]
# rules.held_back_places in SQL (the places of a day kept for the day itself).
HELD_BACK_SQL = "({quota} * least(greatest({percent}, 0), 100) / 100)"  # integers: rounded down

# Its quota check (v_taken >= v_quota) is rules.quota_full written out, its choice of a session is
# rules.first_session_with_room (a session's tickets counted as rules.is_taken counts them), and
# `ahead` is the waiting count a priority or other visitor queues behind: the equivalence tests hold
# them to the rules.
POSTGRESQL = [
    f"""
CREATE OR REPLACE FUNCTION antre_ticket_counts() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.service_id = NEW.service_id AND OLD.day = NEW.day
       AND ({_OLD[0]}) = ({_NEW[0]}) AND ({_OLD[1]}) = ({_NEW[1]}) AND ({_OLD[2]}) = ({_NEW[2]}) THEN
        RETURN NEW;  -- nothing counted has changed
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE queueing_dailysequence
           SET taken = taken - ({_OLD[0]})::int,
               waiting = waiting - ({_OLD[1]})::int,
               waiting_priority = waiting_priority - ({_OLD[2]})::int
         WHERE service_id = OLD.service_id AND day = OLD.day;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO queueing_dailysequence AS s (service_id, day, last, taken, waiting, waiting_priority)
        VALUES (NEW.service_id, NEW.day, 0, ({_NEW[0]})::int, ({_NEW[1]})::int, ({_NEW[2]})::int)
        ON CONFLICT (service_id, day) DO UPDATE
           SET taken = s.taken + EXCLUDED.taken,
               waiting = s.waiting + EXCLUDED.waiting,
               waiting_priority = s.waiting_priority + EXCLUDED.waiting_priority;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$fn$""",
    "DROP TRIGGER IF EXISTS antre_ticket_counts ON queueing_ticket",
    """
CREATE TRIGGER antre_ticket_counts
BEFORE INSERT OR DELETE OR UPDATE OF status, service_id, day, is_priority ON queueing_ticket
FOR EACH ROW EXECUTE FUNCTION antre_ticket_counts()""",
    *(f"DROP FUNCTION IF EXISTS {retired}" for retired in RETIRED),
    """
CREATE OR REPLACE FUNCTION antre_issue_ticket(
    p_ticket jsonb, p_key text, p_fingerprint text, p_sessions bigint[] DEFAULT '{{}}',
    p_held_back boolean DEFAULT false)
RETURNS TABLE (ticket_id bigint, ticket_seq integer, ticket_number varchar, ahead integer,
               ticket_session bigint)
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
    t queueing_ticket;
    v_active boolean;
    v_mode text;
    v_quota integer;
    v_prefix text;
    v_held_back_percent integer;
    v_taken integer;
    v_waiting integer;
    v_waiting_priority integer;
    v_candidate bigint;
    v_session_quota integer;
    v_session_taken integer;
BEGIN
    t := jsonb_populate_record(NULL::queueing_ticket, p_ticket);
    -- The service as it is now: the caller's copy may be seconds old.
    SELECT active, mode, daily_quota, prefix, held_back_percent
      INTO v_active, v_mode, v_quota, v_prefix, v_held_back_percent
      FROM offices_service WHERE id = t.service_id;
    IF NOT FOUND OR NOT v_active THEN
        RAISE EXCEPTION 'antre:unknown_service' USING ERRCODE = 'P0001';
    END IF;
    IF v_mode = '{online}' THEN
        RAISE EXCEPTION 'antre:online_only' USING ERRCODE = 'P0001';
    END IF;
    -- The row stays locked until commit: bookings of one service-day take turns from here.
    INSERT INTO queueing_dailysequence AS s (service_id, day, last, taken, waiting, waiting_priority)
    VALUES (t.service_id, t.day, 1, 0, 0, 0)
    ON CONFLICT (service_id, day) DO UPDATE SET last = s.last + 1
    RETURNING s.last, s.taken, s.waiting, s.waiting_priority
    INTO t.seq, v_taken, v_waiting, v_waiting_priority;
    -- rules.bookable_quota: from afar, the days ahead stop short of the share kept for the day.
    IF p_held_back THEN
        v_quota := v_quota - {held_back};
    END IF;
    IF v_taken >= v_quota THEN
        RAISE EXCEPTION 'antre:quota_full' USING ERRCODE = 'P0001';
    END IF;
    -- The first of the candidate sessions (in order) with room for this service, counted behind the
    -- number's row lock: every booking of the service-day waits for it, so none can overtake.
    t.session_id := NULL;
    FOREACH v_candidate IN ARRAY p_sessions LOOP
        SELECT quota INTO v_session_quota FROM offices_sessionquota
         WHERE session_id = v_candidate AND service_id = t.service_id;
        IF NOT FOUND THEN
            t.session_id := v_candidate;  -- no quota of its own there: only the day's applies
            EXIT;
        END IF;
        SELECT COUNT(*) INTO v_session_taken FROM queueing_ticket
         WHERE service_id = t.service_id AND day = t.day AND session_id = v_candidate
           AND {taken};
        IF v_session_taken < v_session_quota THEN
            t.session_id := v_candidate;
            EXIT;
        END IF;
    END LOOP;
    IF cardinality(p_sessions) > 0 AND t.session_id IS NULL THEN
        RAISE EXCEPTION 'antre:session_full' USING ERRCODE = 'P0001';
    END IF;
    -- After the number's row lock: a closed day the admin saves meanwhile is seen (a process's
    -- copy of the calendar may be seconds old; antre.queueing.closures).
    IF EXISTS (SELECT 1 FROM offices_closedday WHERE office_id = t.office_id AND date = t.day) THEN
        RAISE EXCEPTION 'antre:closed_day' USING ERRCODE = 'P0001';
    END IF;
    -- antre.queueing.rules.format_number: prefix, dash, at least three digits (a test compares them)
    t.number := {number};
    INSERT INTO queueing_ticket ({columns})
    VALUES ({values})
    RETURNING id INTO t.id;
    IF p_key <> '' THEN
        INSERT INTO queueing_idempotencykey (office_id, key, fingerprint, ticket_id, created_at)
        VALUES (t.office_id, p_key, p_fingerprint, t.id, t.issued_at);
    END IF;
    ticket_id := t.id;
    ticket_seq := t.seq;
    ticket_number := t.number;
    ahead := CASE WHEN t.is_priority THEN v_waiting_priority ELSE v_waiting END;
    ticket_session := t.session_id;
    RETURN NEXT;
END
$fn$""".format(
        online=ONLINE,
        held_back=HELD_BACK_SQL.format(quota="v_quota", percent="v_held_back_percent"),
        taken=_contribution("queueing_ticket")[0],
        number=_number("v_prefix", "t.seq"),
        columns=", ".join(TICKET_COLUMNS),
        values=", ".join(f"t.{column}" for column in TICKET_COLUMNS),
    ),
]

_SQLITE_ADD = (
    "INSERT INTO queueing_dailysequence (service_id, day, last, taken, waiting, waiting_priority) "
    f"VALUES (NEW.service_id, NEW.day, 0, {_NEW[0]}, {_NEW[1]}, {_NEW[2]}) "
    "ON CONFLICT (service_id, day) DO UPDATE SET taken = taken + excluded.taken, "
    "waiting = waiting + excluded.waiting, waiting_priority = waiting_priority + excluded.waiting_priority;"
)
_SQLITE_REMOVE = (
    f"UPDATE queueing_dailysequence SET taken = taken - ({_OLD[0]}), waiting = waiting - ({_OLD[1]}), "
    f"waiting_priority = waiting_priority - ({_OLD[2]}) WHERE service_id = OLD.service_id AND day = OLD.day;"
)
SQLITE_TRIGGERS = ("antre_ticket_counts_insert", "antre_ticket_counts_delete", "antre_ticket_counts_update")
SQLITE = [
    f"CREATE TRIGGER IF NOT EXISTS antre_ticket_counts_insert AFTER INSERT ON queueing_ticket "
    f"BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER IF NOT EXISTS antre_ticket_counts_delete AFTER DELETE ON queueing_ticket "
    f"BEGIN {_SQLITE_REMOVE} END",
    "CREATE TRIGGER IF NOT EXISTS antre_ticket_counts_update "
    "AFTER UPDATE OF status, service_id, day, is_priority ON queueing_ticket "
    f"BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
]

_COUNTS = ", ".join(f"COUNT(*) FILTER (WHERE {counted})" for counted in _contribution("t"))
# Every (service, day) that has tickets gets its row and true counts, and `last` is never below
# the highest number issued (tickets created outside a booking: imports, the admin, benchmarks).
RECOUNT = [
    "UPDATE queueing_dailysequence SET taken = 0, waiting = 0, waiting_priority = 0",
    f"""
INSERT INTO queueing_dailysequence (service_id, day, last, taken, waiting, waiting_priority)
SELECT t.service_id, t.day, MAX(t.seq), {_COUNTS}
  FROM queueing_ticket t WHERE true GROUP BY t.service_id, t.day
ON CONFLICT (service_id, day) DO UPDATE SET
    last = CASE WHEN excluded.last > queueing_dailysequence.last THEN excluded.last
                ELSE queueing_dailysequence.last END,
    taken = excluded.taken, waiting = excluded.waiting, waiting_priority = excluded.waiting_priority""",
]


def install(connection) -> None:
    """Create or replace the triggers (and on PostgreSQL the booking function), then recount."""
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
        for sql in RECOUNT:
            cursor.execute(sql)


UNINSTALL = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS antre_ticket_counts ON queueing_ticket",
        "DROP FUNCTION IF EXISTS antre_ticket_counts()",
        f"DROP FUNCTION IF EXISTS {ISSUE_TICKET}",
        *(f"DROP FUNCTION IF EXISTS {retired}" for retired in RETIRED),
    ],
    "sqlite": [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS],
}


def uninstall(connection) -> None:
    """Drop the triggers (and the function): before a migration that alters these tables on SQLite."""
    with connection.cursor() as cursor:
        for sql in UNINSTALL[connection.vendor]:
            cursor.execute(sql)


def installed(connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'antre_ticket_counts')"
                " AND to_regprocedure(%s) IS NOT NULL",
                [ISSUE_TICKET],
            )
            return cursor.fetchone()[0]
        cursor.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            list(SQLITE_TRIGGERS),
        )
        return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)


def ensure(connection) -> bool:
    """Put the code back if it is missing (a rebuilt table loses its triggers). True if it was."""
    if installed(connection):
        return False
    log.warning("the ticket counts' triggers were missing: installed again and the counts recounted")
    with transaction.atomic(using=connection.alias):
        install(connection)
    return True
