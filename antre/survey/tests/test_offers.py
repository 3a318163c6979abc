"""The survey is offered once, by WhatsApp and on the citizen's pages, when a visit ends served or
an application is done; never to a no-show. Messages stay in the outbox (nothing is sent)."""

from __future__ import annotations

import pytest

from antre.applications import review
from antre.applications.tests.factories import apply, step
from antre.queueing.tests.factories import book
from antre.survey.models import SurveyAnswer
from antre.survey.tests.conftest import answers, serve
from antre.whatsapp import notify
from antre.whatsapp.models import OutboxMessage

pytestmark = pytest.mark.django_db


def survey_messages():
    return OutboxMessage.objects.filter(template="antre_survei")


def link_of(message) -> str:
    return message.body["template"]["components"][0]["parameters"][1]["text"]


def test_a_served_visit_is_offered_the_survey_once_on_whatsapp(client, desk, served, no_show):
    (message,) = survey_messages()
    assert message.to == "6281234567890"  # Ketut's; Made did not come and gets none
    assert message.status == "pending" and message.attempts == 0  # queued, not sent
    link = link_of(message)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.post("/" + path, answers()).status_code == 302
    assert SurveyAnswer.objects.count() == 1


def test_the_offer_is_not_queued_twice(desk, served):
    notify.visit_survey(served)  # the same event told again
    assert survey_messages().count() == 1


def test_without_a_phone_there_is_no_message_but_the_page_offers_it(
    client, office, gate_off, staff, monday, desk
):
    ticket = serve(office, book(office, 9, service="KTP"), staff["petugas"])
    assert survey_messages().count() == 0
    page = client.get(f"/tiket/{ticket.token}/").content.decode()
    assert "Bagaimana pelayanan kami hari ini?" in page
    # A served visit is thanked, not told its number "no longer holds" as a lapsed one is.
    assert "sudah selesai. Terima kasih" in page and "sudah tidak berlaku" not in page


def test_a_done_application_is_offered_the_survey_on_its_page_and_by_whatsapp(
    client, office, staff, monday, desk, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    application = apply(client, phone="081311112222")
    assert "Beri penilaian" not in client.get(f"/permohonan/{application.code}/").content.decode()
    step(application, staff["verifikator"], "claim", "approve")
    assert survey_messages().count() == 0  # approved is not done yet
    review.publish(
        code=application.code,
        officer=staff["verifikator"],
        result="delivery",
        delivery_address="Jl. Gajah Mada 1",
    )
    (message,) = survey_messages()
    assert message.to == "6281311112222"
    page = client.get(f"/permohonan/{application.code}/").content.decode()
    assert 'id="survey-link"' in page
    url = page.split('id="survey-link"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert client.post(url, answers()).status_code == 302
    answer = SurveyAnswer.objects.get()
    assert (answer.occasion, answer.kind_code) == ("application", application.kind.code)
    assert client.post(url, answers()).status_code == 409
