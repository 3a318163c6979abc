"""Past a service-day's unconfirmed share, a booking from a web page is held until the citizen
sends its code over WhatsApp from the phone it names; then it books, if a place is left."""

import datetime as dt
import hashlib
import hmac
import itertools
import json

import pytest

from antre import worker
from antre.conftest import NIK_KETUT, NIK_MADE, TUESDAY, nik_for
from antre.queueing import confirmations
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
    assert not PendingBooking.objects.exists()
    # The same code again books nothing more.
    assert "tidak dikenal" in send(client, f"konfirmasi {code}")[0]
    assert Ticket.objects.with_nik(NIK_MADE).count() == 1


def test_the_code_from_another_phone_books_nothing(client, office, limits_on, whatsapp):
    fill_unconfirmed_share(client)
    code = book(client, 8, phone=CITIZEN_PHONE, nik=NIK_KETUT).json()["error"]["confirmation"]["code"]
    replies = send(client, f"KONFIRMASI {code}", wa_id="6285799990000")
    assert "nomor HP yang diisi saat mendaftar" in replies[0]
    assert not Ticket.objects.with_nik(NIK_KETUT).exists()
    assert Ticket.objects.with_nik(NIK_KETUT).count() == 0 and PendingBooking.objects.count() == 1


def test_a_code_sent_after_thirty_minutes_is_refused_and_the_worker_forgets_it(
    client, office, clock, limits_on, whatsapp
):
    fill_unconfirmed_share(client)
    code = book(client, 8, phone=CITIZEN_PHONE, nik=NIK_KETUT).json()["error"]["confirmation"]["code"]
    clock.shift(dt.timedelta(minutes=31))
    assert "sudah lewat 30 menit" in send(client, f"KONFIRMASI {code}")[0]
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


def test_bookings_over_whatsapp_and_at_the_counter_do_not_use_the_share(client, office, limits_on, whatsapp):
    service = office.services.get(code="CAPIL")
    assert confirmations.unconfirmed_share(service) == 8
    service.unconfirmed_percent = 100  # the admin may switch it off for a service
    service.save()
    for i in range(10):
        assert book(client, i).status_code == 201
