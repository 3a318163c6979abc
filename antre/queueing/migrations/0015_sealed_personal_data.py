# Personal data sealed at rest (#18): the NIK and the phone are sealed (antre.crypto, antre.db.sealed) and the
# one-active-ticket-per-NIK index moves to the NIK's keyed hash (nik_hash), which the booking writes.
# PostgreSQL's booking function, eighth version, inserts the new column (antre.queueing.dbcode
# TICKET_COLUMNS); its signature is unchanged, so CREATE OR REPLACE swaps it in one statement. Rows
# already there are sealed and hashed here. Frozen as it was when this migration was written; a test
# checks the database runs dbcode's current code. On SQLite the triggers are taken off and put back
# around the altered columns, as dbcode asks. A machine still running the code of before during the
# upgrade cannot book on the new function: stop every process, migrate, start (docs/operations.md).

import importlib

import antre.db.sealed
import antre.queueing.models
from django.db import migrations, models

FUNCTION = "\nCREATE OR REPLACE FUNCTION antre_issue_ticket(\n    p_ticket jsonb, p_key text, p_fingerprint text, p_sessions bigint[] DEFAULT '{}')\nRETURNS TABLE (ticket_id bigint, ticket_seq integer, ticket_number varchar, ahead integer,\n               ticket_session bigint)\nLANGUAGE plpgsql VOLATILE AS $fn$\nDECLARE\n    t queueing_ticket;\n    v_active boolean;\n    v_mode text;\n    v_quota integer;\n    v_prefix text;\n    v_taken integer;\n    v_waiting integer;\n    v_waiting_priority integer;\n    v_candidate bigint;\n    v_session_quota integer;\n    v_session_taken integer;\nBEGIN\n    t := jsonb_populate_record(NULL::queueing_ticket, p_ticket);\n    -- The service as it is now: the caller's copy may be seconds old.\n    SELECT active, mode, daily_quota, prefix INTO v_active, v_mode, v_quota, v_prefix\n      FROM offices_service WHERE id = t.service_id;\n    IF NOT FOUND OR NOT v_active THEN\n        RAISE EXCEPTION 'antre:unknown_service' USING ERRCODE = 'P0001';\n    END IF;\n    IF v_mode = 'online' THEN\n        RAISE EXCEPTION 'antre:online_only' USING ERRCODE = 'P0001';\n    END IF;\n    -- The row stays locked until commit: bookings of one service-day take turns from here.\n    INSERT INTO queueing_dailysequence AS s (service_id, day, last, taken, waiting, waiting_priority)\n    VALUES (t.service_id, t.day, 1, 0, 0, 0)\n    ON CONFLICT (service_id, day) DO UPDATE SET last = s.last + 1\n    RETURNING s.last, s.taken, s.waiting, s.waiting_priority\n    INTO t.seq, v_taken, v_waiting, v_waiting_priority;\n    IF v_taken >= v_quota THEN\n        RAISE EXCEPTION 'antre:quota_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- The first of the candidate sessions (in order) with room for this service, counted behind the\n    -- number's row lock: every booking of the service-day waits for it, so none can overtake.\n    t.session_id := NULL;\n    FOREACH v_candidate IN ARRAY p_sessions LOOP\n        SELECT quota INTO v_session_quota FROM offices_sessionquota\n         WHERE session_id = v_candidate AND service_id = t.service_id;\n        IF NOT FOUND THEN\n            t.session_id := v_candidate;  -- no quota of its own there: only the day's applies\n            EXIT;\n        END IF;\n        SELECT COUNT(*) INTO v_session_taken FROM queueing_ticket\n         WHERE service_id = t.service_id AND day = t.day AND session_id = v_candidate\n           AND queueing_ticket.status <> 'cancelled';\n        IF v_session_taken < v_session_quota THEN\n            t.session_id := v_candidate;\n            EXIT;\n        END IF;\n    END LOOP;\n    IF cardinality(p_sessions) > 0 AND t.session_id IS NULL THEN\n        RAISE EXCEPTION 'antre:session_full' USING ERRCODE = 'P0001';\n    END IF;\n    -- After the number's row lock: a closed day the admin saves meanwhile is seen (a process's\n    -- copy of the calendar may be seconds old; antre.queueing.closures).\n    IF EXISTS (SELECT 1 FROM offices_closedday WHERE office_id = t.office_id AND date = t.day) THEN\n        RAISE EXCEPTION 'antre:closed_day' USING ERRCODE = 'P0001';\n    END IF;\n    -- antre.queueing.rules.format_number: prefix, dash, at least three digits (a test compares them)\n    t.number := v_prefix || '-' || lpad(t.seq::text, greatest(3, length(t.seq::text)), '0');\n    INSERT INTO queueing_ticket (token, office_id, service_id, day, session_id, seq, number, name, nik, phone, nik_hash, phone_hash, kecamatan, priority, is_priority, channel, status, issued_at, queued_at, counter_id, invited_at, invitations, recalls, rejoined, transferred_from_id, arrived_at, left_at, called_at, started_at, finished_at, issued_by_id, come_at, source)\n    VALUES (t.token, t.office_id, t.service_id, t.day, t.session_id, t.seq, t.number, t.name, t.nik, t.phone, t.nik_hash, t.phone_hash, t.kecamatan, t.priority, t.is_priority, t.channel, t.status, t.issued_at, t.queued_at, t.counter_id, t.invited_at, t.invitations, t.recalls, t.rejoined, t.transferred_from_id, t.arrived_at, t.left_at, t.called_at, t.started_at, t.finished_at, t.issued_by_id, t.come_at, t.source)\n    RETURNING id INTO t.id;\n    IF p_key <> '' THEN\n        INSERT INTO queueing_idempotencykey (office_id, key, fingerprint, ticket_id, created_at)\n        VALUES (t.office_id, p_key, p_fingerprint, t.id, t.issued_at);\n    END IF;\n    ticket_id := t.id;\n    ticket_seq := t.seq;\n    ticket_number := t.number;\n    ahead := CASE WHEN t.is_priority THEN v_waiting_priority ELSE v_waiting END;\n    ticket_session := t.session_id;\n    RETURN NEXT;\nEND\n$fn$"

