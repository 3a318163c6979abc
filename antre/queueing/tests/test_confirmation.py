"""Past a service-day's unconfirmed share, a booking from a web page is held until the citizen
sends its code over WhatsApp from the phone it names; then it books, if a place is left."""

import datetime as dt
import hashlib
import hmac
import itertools
import json

import pytest

from antre import proofofwork, worker
from antre.conftest import NIK_KETUT, NIK_MADE, TUESDAY, nik_for
from antre.queueing import budgets, confirmations, services
from antre.queueing.models import PendingBooking, Ticket
from antre.whatsapp import answering
from antre.whatsapp.models import BusinessNumber, OutboxMessage

pytestmark = pytest.mark.usefixtures("monday")

URL = "/api/v1/offices/tabanan/tickets"
SECRET = "app-secret-for-confirmations"
CITIZEN_PHONE, CITIZEN_WA = "0812 3456 7890", "6281234567890"
ids = itertools.count(1)


@pytest.fixture
def limits_on(settings, tmp_path):
    settings.RATELIMIT_ENABLED = True
    settings.DATA_DIR = tmp_path


@pytest.fixture
def whatsapp(office, settings):
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "t",
        "app_secret": SECRET,
        "verify_token": "v",
    }
    return BusinessNumber.objects.create(
        office=office, phone_number_id="5100", display_number="0811-3900-100"
    )


def book(client, i: int, *, phone: str = "", nik: str = ""):
    body = {"service": "CAPIL", "name": "Ni Luh Putu", "nik": nik or nik_for(i), "date": TUESDAY.isoformat()}
    if phone:
        body["phone"] = phone
    return client.post(URL, body, content_type="application/json", REMOTE_ADDR=f"10.2.{i}.9")


def fill_unconfirmed_share(client) -> None:
    """Eight citizens from eight addresses: a fifth of CAPIL's 40 places, the share without confirmation."""
    for i in range(8):
        assert book(client, i).status_code == 201


def send(client, text: str, wa_id: str = CITIZEN_WA) -> list[str]:
    """A WhatsApp message from `wa_id` to the office's number, through the real webhook: the bot's replies."""
    message_id = f"wamid.C{next(ids)}"
    payload = {"entry": [{"changes": [{"value": {
        "metadata": {"phone_number_id": "5100"},
        "contacts": [{"wa_id": wa_id}],
        "messages": [{"id": message_id, "from": wa_id, "type": "text", "text": {"body": text}}],
    }}]}]}  # fmt: skip
    raw = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    answer = client.post(
        "/whatsapp/webhook", raw, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )
    assert answer.status_code == 200
    answering.answer_waiting()  # the worker's answerer, as its thread would
    replies = OutboxMessage.objects.filter(dedupe_key__startswith=f"reply:{message_id}:").order_by("pk")
    return [m.body["text"]["body"] for m in replies]


def test_past_the_unconfirmed_share_a_web_booking_is_held_and_takes_no_place(
    client, office, limits_on, whatsapp
):
    fill_unconfirmed_share(client)
    answer = book(client, 8, phone=CITIZEN_PHONE)
    assert answer.status_code == 202
    error = answer.json()["error"]
    assert error["code"] == "confirmation_required"
    confirmation = error["confirmation"]
    assert confirmation["text"] == f"KONFIRMASI {confirmation['code']}"
    assert confirmation["whatsapp"] == "+628113900100"
    assert confirmation["link"] == f"https://wa.me/628113900100?text=KONFIRMASI%20{confirmation['code']}"
    assert "+6281******890" in error["message"] and "3456" not in error["message"]  # the phone masked
    assert Ticket.objects.filter(service__code="CAPIL", day=TUESDAY).count() == 8


