# Bookings counted per source (antre.queueing.budgets), and PostgreSQL's booking function, ninth
# version (antre.queueing.dbcode): a fifth argument, p_held_back, stops a booking from afar for a
# day ahead short of the share of the day's places kept for the day itself (offices 0014). The
# four-argument signature is dropped in the same transaction: a process still running the code of
# before calls with four arguments and reaches the new one, whose p_held_back defaults to false.
# Frozen here as it was when this migration was written; a test checks the database runs dbcode's
# current code. No change to the ticket table, so SQLite's triggers stay.

import importlib

from django.db import migrations, models

REPLACED = "antre_issue_ticket(jsonb, text, text, bigint[])"
NEW = "antre_issue_ticket(jsonb, text, text, bigint[], boolean)"
PREVIOUS = "antre.queueing.migrations.0015_sealed_personal_data"

FUNCTION = "\nCREATE OR REPLACE FUNCTION antre_issue_ticket(\n    p_ticket jsonb, p_key text, p_fingerprint text, p_sessions bigint[] DEFAULT '{}',\n    p_held_back boolean DEFAULT false)\nRETURNS TABLE (ticket_id bigint, ticket_seq integer, ticket_number varchar, ahead integer,\n               ticket_session bigint)\nLANGUAGE plpgsql VOLATILE AS $fn$\nDECLARE\n    t queueing_ticket;\n    v_active boolean;\n    v_mode text;\n    v_quota integer;\n    v_prefix text;\n    v_held_back_percent integer;\n    v_taken integer;\n    v_waiting integer;\n    v_waiting_priority integer;\n    v_candidate bigint;\n    v_session_quota integer;\n    v_session_taken integer;\nBEGIN\n    t := jsonb_populate_record(NULL::queueing_ticket, p_ticket);\n    -- The service as it is now: the caller's copy may be seconds old.\n    SELECT active, mode, daily_quota, prefix, held_back_percent\n      INTO v_active, v_mode, v_quota, v_prefix, v_held_back_percent\n      FROM offices_service WHERE id = t.service_id;\n    IF NOT FOUND OR NOT v_active THEN\n        RAISE EXCEPTION 'antre:unknown_service' USING ERRCODE = 'P0001';\n    END IF;\n    IF v_mode = 'online' THEN\n        RAISE EXCEPTION 'antre:online_only' USING ERRCODE = 'P0001';\n    END IF;\n    -- The row stays locked until commit: bookings of one service-day take turns from here.\n    INSERT INTO queueing_dailysequence AS s (service_id, day, last, taken, waiting, waiting_priority)\n    VALUES (t.service_id, t.day, 1, 0, 0, 0)\n    ON CONFLICT (service_id, day) DO UPDATE SET last = s.last + 1\n    RETURNING s.last, s.taken, s.waiting, s.waiting_priority\n    INTO t.seq, v_taken, v_waiting, v_waiting_priority;\n    -- rules.bookable_quota: from afar, the days ahead stop short of the share kept for the day.\n    IF p_held_back THEN\n        v_quota := v_quota - (v_quota * least(greatest(v_held_back_percent, 0), 100) / 100);\n    END IF;\n    IF v_taken >= v_quota THEN\n        RAISE EXCEPTION 'antre:quota_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- The first of the candidate sessions (in order) with room for this service, counted behind the\n    -- number's row lock: every booking of the service-day waits for it, so none can overtake.\n    t.session_id := NULL;\n    FOREACH v_candidate IN ARRAY p_sessions LOOP\n        SELECT quota INTO v_session_quota FROM offices_sessionquota\n         WHERE session_id = v_candidate AND service_id = t.service_id;\n        IF NOT FOUND THEN\n            t.session_id := v_candidate;  -- no quota of its own there: only the day's applies\n            EXIT;\n        END IF;\n        SELECT COUNT(*) INTO v_session_taken FROM queueing_ticket\n         WHERE service_id = t.service_id AND day = t.day AND session_id = v_candidate\n           AND queueing_ticket.status <> 'cancelled';\n        IF v_session_taken < v_session_quota THEN\n            t.session_id := v_candidate;\n            EXIT;\n        END IF;\n    END LOOP;\n    IF cardinality(p_sessions) > 0 AND t.session_id IS NULL THEN\n        RAISE EXCEPTION 'antre:session_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- After the number's row lock: a closed day the admin saves meanwhile is seen (a process's\n    -- copy of the calendar may be seconds old; antre.queueing.closures).\n    IF EXISTS (SELECT 1 FROM offices_closedday WHERE office_id = t.office_id AND date = t.day) THEN\n        RAISE EXCEPTION 'antre:closed_day' USING ERRCODE = 'P0001';\n    END IF;\n    -- antre.queueing.rules.format_number: prefix, dash, at least three digits (a test compares them)\n    t.number := v_prefix || '-' || lpad(t.seq::text, greatest(3, length(t.seq::text)), '0');\n    INSERT INTO queueing_ticket (token, office_id, service_id, day, session_id, seq, number, name, nik, phone, nik_hash, phone_hash, kecamatan, priority, is_priority, channel, status, issued_at, queued_at, counter_id, invited_at, invitations, recalls, rejoined, transferred_from_id, arrived_at, left_at, called_at, started_at, finished_at, issued_by_id, come_at, source)\n    VALUES (t.token, t.office_id, t.service_id, t.day, t.session_id, t.seq, t.number, t.name, t.nik, t.phone, t.nik_hash, t.phone_hash, t.kecamatan, t.priority, t.is_priority, t.channel, t.status, t.issued_at, t.queued_at, t.counter_id, t.invited_at, t.invitations, t.recalls, t.rejoined, t.transferred_from_id, t.arrived_at, t.left_at, t.called_at, t.started_at, t.finished_at, t.issued_by_id, t.come_at, t.source)\n    RETURNING id INTO t.id;\n    IF p_key <> '' THEN\n        INSERT INTO queueing_idempotencykey (office_id, key, fingerprint, ticket_id, created_at)\n        VALUES (t.office_id, p_key, p_fingerprint, t.id, t.issued_at);\n    END IF;\n    ticket_id := t.id;\n    ticket_seq := t.seq;\n    ticket_number := t.number;\n    ahead := CASE WHEN t.is_priority THEN v_waiting_priority ELSE v_waiting END;\n    ticket_session := t.session_id;\n    RETURN NEXT;\nEND\n$fn$"


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {REPLACED}", params=None)
        schema_editor.execute(FUNCTION, params=None)


def uninstall(apps, schema_editor):
    """Back to 0015's function, which knows no share kept for the day."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {NEW}", params=None)
        schema_editor.execute(importlib.import_module(PREVIOUS).FUNCTION, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0014_service_held_back_share"),
        ("queueing", "0015_sealed_personal_data"),
    ]

    operations = [
        migrations.CreateModel(
            name="BookingBudget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64)),
                ("day", models.DateField()),
                ("used", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "jatah pendaftaran",
                "verbose_name_plural": "jatah pendaftaran",
                "constraints": [
                    models.UniqueConstraint(fields=("key", "day"), name="one_budget_per_key_day")
                ],
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
