"""System notes written before they had a key get one, so they too are read in the reader's language.

Only a note whose text and step match what the system wrote is given a key: an officer's message
that happens to read the same stays as written. The texts are copied here, not imported, so this
migration keeps meaning what it meant when it was written.
"""

import datetime as dt
import re

from django.db import migrations

FIXED = [
    # (status, written by the system alone, text, key)
    ("in_review", True, "Berkas perbaikan dikirim.", "Berkas perbaikan dikirim."),
    ("done", False, "Dokumen hasil dapat diunduh di halaman ini.", "Dokumen hasil dapat diunduh di halaman ini."),
]
PICKUP = re.compile(r"Silakan ambil dokumen di kantor dengan nomor antrean (?P<number>\S+) pada (?P<day>\d{2}-\d{2}-\d{4})\.")
PICKUP_KEY = "Silakan ambil dokumen di kantor dengan nomor antrean %(number)s pada %(day)s."
DELIVERY = re.compile(r"Dokumen akan diantar ke: (?P<address>.*)\.", re.DOTALL)
DELIVERY_KEY = "Dokumen akan diantar ke: %(address)s."


def give_keys(apps, schema_editor):
    StatusChange = apps.get_model("applications", "StatusChange")
    for status, by_system, text, key in FIXED:
        rows = StatusChange.objects.filter(status=status, note=text, note_key="")
        if by_system:
            rows = rows.filter(by__isnull=True)
        rows.update(note_key=key, note_params={})
    for change in StatusChange.objects.filter(status="done", note_key="").exclude(note="").iterator():
        if match := PICKUP.fullmatch(change.note):
            day = dt.datetime.strptime(match["day"], "%d-%m-%Y").date()
            change.note_key = PICKUP_KEY
            change.note_params = {"number": match["number"], "day": day.isoformat()}
        elif match := DELIVERY.fullmatch(change.note):
            change.note_key = DELIVERY_KEY
            change.note_params = {"address": match["address"]}
        else:
            continue
        change.save(update_fields=["note_key", "note_params"])


def drop_keys(apps, schema_editor):
    # The Indonesian copy in `note` was kept throughout: without keys the notes read as before.
    apps.get_model("applications", "StatusChange").objects.update(note_key="", note_params={})


class Migration(migrations.Migration):
    dependencies = [("applications", "0003_system_notes_in_the_readers_language")]

    operations = [migrations.RunPython(give_keys, drop_keys)]
