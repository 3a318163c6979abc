"""The rate-limit counters every machine shares on PostgreSQL (antre.ratelimit); SQLite keeps its file."""

from django.db import migrations

CREATE = (
    "CREATE UNLOGGED TABLE IF NOT EXISTS antre_ratelimit "
    "(key text PRIMARY KEY, n integer NOT NULL, expires bigint NOT NULL)",
    "CREATE INDEX IF NOT EXISTS antre_ratelimit_expires ON antre_ratelimit (expires)",
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS antre_ratelimit")


class Migration(migrations.Migration):
    dependencies = [("queueing", "0017_pendingbooking")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
