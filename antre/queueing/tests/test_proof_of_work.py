"""The proof of work asked of a booking when its source looks abnormal: over the API (428 with a
challenge, retried with `Antre-Proof`) and on the booking form (solved by static/antre/proof.js)."""

import pytest

from antre import proofofwork
from antre.conftest import TUESDAY, nik_for
from antre.queueing.models import Ticket

pytestmark = pytest.mark.usefixtures("monday", "rate_limited")

URL = "/api/v1/offices/tabanan/tickets"


@pytest.fixture(autouse=True)
def quick_proofs(monkeypatch):
    monkeypatch.setattr(proofofwork, "DIFFICULTY", 8)  # the same check, solved in a millisecond
    monkeypatch.setattr(proofofwork, "ADDRESS_PER_HOUR", 3)


def post(client, i, address="203.0.113.9", service="LEGAL", **headers):
    body = {"service": service, "name": "Warga Uji", "nik": nik_for(i), "date": TUESDAY.isoformat()}
    return client.post(URL, body, content_type="application/json", REMOTE_ADDR=address, headers=headers)


def test_an_address_over_its_hourly_threshold_must_prove_work(client, office):
    assert [post(client, i).status_code for i in range(3)] == [201, 201, 201]
    asked = post(client, 3)
    assert asked.status_code == 428
    error = asked.json()["error"]
    assert error["code"] == "proof_required"
    assert "datang langsung ke kantor" in error["message"]
    challenge = error["challenge"]
    assert set(challenge) == {"algorithm", "salt", "difficulty", "signature"}
    proof = proofofwork.solve(challenge)
    assert post(client, 3, **{"Antre-Proof": proof}).status_code == 201
    # A proof is good once: a script cannot replay one solution for every booking.
    assert post(client, 4, **{"Antre-Proof": proof}).status_code == 428
    # Another citizen's address is not asked.
    assert post(client, 5, address="198.51.100.1").status_code == 201


def test_a_forged_or_wrong_proof_is_refused(client, office):
    for i in range(3):
        post(client, i)
    challenge = post(client, 3).json()["error"]["challenge"]
    forged = dict(challenge, difficulty=1, signature="0" * 64)
    wrong = proofofwork.solve(challenge).rsplit(":", 1)[0] + ":not-a-nonce"
    for proof in (proofofwork.solve(forged), wrong, "garbage", ""):
        assert post(client, 3, **{"Antre-Proof": proof}).status_code == 428
    assert Ticket.objects.count() == 3


def test_a_service_going_abnormally_fast_asks_everyone(client, office, monkeypatch):
    monkeypatch.setattr(proofofwork, "ADDRESS_PER_HOUR", 100)
    monkeypatch.setattr(proofofwork, "service_burst", lambda quota: 4)
    codes = [post(client, i, address=f"192.0.2.{i}").status_code for i in range(6)]
    assert codes == [201, 201, 201, 201, 428, 428]
    # Another service is not asked; this one stays asked after the burst (a paused script gains nothing).
    assert post(client, 7, address="192.0.2.50", service="CAPIL").status_code == 201
    assert post(client, 8, address="192.0.2.51").status_code == 428


def test_the_form_asks_the_browser_to_solve_it_and_books_with_its_answer(client, office):
    form = "/k/tabanan/layanan/LEGAL/"
    data = {"name": "Warga Uji", "date": TUESDAY.isoformat()}
    for i in range(3):
        assert client.post(form, {**data, "nik": nik_for(i)}, REMOTE_ADDR="203.0.113.9").status_code == 302
    page = client.post(form, {**data, "nik": nik_for(3)}, REMOTE_ADDR="203.0.113.9")
    assert page.status_code == 428
    html = page.content.decode()
    assert "antre/proof.js" in html and "data-proof-salt" in html and 'name="proof"' in html
    assert "<script>" not in html  # no inline script: the Content-Security-Policy to come forbids it
    challenge = page.context["challenge"]
    proof = proofofwork.solve(challenge)
    sent = client.post(form, {**data, "nik": nik_for(3), "proof": proof}, REMOTE_ADDR="203.0.113.9")
    assert sent.status_code == 302


def test_the_api_documents_the_refusal(client, office):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/offices/{office}/tickets"]["post"]
    assert "428" in operation["responses"]
    assert "Antre-Proof" in operation["description"]
