# The booking sets issued_at from its own "now" (antre.clock) instead of auto_now_add. Only the
# Python-side default changes, so the table is left alone: on SQLite an AlterField would rebuild
# the ticket table and drop its count triggers (antre.queueing.dbcode).

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("queueing", "0008_issue_ticket_refuses_closed_services"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="ticket",
                    name="issued_at",
                    field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="waktu daftar"),
                ),
            ],
        ),
    ]
