# A ticket's session (antre.offices.sessions), and PostgreSQL's booking function, fifth version
# (antre.queueing.dbcode): it takes the candidate sessions as a fourth argument and books the first
# with room for the service, counted behind the number's row lock. The three-argument signature is
# dropped in the same transaction: a process still running the code of before calls with three
# arguments and reaches the new one, whose sessions default to none (with both there, the call
# would be ambiguous). Frozen here as it was when this migration was written; a test checks the
# database runs dbcode's current code.
#
# On SQLite the column is added without rebuilding the table, but the triggers are taken off and
# put back around it all the same, as dbcode asks of every change to the ticket table (a later
# Django could rebuild it), and the counts recounted.

import importlib

import django.db.models.deletion
from django.db import migrations, models

REPLACED = "antre_issue_ticket(jsonb, text, text)"
NEW = "antre_issue_ticket(jsonb, text, text, bigint[])"

FUNCTION = "\nCREATE OR REPLACE FUNCTION antre_issue_ticket(\n    p_ticket jsonb, p_key text, p_fingerprint text, p_sessions bigint[] DEFAULT '{}')\nRETURNS TABLE (ticket_id bigint, ticket_seq integer, ticket_number varchar, ahead integer,\n               ticket_session bigint)\nLANGUAGE plpgsql VOLATILE AS $fn$\nDECLARE\n    t queueing_ticket;\n    v_active boolean;\n    v_mode text;\n    v_quota integer;\n    v_prefix text;\n    v_taken integer;\n    v_waiting integer;\n    v_waiting_priority integer;\n    v_candidate bigint;\n    v_session_quota integer;\n    v_session_taken integer;\nBEGIN\n    t := jsonb_populate_record(NULL::queueing_ticket, p_ticket);\n    -- The service as it is now: the caller's copy may be seconds old.\n    SELECT active, mode, daily_quota, prefix INTO v_active, v_mode, v_quota, v_prefix\n      FROM offices_service WHERE id = t.service_id;\n    IF NOT FOUND OR NOT v_active THEN\n        RAISE EXCEPTION 'antre:unknown_service' USING ERRCODE = 'P0001';\n    END IF;\n    IF v_mode = 'online' THEN\n        RAISE EXCEPTION 'antre:online_only' USING ERRCODE = 'P0001';\n    END IF;\n    -- The row stays locked until commit: bookings of one service-day take turns from here.\n    INSERT INTO queueing_dailysequence AS s (service_id, day, last, taken, waiting, waiting_priority)\n    VALUES (t.service_id, t.day, 1, 0, 0, 0)\n    ON CONFLICT (service_id, day) DO UPDATE SET last = s.last + 1\n    RETURNING s.last, s.taken, s.waiting, s.waiting_priority\n    INTO t.seq, v_taken, v_waiting, v_waiting_priority;\n    IF v_taken >= v_quota THEN\n        RAISE EXCEPTION 'antre:quota_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- The first of the candidate sessions (in order) with room for this service, counted behind the\n    -- number's row lock: every booking of the service-day waits for it, so none can overtake.\n    t.session_id := NULL;\n    FOREACH v_candidate IN ARRAY p_sessions LOOP\n        SELECT quota INTO v_session_quota FROM offices_sessionquota\n         WHERE session_id = v_candidate AND service_id = t.service_id;\n        IF NOT FOUND THEN\n            t.session_id := v_candidate;  -- no quota of its own there: only the day's applies\n            EXIT;\n        END IF;\n        SELECT COUNT(*) INTO v_session_taken FROM queueing_ticket\n         WHERE service_id = t.service_id AND day = t.day AND session_id = v_candidate\n           AND queueing_ticket.status <> 'cancelled';\n        IF v_session_taken < v_session_quota THEN\n            t.session_id := v_candidate;\n            EXIT;\n        END IF;\n    END LOOP;\n    IF cardinality(p_sessions) > 0 AND t.session_id IS NULL THEN\n        RAISE EXCEPTION 'antre:session_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- After the number's row lock: a closed day the admin saves meanwhile is seen (a process's\n    -- copy of the calendar may be seconds old; antre.queueing.closures).\n    IF EXISTS (SELECT 1 FROM offices_closedday WHERE office_id = t.office_id AND date = t.day) THEN\n        RAISE EXCEPTION 'antre:closed_day' USING ERRCODE = 'P0001';\n    END IF;\n    -- antre.queueing.rules.format_number: prefix, dash, at least three digits (a test compares them)\n    t.number := v_prefix || '-' || lpad(t.seq::text, greatest(3, length(t.seq::text)), '0');\n    INSERT INTO queueing_ticket (token, office_id, service_id, day, session_id, seq, number, name, nik, phone, priority, is_priority, channel, status, issued_at, queued_at, counter_id, invited_at, invitations, recalls, rejoined, transferred_from_id, arrived_at, left_at, called_at, started_at, finished_at, issued_by_id)\n    VALUES (t.token, t.office_id, t.service_id, t.day, t.session_id, t.seq, t.number, t.name, t.nik, t.phone, t.priority, t.is_priority, t.channel, t.status, t.issued_at, t.queued_at, t.counter_id, t.invited_at, t.invitations, t.recalls, t.rejoined, t.transferred_from_id, t.arrived_at, t.left_at, t.called_at, t.started_at, t.finished_at, t.issued_by_id)\n    RETURNING id INTO t.id;\n    IF p_key <> '' THEN\n        INSERT INTO queueing_idempotencykey (office_id, key, fingerprint, ticket_id, created_at)\n        VALUES (t.office_id, p_key, p_fingerprint, t.id, t.issued_at);\n    END IF;\n    ticket_id := t.id;\n    ticket_seq := t.seq;\n    ticket_number := t.number;\n    ahead := CASE WHEN t.is_priority THEN v_waiting_priority ELSE v_waiting END;\n    ticket_session := t.session_id;\n    RETURN NEXT;\nEND\n$fn$"

