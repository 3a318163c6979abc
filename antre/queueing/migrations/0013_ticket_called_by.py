# The officer of a ticket's current call (Ticket.called_by), set by the call's own UPDATE. Bookings
# never set it, so PostgreSQL's booking function is unchanged: it names the columns it writes
# (antre.queueing.dbcode TICKET_COLUMNS, with called_by_id in NOT_BOOKED) and the new one gets its
# NULL. On SQLite the triggers are taken off and put back around the new column, as dbcode asks of
# every change to the ticket table, and the counts recounted.

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SESSION = "antre.queueing.migrations.0011_ticket_session"  # the triggers as they still are


def before(apps, schema_editor):
    importlib.import_module(SESSION).before(apps, schema_editor)


def after(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        previous = importlib.import_module(SESSION)
        for sql in previous.SQLITE_TRIGGERS + previous.RECOUNT:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("queueing", "0012_ticket_come_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(before, after, elidable=False),
        migrations.AddField(
            model_name="ticket",
            name="called_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="dipanggil oleh",
            ),
        ),
        migrations.RunPython(after, before, elidable=False),
    ]
