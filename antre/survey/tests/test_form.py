"""A citizen answers the survey once per visit, anonymously, by the link of a visit served."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from antre.offices.models import Office
from antre.survey import services
from antre.survey.models import AnsweredOccasion, SurveyAnswer
from antre.survey.tests.conftest import answers, form_url

pytestmark = pytest.mark.django_db


def test_the_ticket_page_of_a_served_visit_offers_the_survey(client, served):
    page = client.get(f"/tiket/{served.token}/").content.decode()
    assert "Bagaimana pelayanan kami hari ini?" in page

    assert 'id="survey-link"' in page
    form = client.get(form_url(served))
    assert form.status_code == 200
    assert "Seberapa mudah prosedur pelayanan di kantor ini?" in form.content.decode()


def test_an_unserved_ticket_gets_no_offer_and_cannot_answer(client, no_show, waiting):
    for ticket in (no_show, waiting):
        assert (
            "Bagaimana pelayanan kami hari ini?" not in client.get(f"/tiket/{ticket.token}/").content.decode()
        )
        # Even with a correctly signed link (made here by hand), the form refuses.
        response = client.post(form_url(ticket), answers())
        assert response.status_code == 403
        assert "sudah selesai dilayani" in response.content.decode()
    assert SurveyAnswer.objects.count() == AnsweredOccasion.objects.count() == 0


def test_the_nine_elements_are_required_and_nothing_is_stored_without_them(client, served):
    data = answers() | {"waktu": "", "biaya": "5", "sex": "x"}
    response = client.post(form_url(served), data)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Sembilan pertanyaan penilaian wajib dijawab." in page
    assert page.count("Pilih salah satu jawaban.") >= 2  # waktu (empty) and biaya (out of range)
    assert "Pilih dari daftar, atau biarkan kosong." in page
    assert SurveyAnswer.objects.count() == AnsweredOccasion.objects.count() == 0


def test_an_answer_is_stored_once_without_a_link_to_the_ticket(client, served):
    data = answers(4, 3, 3, 4, 3, 4, 4, 2, 3, age_group="31_40", sex="l", suggestion="Ruang tunggu panas.")
    response = client.post(form_url(served), data)
    assert response.status_code == 302
    assert "Terima kasih" in client.get(response.headers["Location"]).content.decode()

    answer = SurveyAnswer.objects.get()
    assert (answer.service_code, answer.occasion, answer.day, answer.persyaratan, answer.pengaduan) == (
        "KTP", "visit", served.day, 4, 2,
    )  # fmt: skip
    assert (answer.education, answer.occupation) == ("", "")  # left empty: not said
    # The answer's row holds nothing that leads back to the ticket or the citizen.
    columns = {field.column for field in SurveyAnswer._meta.concrete_fields}
    assert not columns & {"ticket_id", "application_id", "nik", "name", "phone", "token", "created_at"}
    row = " ".join(str(getattr(answer, field.attname)) for field in SurveyAnswer._meta.concrete_fields)
    for trace in (served.token, served.nik, served.phone, served.name):
        assert trace not in row
    # That the visit was answered is a row of its own, with no link to the answer.
    occasion = AnsweredOccasion.objects.get()
    assert (occasion.kind, occasion.occasion_id) == ("visit", served.pk)
    assert {f.name for f in AnsweredOccasion._meta.concrete_fields} == {"id", "kind", "occasion_id"}


def test_a_second_answer_for_the_same_visit_is_refused(client, served):
    assert client.post(form_url(served), answers()).status_code == 302
    again = client.post(form_url(served), answers(4, 4, 4, 4, 4, 4, 4, 4, 4))
    assert again.status_code == 409
    assert "sudah diisi" in again.content.decode()
    assert client.get(form_url(served)).status_code == 409
    assert SurveyAnswer.objects.count() == 1
    with pytest.raises(services.Refusal):
        services.submit_answer(
            token=services.visit_token(served), office=served.office, data=answers(), now=served.finished_at
        )
    assert SurveyAnswer.objects.count() == 1


def test_a_forged_link_is_refused(client, served):
    token = services.visit_token(served)
    kind, pk, office = signing.loads(token, salt=services.SALT)
    forged = signing.dumps([kind, pk, office], salt="another-salt")  # signed, but not as the survey does
    for bad in (token[:-2] + "xx", forged, "visit-1"):
        response = client.post(f"/k/{served.office.slug}/skm/{bad}/", answers())
        assert response.status_code == 404
        assert "Tautan survei ini tidak sah" in response.content.decode()
    assert SurveyAnswer.objects.count() == 0


def test_a_link_opened_at_another_office_is_refused(client, served):
    Office.objects.create(
        slug="badung", name="Disdukcapil Badung", region_code="51.03", timezone="Asia/Makassar"
    )
    response = client.post(f"/k/badung/skm/{services.visit_token(served)}/", answers())
    assert response.status_code == 403
    assert SurveyAnswer.objects.count() == 0


def test_the_link_expires_thirty_days_after_the_visit(client, served, clock):
    url = form_url(served)
    clock.move_to(served.finished_at + dt.timedelta(days=29))
    assert client.get(url).status_code == 200
    clock.move_to(served.finished_at + dt.timedelta(days=31))
    response = client.post(url, answers())
    assert response.status_code == 410
    assert "sudah kedaluwarsa" in response.content.decode()
    assert SurveyAnswer.objects.count() == 0
