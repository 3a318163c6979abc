"""Every staff action leaves exactly one entry, written in its own transaction; a refused or
rolled-back action leaves none."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from antre.applications import review
from antre.applications.tests.factories import apply, step
from antre.audit.models import Action, AuditEntry
from antre.conftest import MONDAY, wita
from antre.errors import Refusal
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book


def log() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("at", "pk").values_list("actor_username", "action", "subject"))


def test_the_door_and_the_counter_each_leave_one_entry_per_action(office, a_logged_morning):
    ketut, made, feverish, moved = (a_logged_morning[k] for k in ("ketut", "made", "feverish", "moved"))
    assert log() == [
        ("satpam", Action.ADMIT, ketut.number),
        ("satpam", Action.ADMIT, made.number),
        ("satpam", Action.TURN_AWAY, feverish.number),
        ("petugas", Action.CALL, ketut.number),
        ("petugas", Action.RECALL, ketut.number),
        ("petugas", Action.START, ketut.number),
        ("petugas", Action.FINISH, ketut.number),
        ("petugas", Action.CALL, made.number),
        ("petugas", Action.TRANSFER, made.number),  # by the number it had when it was moved
    ]
    assert {e.office_id for e in AuditEntry.objects.all()} == {office.pk}
    call = AuditEntry.objects.filter(action=Action.CALL).first()
    assert (call.detail, call.subject_day, call.actor_role) == (
        {"counter": 1, "service": "KTP"},
        MONDAY,
        "petugas_loket",
    )
    assert call.at == wita(MONDAY, 9, 6)
    transfer = AuditEntry.objects.get(action=Action.TRANSFER)
    assert transfer.detail == {"to": moved.number, "service": "CAPIL"} and moved.number.startswith("D-")


def test_the_ticket_keeps_the_officer_who_called_it(office, staff, a_logged_morning):
    ketut = Ticket.objects.get(pk=a_logged_morning["ketut"].pk)
    assert ketut.called_by == staff["petugas"]
    # Sent on to another service's line: nobody calls it there yet.
    assert Ticket.objects.get(pk=a_logged_morning["made"].pk).called_by is None


def test_a_recall_by_another_officer_makes_them_the_caller(office, staff, clock, gate_off):
    from antre.people.models import Role
    from antre.people.tests.factories import officer

    other = officer(Role.PETUGAS_LOKET, office, username="petugas2")
    ticket = book(office, 1, service="KTP", now=wita(MONDAY, 9))
    calling.call_next(counter=Counter.objects.get(number=1), officer=staff["petugas"], now=wita(MONDAY, 9, 1))
    calling.recall_ticket(token=ticket.token, officer=other, now=wita(MONDAY, 9, 2))
    assert Ticket.objects.get(pk=ticket.pk).called_by == other


def test_a_refused_counter_action_leaves_no_entry(office, staff, clock, gate_off):
    ticket = book(office, 1, service="KTP", now=wita(MONDAY, 9))
    calling.call_next(counter=Counter.objects.get(number=1), officer=staff["petugas"], now=wita(MONDAY, 9, 1))
    before = log()
    with pytest.raises(Refusal):  # called, not yet being served: it cannot be finished
        calling.finish_service(token=ticket.token, officer=staff["petugas"], now=wita(MONDAY, 9, 2))
    with pytest.raises(Refusal):  # the head of office does not call
        calling.start_service(token=ticket.token, officer=staff["kepala"], now=wita(MONDAY, 9, 2))
    assert log() == before


def test_an_action_rolled_back_after_its_entry_leaves_no_entry(office, staff, clock, gate_off):
    ticket = book(office, 1, service="KTP", now=wita(MONDAY, 9))
    calling.call_next(counter=Counter.objects.get(number=1), officer=staff["petugas"], now=wita(MONDAY, 9, 1))
    before = log()
    # The live event comes after the entry, in the same transaction: when it fails, both go.
    failing = mock.patch.object(calling, "_record", side_effect=RuntimeError("event log down"))
    with failing, pytest.raises(RuntimeError):
        calling.start_service(token=ticket.token, officer=staff["petugas"], now=wita(MONDAY, 9, 2))
    assert log() == before
    assert Ticket.objects.get(pk=ticket.pk).started_at is None


def test_a_call_writes_its_entry_in_one_insert_without_reading_anything_more(office, staff, clock, gate_off):
    book(office, 1, service="KTP", now=wita(MONDAY, 9))
    with CaptureQueriesContext(connection) as queries:
        calling.call_next(
            counter=Counter.objects.get(number=1), officer=staff["petugas"], now=wita(MONDAY, 9, 1)
        )
    touching = [q["sql"] for q in queries.captured_queries if "audit_auditentry" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
    assert not [q for q in queries.captured_queries if '"people_user"' in q["sql"]]


def test_the_back_office_steps_each_leave_one_entry(client, open_all_day, staff):
    verifier = staff["verifikator"]
    first = apply(client)
    step(first, verifier, "claim")
    step(first, verifier, "needs_fix", note="Foto buram.", fix_codes=["bukti"])
    second = apply(client, nik="5102011203850001", name="I Ketut Arsana")
    step(second, verifier, "claim", "approve")
    review.publish(code=second.code, officer=verifier, result="delivery", delivery_address="Jl. Raya 1")
    third = apply(client, nik="5102080101600003", name="I Wayan Lansia")
    step(third, verifier, "claim")
    step(third, verifier, "reject", note="Bukan warga Tabanan.")
    with pytest.raises(Refusal):  # already rejected: it cannot be approved
        step(third, verifier, "approve")
    assert log() == [
        ("verifikator", Action.CLAIM, first.code),
        ("verifikator", Action.REQUEST_FIX, first.code),
        ("verifikator", Action.CLAIM, second.code),
        ("verifikator", Action.APPROVE, second.code),
        ("verifikator", Action.PUBLISH, second.code),
        ("verifikator", Action.CLAIM, third.code),
        ("verifikator", Action.REJECT, third.code),
    ]
    assert AuditEntry.objects.get(action=Action.PUBLISH).detail == {"result": "delivery"}


def opened(client, url: str) -> bytes:
    """The document as the browser receives it (read to the end, which closes the file)."""
    return b"".join(client.get(url).streaming_content)


def test_staff_opening_a_citizens_document_is_logged_and_the_citizen_is_not(client, open_all_day, staff):
    application = apply(client)
    document = application.documents.get(requirement__code="kk", current=True)
    url = f"/permohonan/{application.code}/berkas/{document.pk}/"
    assert opened(client, url).startswith(b"%PDF")  # the applicant's own browser
    assert log() == []
    client.force_login(staff["verifikator"])
    assert opened(client, url).startswith(b"%PDF")
    assert log() == [("verifikator", Action.VIEW_DOCUMENTS, application.code)]
    assert AuditEntry.objects.get().detail == {"document": "kk"}


def test_a_download_of_the_summary_is_logged(client, office, staff, clock):
    client.force_login(staff["kepala"])
    response = client.get(f"/kepala/{office.slug}/rekap/?from={MONDAY}&to={MONDAY}&format=xlsx")
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.actor_username, entry.action, entry.subject) == ("kepala", Action.EXPORT, "rekap")
    assert entry.detail == {"report": "rekap", "from": str(MONDAY), "to": str(MONDAY), "format": "xlsx"}
    client.get(f"/kepala/{office.slug}/rekap/?from={MONDAY}&to={MONDAY}")  # the page alone is no download
    assert AuditEntry.objects.count() == 1


def test_entries_outlive_a_deleted_officer(office, staff, a_logged_morning):
    staff["satpam"].delete()
    entries = AuditEntry.objects.filter(actor_username="satpam")
    assert entries.count() == 3 and {e.actor_id for e in entries} == {None}
