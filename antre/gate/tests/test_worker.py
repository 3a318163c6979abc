"""The background jobs that `antre worker` (or `antre serve`) runs."""

import datetime as dt

import time_machine
from django.utils import timezone

from antre import worker
from antre.conftest import WITA
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book


def test_tickets_of_a_past_day_expire(open_all_day, staff):
    booked = book(open_all_day, 1)
    inside = book(open_all_day, 2)
    Ticket.objects.filter(pk=inside.pk).update(status=Status.WAITING_INSIDE, arrived_at=timezone.now())
    next_week = timezone.now() + dt.timedelta(days=7)
    with time_machine.travel(next_week, tick=False):
        assert worker.expire_past_tickets() == 2
    assert set(Ticket.objects.values_list("status", flat=True)) == {Status.EXPIRED}
    assert Ticket.objects.get(pk=inside.pk).left_at == next_week  # nobody stays counted inside overnight
    assert Ticket.objects.get(pk=booked.pk).left_at is None


def test_the_worker_invites_while_there_is_room(open_all_day):
    open_all_day.capacity = 1
    open_all_day.save()
    first = book(open_all_day, 1)
    book(open_all_day, 2)
    assert worker.invite_and_lapse() == 1
    assert list(Ticket.objects.filter(invited_at__isnull=False)) == [first]
    assert WITA  # office-local clock used by the services


def test_applications_finished_a_year_ago_are_deleted_with_their_documents(office, settings, tmp_path):
    import datetime as dt

    from antre.applications.models import Application
    from antre.applications.storage import stored_names
    from antre.applications.tests.factories import pdf, submit

    settings.DATA_DIR = tmp_path
    kept, old = (
        submit(office, {"kk": ("kk.pdf", pdf()), "polisi": ("p.pdf", pdf())}, kind="KTP-HILANG")
        for _ in range(2)
    )
    Application.objects.filter(pk=old.pk).update(
        status="done", updated_at=timezone.now() - dt.timedelta(days=400)
    )
    Application.objects.filter(pk=kept.pk).update(status="done")
    assert worker.purge()["applications"] == 1
    assert list(Application.objects.all()) == [kept] and kept.documents.count() == 2
    assert len(stored_names()) == 2


def test_deleting_an_application_in_the_admin_removes_its_files(office, settings, tmp_path):
    from antre.applications.storage import stored_names
    from antre.applications.tests.factories import pdf, submit

    settings.DATA_DIR = tmp_path
    application = submit(office, {"kk": ("kk.pdf", pdf()), "polisi": ("p.pdf", pdf())}, kind="KTP-HILANG")
    assert len(stored_names()) == 2
    application.delete()
    assert stored_names() == []