PREVIOUS = "antre.queueing.migrations.0014_ticket_source"
FIRST_TRIGGERS = "antre.queueing.migrations.0011_ticket_session"


def before(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        importlib.import_module(PREVIOUS).before(apps, schema_editor)


def seal(apps, schema_editor):
    """The kecamatan read from each NIK while it is still in clear, then the NIK and phone sealed."""
    ticket = apps.get_model("queueing", "Ticket")
    table = schema_editor.connection.ops.quote_name(ticket._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET kecamatan = substr(nik, 1, 2) || '.' || substr(nik, 3, 2) || '.' || substr(nik, 5, 2)"  # noqa: S608
            " WHERE length(nik) = 16 AND nik NOT LIKE 'ae1:%%'"
        )
    antre.db.sealed.seal_columns(ticket, ["nik", "phone"], {"nik_hash": "nik", "phone_hash": "phone"})
    # PostgreSQL: fire the deferred checks these updates queued now, so that the index built next in
    # this migration's transaction is not refused ("pending trigger events").
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE", params=None)


def after(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)
    else:
        triggers = importlib.import_module(FIRST_TRIGGERS)
        for sql in triggers.SQLITE_TRIGGERS + triggers.RECOUNT:
            schema_editor.execute(sql, params=None)


def back_to_before(apps, schema_editor):
    """Undoing `after`: 0014's function again, which does not know the column."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(importlib.import_module(PREVIOUS).FUNCTION, params=None)
    else:
        importlib.import_module(PREVIOUS).before(apps, schema_editor)


def back_to_after(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        importlib.import_module(PREVIOUS).back_to_after(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("queueing", "0014_ticket_source"),
    ]

    operations = [
        migrations.RunPython(before, back_to_after, elidable=False),
        migrations.RemoveConstraint(
            model_name="ticket",
            name="one_active_ticket_per_nik_service_day",
        ),
        migrations.AddField(
            model_name="ticket",
            name="nik_hash",
            field=antre.db.sealed.LookupHash(blank=True, default="", editable=False, max_length=32, of="nik"),
        ),
        migrations.AddField(
            model_name="ticket",
            name="phone_hash",
            field=antre.db.sealed.LookupHash(blank=True, default="", editable=False, max_length=32, of="phone"),
        ),
        migrations.AddField(
            model_name="ticket",
            name="kecamatan",
            field=antre.queueing.models.KecamatanOfNik(blank=True, default="", editable=False, max_length=8, verbose_name="kecamatan"),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="nik",
            field=antre.db.sealed.SealedText(blank=True, max_length=16, verbose_name="NIK"),
        ),
        migrations.AlterField(
            model_name="ticket",
            name="phone",
            field=antre.db.sealed.SealedText(blank=True, max_length=20, verbose_name="nomor HP"),
        ),
        migrations.RunPython(seal, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("status__in", ("booked", "waiting_inside", "called", "serving")),
                    models.Q(("nik_hash", ""), _negated=True),
                ),
                fields=("service", "day", "nik_hash"),
                name="one_active_ticket_per_nik_service_day",
            ),
        ),
        migrations.RunPython(after, back_to_before, elidable=False),
    ]
