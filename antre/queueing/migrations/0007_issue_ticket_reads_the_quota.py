# PostgreSQL's booking function, second version (antre.queueing.dbcode): it reads the service's
# quota and prefix itself, in the booking's statement, instead of taking them from the caller, whose
# copy of the service may be seconds old (the fast lane keeps one per process). Frozen here as it
# was when this migration was written; a test checks the database runs dbcode's current code.

import importlib

from django.db import migrations

OLD = "antre_issue_ticket(bigint, date, integer, text, jsonb, text, text)"
NEW = "antre_issue_ticket(jsonb, text, text)"

FUNCTION = "\nCREATE OR REPLACE FUNCTION antre_issue_ticket(p_ticket jsonb, p_key text, p_fingerprint text)\nRETURNS TABLE (ticket_id bigint, ticket_seq integer, ticket_number varchar, ahead integer)\nLANGUAGE plpgsql VOLATILE AS $fn$\nDECLARE\n    t queueing_ticket;\n    v_quota integer;\n    v_prefix text;\n    v_taken integer;\n    v_waiting integer;\n    v_waiting_priority integer;\nBEGIN\n    t := jsonb_populate_record(NULL::queueing_ticket, p_ticket);\n    -- The service's quota and prefix as they are now: the caller's copy may be seconds old.\n    SELECT daily_quota, prefix INTO v_quota, v_prefix FROM offices_service WHERE id = t.service_id;\n    -- The row stays locked until commit: bookings of one service-day take turns from here.\n    INSERT INTO queueing_dailysequence AS s (service_id, day, last, taken, waiting, waiting_priority)\n    VALUES (t.service_id, t.day, 1, 0, 0, 0)\n    ON CONFLICT (service_id, day) DO UPDATE SET last = s.last + 1\n    RETURNING s.last, s.taken, s.waiting, s.waiting_priority\n    INTO t.seq, v_taken, v_waiting, v_waiting_priority;\n    IF v_taken >= v_quota THEN\n        RAISE EXCEPTION 'antre:quota_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- antre.queueing.rules.format_number: prefix, dash, at least three digits (a test compares them)\n    t.number := v_prefix || '-' || lpad(t.seq::text, greatest(3, length(t.seq::text)), '0');\n    INSERT INTO queueing_ticket (token, office_id, service_id, day, seq, number, name, nik, phone, priority, is_priority, channel, status, issued_at, queued_at, counter_id, invited_at, invitations, recalls, rejoined, transferred_from_id, arrived_at, left_at, called_at, started_at, finished_at, issued_by_id)\n    VALUES (t.token, t.office_id, t.service_id, t.day, t.seq, t.number, t.name, t.nik, t.phone, t.priority, t.is_priority, t.channel, t.status, t.issued_at, t.queued_at, t.counter_id, t.invited_at, t.invitations, t.recalls, t.rejoined, t.transferred_from_id, t.arrived_at, t.left_at, t.called_at, t.started_at, t.finished_at, t.issued_by_id)\n    RETURNING id INTO t.id;\n    IF p_key <> '' THEN\n        INSERT INTO queueing_idempotencykey (office_id, key, fingerprint, ticket_id, created_at)\n        VALUES (t.office_id, p_key, p_fingerprint, t.id, t.issued_at);\n    END IF;\n    ticket_id := t.id;\n    ticket_seq := t.seq;\n    ticket_number := t.number;\n    ahead := CASE WHEN t.is_priority THEN v_waiting_priority ELSE v_waiting END;\n    RETURN NEXT;\nEND\n$fn$"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite books in steps, in Python
    # The first signature (OLD) stays: a process still running the code of before, on another
    # machine during an upgrade, keeps booking with it. A later migration drops it.
    schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    before = importlib.import_module("antre.queueing.migrations.0006_ticket_counts")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {NEW}", params=None)
    (old,) = [sql for sql in before.POSTGRESQL if "antre_issue_ticket(" in sql]
    schema_editor.execute(old, params=None)  # CREATE OR REPLACE: there, or back


class Migration(migrations.Migration):
    dependencies = [
        ("queueing", "0006_ticket_counts"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
