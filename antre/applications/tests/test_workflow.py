"""From submitted to done: every step by a verifier, the fix loop, the three ways to hand over a result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from antre.applications import review
from antre.applications.models import Application, AppStatus
from antre.applications.rules import TRANSITIONS, next_status
from antre.applications.tests.factories import apply, form, pdf, step
from antre.conftest import NIK_MADE
from antre.errors import Refusal
from antre.queueing.models import Ticket


@pytest.fixture
def submitted(client, open_all_day):
    return apply(client)


def test_every_status_and_action_follows_the_table():
    statuses = [s.value for s in AppStatus]
    actions = ["claim", "needs_fix", "resubmit", "approve", "reject", "publish"]
    expected = {
        ("submitted", "claim"): "in_review",
        ("in_review", "needs_fix"): "needs_fix",
        ("needs_fix", "resubmit"): "in_review",
        ("in_review", "approve"): "approved",
        ("in_review", "reject"): "rejected",
        ("approved", "publish"): "done",
    }
    assert expected == TRANSITIONS
    for status in statuses:
        for action in actions:
            assert next_status(status=status, action=action) == expected.get((status, action))


def test_claim_fix_resubmit_approve_and_hand_over_a_document(client, submitted, staff):
    step(submitted, staff["verifikator"], "claim")
    with pytest.raises(Refusal) as refused:
        step(submitted, staff["verifikator"], "needs_fix", note="", fix_codes=["bukti"])
    assert refused.value.code == "invalid_fields"
    step(
        submitted,
        staff["verifikator"],
        "needs_fix",
        note="Foto akta buram, mohon foto ulang.",
        fix_codes=["bukti"],
    )
    page = client.get(f"/permohonan/{submitted.code}/").content.decode()
    assert "Foto akta buram" in page and 'name="bukti"' in page and 'name="kk"' not in page  # only that one
    old = submitted.documents.get(requirement__code="bukti", current=True)
    response = client.post(f"/permohonan/{submitted.code}/", {"bukti": SimpleUploadedFile("baru.pdf", pdf())})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == AppStatus.IN_REVIEW
    assert submitted.documents.get(requirement__code="bukti", current=True).pk != old.pk
    step(submitted, staff["verifikator"], "approve")
    review.publish(
        code=submitted.code, officer=staff["verifikator"], result="document", file=("kk.pdf", pdf())
    )
    submitted.refresh_from_db()
    assert submitted.status == AppStatus.DONE
    history = list(submitted.history.values_list("status", "by__username"))
    assert history == [
        ("submitted", None),
        ("in_review", "verifikator"),
        ("needs_fix", "verifikator"),
        ("in_review", None),
        ("approved", "verifikator"),
        ("done", "verifikator"),
    ]
    assert all(h.at for h in submitted.history.all())
    page = client.get(f"/permohonan/{submitted.code}/").content.decode()
    assert "Unduh dokumen hasil" in page
    result = submitted.documents.get(is_result=True)
    download = client.get(f"/permohonan/{submitted.code}/berkas/{result.pk}/")
    assert download["Content-Disposition"] == 'inline; filename="hasil.pdf"'
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    receipt = client.get(f"/permohonan/{submitted.code}/tanda-terima.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    replaced = client.get(f"/permohonan/{submitted.code}/berkas/{old.pk}/")
    assert replaced.status_code == 404  # the document that was replaced is no longer served


def test_a_message_reaches_the_tracking_page_without_changing_the_status(client, submitted, staff):
    step(submitted, staff["verifikator"], "claim")
    step(
        submitted,
        staff["verifikator"],
        "message",
        note="Berkas sedang kami cocokkan dengan data kependudukan.",
    )
    submitted.refresh_from_db()
    assert submitted.status == AppStatus.IN_REVIEW
    assert "sedang kami cocokkan" in client.get(f"/permohonan/{submitted.code}/").content.decode()


def test_a_pickup_ticket_is_booked_in_the_pickup_service(client, submitted, staff):
    step(submitted, staff["verifikator"], "claim")
    step(submitted, staff["verifikator"], "approve")
    review.publish(code=submitted.code, officer=staff["verifikator"], result="pickup")
    ticket = Ticket.objects.get()
    assert ticket.service.code == "AMBIL" and ticket.nik == NIK_MADE
    assert ticket.number in client.get(f"/permohonan/{submitted.code}/").content.decode()


def test_a_pre_registration_ends_with_a_visit_in_its_own_service(client, open_all_day, staff):
    data = form(
        kematian=("k.pdf", pdf()),
        ahli_waris=("a.pdf", pdf()),
        ktp_ahli_waris=("ktp.pdf", pdf()),
        rekening=("r.pdf", pdf()),
    )
    data.pop("bukti")
    assert client.post("/k/tabanan/permohonan/PRA-SANTUNAN/", data).status_code == 302
    application = Application.objects.get()
    step(application, staff["verifikator"], "claim")
    step(application, staff["verifikator"], "approve")
    review.publish(code=application.code, officer=staff["verifikator"], result="pickup")
    assert Ticket.objects.get().service.code == "SANTUNAN"


def test_delivery_and_rejection_carry_their_text(submitted, staff):
    step(submitted, staff["verifikator"], "claim")
    with pytest.raises(Refusal):
        step(submitted, staff["verifikator"], "reject", note="")
    step(submitted, staff["verifikator"], "reject", note="NIK tidak terdaftar di Kabupaten Tabanan.")
    submitted.refresh_from_db()
    assert submitted.status == AppStatus.REJECTED
    assert submitted.history.last().note == "NIK tidak terdaftar di Kabupaten Tabanan."
    with pytest.raises(Refusal) as refused:
        step(submitted, staff["verifikator"], "approve")
    assert refused.value.code == "invalid_transition"


@pytest.mark.parametrize("who", ["petugas", "satpam", "kepala"])
def test_other_roles_cannot_change_an_application(submitted, staff, who):
    with pytest.raises(Refusal) as refused:
        review.claim_application(code=submitted.code, officer=staff[who])
    assert refused.value.code == "forbidden"
    with pytest.raises(Refusal):
        review.claim_application(code=submitted.code, officer=None)
    submitted.refresh_from_db()
    assert submitted.status == AppStatus.SUBMITTED


def test_the_back_office_pages_are_for_verifiers(client, submitted, staff):
    outsider = client.__class__()
    assert outsider.get("/kantor/permohonan/").status_code == 302  # to the login page
    outsider.force_login(staff["petugas"])
    assert outsider.get("/kantor/permohonan/").status_code == 403
    assert outsider.get(f"/kantor/permohonan/{submitted.code}/").status_code == 403
    outsider.post(f"/kantor/permohonan/{submitted.code}/", {"action": "claim"})
    submitted.refresh_from_db()
    assert submitted.status == AppStatus.SUBMITTED
    verifier = client.__class__()
    verifier.force_login(staff["verifikator"])
    listing = verifier.get("/kantor/permohonan/").content.decode()
    assert submitted.code in listing
    verifier.post(f"/kantor/permohonan/{submitted.code}/", {"action": "claim"})
    submitted.refresh_from_db()
    assert submitted.status == AppStatus.IN_REVIEW and submitted.assigned_to == staff["verifikator"]
    detail = verifier.get(f"/kantor/permohonan/{submitted.code}/").content.decode()
    assert submitted.nik in detail  # the verifier sees the full NIK; citizens' pages mask it