def test_the_code_sent_from_that_phone_books_and_the_bot_answers_with_the_ticket(
    client, office, limits_on, whatsapp
):
    fill_unconfirmed_share(client)
    code = book(client, 8, phone=CITIZEN_PHONE, nik=NIK_MADE).json()["error"]["confirmation"]["code"]
    replies = send(client, f"KONFIRMASI {code}")
    ticket = Ticket.objects.with_nik(NIK_MADE).get()
    assert (ticket.day, ticket.channel, ticket.phone) == (TUESDAY, "web", "+6281234567890")
    assert ticket.number in replies[0] and f"/tiket/{ticket.token}/" in replies[0]
    # The bot's answer tells the ticket; no second message (the booked template) says it again.
    assert not OutboxMessage.objects.filter(template="antre_tiket").exists()
    assert not PendingBooking.objects.exists()
    # The same code again books nothing more.
    assert "tidak berlaku" in send(client, f"konfirmasi {code}")[0]
    assert Ticket.objects.with_nik(NIK_MADE).count() == 1


def test_the_code_from_another_phone_books_nothing(client, office, limits_on, whatsapp):
    fill_unconfirmed_share(client)
    code = book(client, 8, phone=CITIZEN_PHONE, nik=NIK_KETUT).json()["error"]["confirmation"]["code"]
    replies = send(client, f"KONFIRMASI {code}", wa_id="6285799990000")
    # The same answer as for a code that does not exist: it tells a guesser nothing.
    assert replies == send(client, "KONFIRMASI 000000", wa_id="6285799990000")
    assert "tidak berlaku" in replies[0] and "3456" not in replies[0]
    assert not Ticket.objects.with_nik(NIK_KETUT).exists()
    assert Ticket.objects.with_nik(NIK_KETUT).count() == 0 and PendingBooking.objects.count() == 1


def test_a_code_sent_after_thirty_minutes_is_refused_and_the_worker_forgets_it(
    client, office, clock, limits_on, whatsapp
):
    fill_unconfirmed_share(client)
    code = book(client, 8, phone=CITIZEN_PHONE, nik=NIK_KETUT).json()["error"]["confirmation"]["code"]
    clock.shift(dt.timedelta(minutes=31))
    assert "sudah lewat 30 menit" in send(client, f"KONFIRMASI {code}")[0]  # among the reasons it gives
    assert not Ticket.objects.with_nik(NIK_KETUT).exists()
    assert worker.purge()["unconfirmed bookings"] == 1


def test_a_code_that_comes_when_the_day_is_full_says_so(client, office, limits_on, whatsapp):
    fill_unconfirmed_share(client)
    code = book(client, 8, phone=CITIZEN_PHONE, nik=NIK_KETUT).json()["error"]["confirmation"]["code"]
    service = office.services.get(code="CAPIL")
    service.daily_quota = 8  # the places left went meanwhile
    service.save()
    assert "penuh" in send(client, f"KONFIRMASI {code}")[0].lower()
    assert not Ticket.objects.with_nik(NIK_KETUT).exists()


def test_past_the_share_a_booking_without_a_phone_is_asked_for_one(client, office, limits_on, whatsapp):
    fill_unconfirmed_share(client)
    answer = book(client, 8)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "phone_required"
    assert "WhatsApp" in answer.json()["error"]["fields"]["phone"]


def test_the_booking_page_shows_how_to_confirm(client, office, limits_on, whatsapp):
    fill_unconfirmed_share(client)
    page = client.post(
        "/k/tabanan/layanan/CAPIL/",
        {"name": "Ni Made Sari Dewi", "nik": NIK_MADE, "phone": CITIZEN_PHONE, "date": TUESDAY.isoformat()},
        REMOTE_ADDR="10.3.0.1",
    )
    html = page.content.decode()
    code = PendingBooking.objects.get().code
    assert "Satu langkah lagi: konfirmasi lewat WhatsApp" in html
    assert f'href="https://wa.me/628113900100?text=KONFIRMASI%20{code}"' in html
    assert NIK_MADE not in html and "3456" not in html


def test_without_a_whatsapp_number_there_is_no_confirmation(client, office, limits_on):
    for i in range(10):
        assert book(client, i).status_code == 201
    assert confirmations.number_for(office) == ""


