"""The prebuilt statements give what the ORM gives: the same instance read, the same row written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict

from antre.db import hot
from antre.offices.models import Office, Service
from antre.queueing.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_first_reads_an_instance_equal_to_the_orms(office):
    office.fever_threshold_c = Decimal("37.6")
    office.save()
    read = hot.first(Office, "slug = %s", ["tabanan"])
    assert model_to_dict(read) == model_to_dict(Office.objects.get(slug="tabanan"))
    assert isinstance(read.fever_threshold_c, Decimal) and read.fever_threshold_c == Decimal("37.6")
    assert read._state.adding is False
    service = hot.first(Service, "office_id = %s AND code = %s AND active", [office.pk, "KTP"])
    assert service.office_id == office.pk and service.daily_quota == 60 and service.active is True


def test_first_finds_nothing_as_none(office):
    assert hot.first(Office, "slug = %s", ["atlantis"]) is None
    Service.objects.filter(office=office, code="KTP").update(active=False)
    assert hot.first(Service, "office_id = %s AND code = %s AND active", [office.pk, "KTP"]) is None


def test_insert_writes_the_row_save_would_write(office):
    service = office.services.get(code="KTP")
    ticket = hot.insert(
        Ticket(office=office, service=service, day=dt.date(2026, 12, 1), seq=7, number="A-007", name="Made")
    )
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.token == ticket.token and len(stored.token) >= 20  # the model's default
    assert stored.issued_at is not None and stored.issued_at == ticket.issued_at  # auto_now_add
    assert stored.status == Status.BOOKED and stored.number == "A-007" and stored.day == dt.date(2026, 12, 1)
    assert ticket._state.adding is False


def test_insert_and_row_json_prepare_every_column_as_save_does(office):
    """Set values, empty ones and the model's own defaults come out as the ORM writes them."""
    import json

    service = office.services.get(code="KTP")
    counter = office.counters.first()
    moment = dt.datetime(2026, 12, 1, 9, 30, 15, 123456, tzinfo=dt.UTC)

    def ticket(seq: int) -> Ticket:
        return Ticket(
            office=office,
            service=service,
            day=dt.date(2026, 12, 1),
            seq=seq,
            number=f"A-{seq:03d}",
            name="Ni Made Ayu",
            nik="",
            priority="elderly",
            is_priority=True,
            counter=counter,
            called_at=moment,
            queued_at=moment,
            recalls=2,
            status=Status.CALLED,
        )

    by_save = ticket(1)
    by_save.save()
    by_hot = hot.insert(ticket(2))
    skip = {"id", "token", "seq", "number", "issued_at"}
    fields = [f.name for f in Ticket._meta.concrete_fields if f.name not in skip]
    assert model_to_dict(Ticket.objects.get(pk=by_hot.pk), fields) == model_to_dict(
        Ticket.objects.get(pk=by_save.pk), fields
    )
    row = json.loads(hot.row_json(ticket(3)))
    assert row["counter_id"] == counter.pk and row["transferred_from_id"] is None
    assert "2026-12-01" in row["called_at"] and "09:30:15.123456" in row["called_at"] and row["issued_at"]
    assert row["is_priority"] is True and row["recalls"] == 2 and row["nik"] == ""