SQLITE_TRIGGERS = ["CREATE TRIGGER IF NOT EXISTS antre_ticket_counts_insert AFTER INSERT ON queueing_ticket BEGIN INSERT INTO queueing_dailysequence (service_id, day, last, taken, waiting, waiting_priority) VALUES (NEW.service_id, NEW.day, 0, NEW.status <> 'cancelled', NEW.status IN ('booked', 'waiting_inside'), (NEW.status IN ('booked', 'waiting_inside') AND NEW.is_priority)) ON CONFLICT (service_id, day) DO UPDATE SET taken = taken + excluded.taken, waiting = waiting + excluded.waiting, waiting_priority = waiting_priority + excluded.waiting_priority; END", "CREATE TRIGGER IF NOT EXISTS antre_ticket_counts_delete AFTER DELETE ON queueing_ticket BEGIN UPDATE queueing_dailysequence SET taken = taken - (OLD.status <> 'cancelled'), waiting = waiting - (OLD.status IN ('booked', 'waiting_inside')), waiting_priority = waiting_priority - ((OLD.status IN ('booked', 'waiting_inside') AND OLD.is_priority)) WHERE service_id = OLD.service_id AND day = OLD.day; END", "CREATE TRIGGER IF NOT EXISTS antre_ticket_counts_update AFTER UPDATE OF status, service_id, day, is_priority ON queueing_ticket BEGIN UPDATE queueing_dailysequence SET taken = taken - (OLD.status <> 'cancelled'), waiting = waiting - (OLD.status IN ('booked', 'waiting_inside')), waiting_priority = waiting_priority - ((OLD.status IN ('booked', 'waiting_inside') AND OLD.is_priority)) WHERE service_id = OLD.service_id AND day = OLD.day; INSERT INTO queueing_dailysequence (service_id, day, last, taken, waiting, waiting_priority) VALUES (NEW.service_id, NEW.day, 0, NEW.status <> 'cancelled', NEW.status IN ('booked', 'waiting_inside'), (NEW.status IN ('booked', 'waiting_inside') AND NEW.is_priority)) ON CONFLICT (service_id, day) DO UPDATE SET taken = taken + excluded.taken, waiting = waiting + excluded.waiting, waiting_priority = waiting_priority + excluded.waiting_priority; END"]

RECOUNT = ['UPDATE queueing_dailysequence SET taken = 0, waiting = 0, waiting_priority = 0', "\nINSERT INTO queueing_dailysequence (service_id, day, last, taken, waiting, waiting_priority)\nSELECT t.service_id, t.day, MAX(t.seq), COUNT(*) FILTER (WHERE t.status <> 'cancelled'), COUNT(*) FILTER (WHERE t.status IN ('booked', 'waiting_inside')), COUNT(*) FILTER (WHERE (t.status IN ('booked', 'waiting_inside') AND t.is_priority))\n  FROM queueing_ticket t WHERE true GROUP BY t.service_id, t.day\nON CONFLICT (service_id, day) DO UPDATE SET\n    last = CASE WHEN excluded.last > queueing_dailysequence.last THEN excluded.last\n                ELSE queueing_dailysequence.last END,\n    taken = excluded.taken, waiting = excluded.waiting, waiting_priority = excluded.waiting_priority"]


def before(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in ("antre_ticket_counts_insert", "antre_ticket_counts_delete", "antre_ticket_counts_update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def after(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {REPLACED}", params=None)
        schema_editor.execute(FUNCTION, params=None)
    else:
        for sql in SQLITE_TRIGGERS + RECOUNT:
            schema_editor.execute(sql, params=None)


def back_to_before(apps, schema_editor):
    """Undoing `after`: the function of queueing 0010 again (the triggers go back in `back_to_after`)."""
    if schema_editor.connection.vendor == "postgresql":
        previous = importlib.import_module("antre.queueing.migrations.0010_issue_ticket_refuses_closed_days")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {NEW}", params=None)
        schema_editor.execute(previous.FUNCTION, params=None)
    else:
        before(apps, schema_editor)


def back_to_after(apps, schema_editor):
    """Undoing `before`: on SQLite the triggers, once the column is gone."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS + RECOUNT:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0008_sessions"),
        ("queueing", "0010_issue_ticket_refuses_closed_days"),
    ]

    operations = [
        migrations.RunPython(before, back_to_after, elidable=False),
        migrations.AddField(
            model_name="ticket",
            name="session",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="offices.session",
                verbose_name="sesi",
            ),
        ),
        migrations.RunPython(after, back_to_before, elidable=False),
    ]