def test_claiming_the_whatsapp_channel_over_the_api_is_held_as_well(client, office, limits_on, whatsapp):
    fill_unconfirmed_share(client)
    body = {"service": "CAPIL", "name": "Ni Luh Putu", "nik": NIK_KETUT, "date": TUESDAY.isoformat()}
    spoofed = client.post(
        URL, body | {"channel": "whatsapp"}, content_type="application/json", REMOTE_ADDR="10.9.0.1"
    )
    assert spoofed.status_code == 422  # no phone to confirm from
    spoofed = client.post(
        URL,
        body | {"channel": "whatsapp", "phone": CITIZEN_PHONE},
        content_type="application/json",
        REMOTE_ADDR="10.9.0.1",
    )
    assert spoofed.status_code == 202
    assert not Ticket.objects.with_nik(NIK_KETUT).exists()


def test_bookings_by_the_bot_and_by_officers_do_not_use_the_share(client, office, limits_on, whatsapp, staff):
    for i in range(8):  # the bot's own bookings: the sender's phone is proven
        services.book_ticket(office=office, service_code="CAPIL", name="Ni Luh Putu", nik=nik_for(100 + i),
                             phone=f"08129990000{i}", day=TUESDAY, channel="whatsapp", client="")  # fmt: skip
    services.book_ticket(office=office, service_code="CAPIL", name="I Ketut Arsana", nik=nik_for(20),
                         day=TUESDAY, channel="walk_in", issued_by=staff["petugas"], client="10.0.0.1")  # fmt: skip
    fill_unconfirmed_share(client)  # all eight still there for bookings from a page
    assert book(client, 8, phone=CITIZEN_PHONE).status_code == 202


def test_the_admin_may_switch_the_confirmation_off_for_a_service(client, office, limits_on, whatsapp):
    service = office.services.get(code="CAPIL")
    assert confirmations.unconfirmed_share(service) == 8
    service.unconfirmed_percent = 100
    service.save()
    for i in range(10):
        assert book(client, i).status_code == 201


def test_a_retry_with_the_same_idempotency_key_gets_the_same_code(client, office, limits_on, whatsapp):
    fill_unconfirmed_share(client)
    body = {
        "service": "CAPIL",
        "name": "Ni Luh Putu",
        "nik": NIK_KETUT,
        "date": TUESDAY.isoformat(),
        "phone": CITIZEN_PHONE,
    }
    first, again = (
        client.post(
            URL,
            body,
            content_type="application/json",
            REMOTE_ADDR="10.9.0.2",
            headers={"Idempotency-Key": "k-1"},
        )
        for _ in range(2)
    )
    assert first.json()["error"]["confirmation"]["code"] == again.json()["error"]["confirmation"]["code"]
    assert PendingBooking.objects.count() == 1


def test_another_spent_budget_refuses_before_any_confirmation(
    client, office, limits_on, whatsapp, monkeypatch
):
    monkeypatch.setattr(proofofwork, "service_burst", lambda quota: 100)  # the proof of work is not the point
    # Budgets are counted in key order: put the unconfirmed share's key first, where it would refuse first.
    digest = budgets._digest
    monkeypatch.setattr(
        budgets, "_digest", lambda kind, *rest: ("0" if kind == "unconfirmed" else "1") + digest(kind, *rest)
    )
    fill_unconfirmed_share(client)
    # The same NIK a fourth time today: its budget is spent, so no code is handed out for it.
    for i in range(3):
        answer = client.post(URL, {"service": "CAPIL", "name": "Ni Luh Putu", "nik": NIK_KETUT, "phone": CITIZEN_PHONE,
                                   "date": (TUESDAY + dt.timedelta(days=i + 1)).isoformat()},
                             content_type="application/json", REMOTE_ADDR=f"10.9.1.{i}")  # fmt: skip
        assert answer.status_code in (201, 202)
    answer = book(client, 30, phone=CITIZEN_PHONE, nik=NIK_KETUT)
    assert answer.status_code == 429 and answer.json()["error"]["budget"] == "nik"


def test_a_chat_guessing_codes_is_stopped_after_five(client, office, limits_on, whatsapp):
    for guess in range(5):
        assert "tidak berlaku" in send(client, f"KONFIRMASI 00000{guess}")[0]
    assert "Terlalu banyak kode yang salah" in send(client, "KONFIRMASI 000009")[0]
