# PostgreSQL's booking function, fourth version (antre.queueing.dbcode): after taking the number's
# row lock it refuses a day the office has closed meanwhile. A process's copy of the calendar may be
# seconds old, and the admin's closing of a day cancels the tickets it finds (antre.queueing.closures):
# without this a booking through another process could still land on the closed day. Frozen here as
# it was when this migration was written; a test checks the database runs dbcode's current code.

import importlib

from django.db import migrations

FUNCTION = "\nCREATE OR REPLACE FUNCTION antre_issue_ticket(p_ticket jsonb, p_key text, p_fingerprint text)\nRETURNS TABLE (ticket_id bigint, ticket_seq integer, ticket_number varchar, ahead integer)\nLANGUAGE plpgsql VOLATILE AS $fn$\nDECLARE\n    t queueing_ticket;\n    v_active boolean;\n    v_mode text;\n    v_quota integer;\n    v_prefix text;\n    v_taken integer;\n    v_waiting integer;\n    v_waiting_priority integer;\nBEGIN\n    t := jsonb_populate_record(NULL::queueing_ticket, p_ticket);\n    -- The service as it is now: the caller's copy may be seconds old.\n    SELECT active, mode, daily_quota, prefix INTO v_active, v_mode, v_quota, v_prefix\n      FROM offices_service WHERE id = t.service_id;\n    IF NOT FOUND OR NOT v_active THEN\n        RAISE EXCEPTION 'antre:unknown_service' USING ERRCODE = 'P0001';\n    END IF;\n    IF v_mode = 'online' THEN\n        RAISE EXCEPTION 'antre:online_only' USING ERRCODE = 'P0001';\n    END IF;\n    -- The row stays locked until commit: bookings of one service-day take turns from here.\n    INSERT INTO queueing_dailysequence AS s (service_id, day, last, taken, waiting, waiting_priority)\n    VALUES (t.service_id, t.day, 1, 0, 0, 0)\n    ON CONFLICT (service_id, day) DO UPDATE SET last = s.last + 1\n    RETURNING s.last, s.taken, s.waiting, s.waiting_priority\n    INTO t.seq, v_taken, v_waiting, v_waiting_priority;\n    IF v_taken >= v_quota THEN\n        RAISE EXCEPTION 'antre:quota_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- After the number's row lock: a closed day the admin saves meanwhile is seen (a process's\n    -- copy of the calendar may be seconds old; antre.queueing.closures).\n    IF EXISTS (SELECT 1 FROM offices_closedday WHERE office_id = t.office_id AND date = t.day) THEN\n        RAISE EXCEPTION 'antre:closed_day' USING ERRCODE = 'P0001';\n    END IF;\n    -- antre.queueing.rules.format_number: prefix, dash, at least three digits (a test compares them)\n    t.number := v_prefix || '-' || lpad(t.seq::text, greatest(3, length(t.seq::text)), '0');\n    INSERT INTO queueing_ticket (token, office_id, service_id, day, seq, number, name, nik, phone, priority, is_priority, channel, status, issued_at, queued_at, counter_id, invited_at, invitations, recalls, rejoined, transferred_from_id, arrived_at, left_at, called_at, started_at, finished_at, issued_by_id)\n    VALUES (t.token, t.office_id, t.service_id, t.day, t.seq, t.number, t.name, t.nik, t.phone, t.priority, t.is_priority, t.channel, t.status, t.issued_at, t.queued_at, t.counter_id, t.invited_at, t.invitations, t.recalls, t.rejoined, t.transferred_from_id, t.arrived_at, t.left_at, t.called_at, t.started_at, t.finished_at, t.issued_by_id)\n    RETURNING id INTO t.id;\n    IF p_key <> '' THEN\n        INSERT INTO queueing_idempotencykey (office_id, key, fingerprint, ticket_id, created_at)\n        VALUES (t.office_id, p_key, p_fingerprint, t.id, t.issued_at);\n    END IF;\n    ticket_id := t.id;\n    ticket_seq := t.seq;\n    ticket_number := t.number;\n    ahead := CASE WHEN t.is_priority THEN v_waiting_priority ELSE v_waiting END;\n    RETURN NEXT;\nEND\n$fn$"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        before = importlib.import_module("antre.queueing.migrations.0008_issue_ticket_refuses_closed_services")
        schema_editor.execute(before.FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("queueing", "0009_issued_at_from_the_booking"),
        ("offices", "0006_invitation_hours_breaks_rescreen_notice"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
