"""The WhatsApp channel: webhook checks, messages handled once, and notifications that survive an outage."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from antre.queueing.tests.factories import book
from antre.whatsapp import answering, outbox
from antre.whatsapp.models import BusinessNumber, InboundMessage, OutboxMessage, OutboxStatus
from antre.whatsapp.tests.fake_graph import FakeGraph

SECRET = "app-secret-for-tests"


@pytest.fixture(autouse=True)
def whatsapp_settings(settings):
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "tok",
        "app_secret": SECRET,
        "verify_token": "verif",
    }
    return settings.WHATSAPP


@pytest.fixture
def desk(office):
    return BusinessNumber.objects.create(
        office=office, phone_number_id="1100", display_number="0811-3900-100"
    )


def delivery(message_id="wamid.IN1", text="halo", sender="6281234567890"):
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "metadata": {"phone_number_id": "1100"},
                            "contacts": [{"wa_id": sender, "profile": {"name": "Made"}}],
                            "messages": [
                                {"id": message_id, "from": sender, "type": "text", "text": {"body": text}}
                            ],
                        },
                    }
                ]
            }
        ],
    }


def post(client, payload, secret=SECRET):
    """A signed delivery to the webhook, then the worker's answerer's turn (as its thread would)."""
    raw = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    response = client.post(
        "/whatsapp/webhook", raw, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )
    answering.answer_waiting()
    return response


def test_the_subscription_check_echoes_the_challenge_only_with_the_right_token(client):
    ok = client.get(
        "/whatsapp/webhook",
        {"hub.mode": "subscribe", "hub.verify_token": "verif", "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    assert (
        client.get(
            "/whatsapp/webhook", {"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}
        ).status_code
        == 403
    )


def test_a_bad_signature_is_refused_and_nothing_is_stored(client, desk):
    assert post(client, delivery(), secret="not-the-secret").status_code == 403
    unsigned = client.post("/whatsapp/webhook", json.dumps(delivery()), content_type="application/json")
    assert unsigned.status_code == 403
    assert InboundMessage.objects.count() == 0


def test_a_message_delivered_twice_is_handled_once(client, desk):
    assert post(client, delivery()).status_code == 200
    assert post(client, delivery()).status_code == 200
    message = InboundMessage.objects.get()
    assert (message.text, message.wa_id, message.number) == ("halo", "6281234567890", desk)


def test_a_business_scoped_user_id_is_kept_when_there_is_no_phone_number(client, desk):
    post(client, delivery(message_id="wamid.IN2", sender="ID.abc123"))
    message = InboundMessage.objects.get()
    assert message.wa_id == "" and message.user_id == "ID.abc123"


def test_interactive_replies_and_unknown_shapes_are_accepted(client, desk):
    reply = delivery(message_id="wamid.IN3")
    reply["entry"][0]["changes"][0]["value"]["messages"][0] = {
        "id": "wamid.IN3",
        "from": "6281234567890",
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": "svc:CAPIL", "title": "Akta"}},
    }
    assert post(client, reply).status_code == 200
    assert InboundMessage.objects.get().text == "svc:CAPIL"
    assert post(client, {"something": ["else"]}).status_code == 200


def test_notifications_survive_an_outage_and_arrive_exactly_once(open_all_day, desk, whatsapp_settings):
    tickets = [book(open_all_day, i, phone=f"08123456780{i}") for i in range(5)]
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 5
    book(open_all_day, 9)  # no phone: nothing to send
    assert OutboxMessage.objects.count() == 5
    now = timezone.now()
    with FakeGraph() as graph:
        whatsapp_settings["api_base"] = graph.url
        graph.fail_next = 7  # the provider is down for a while
        sent = 0
        for tick in range(40):  # the worker keeps ticking; time moves on
            sent += outbox.deliver_due(now=now + dt.timedelta(minutes=tick))
            if sent == 5:
                break
    assert sent == 5
    assert len(graph.received) == 12  # 7 refused + 5 accepted: every retry was needed, none extra
    recipients = sorted(r["body"]["to"] for r in graph.accepted)
    assert recipients == sorted(t.phone.lstrip("+") for t in tickets)  # each once
    first = graph.accepted[0]
    assert first["path"] == "/v21.0/1100/messages" and first["auth"] == "Bearer tok"
    assert first["body"]["template"]["name"] == "antre_tiket"
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert outbox.deliver_due(now=now + dt.timedelta(hours=1)) == 0  # and nothing goes twice


def test_the_same_event_is_queued_once(open_all_day, desk):
    ticket = book(open_all_day, phone="081234567890")
    again = outbox.enqueue(
        office_id=open_all_day.pk,
        to=ticket.phone,
        template="antre_tiket",
        params=["x"],
        key=f"ticket:{ticket.token}:booked",
    )
    assert again is False  # told the caller, no error, nothing added
    assert OutboxMessage.objects.filter(dedupe_key=f"ticket:{ticket.token}:booked").count() == 1


def test_the_citizen_with_three_ahead_is_told_to_get_ready_once(clock, open_all_day, desk, staff):
    # The clock at 09.00: late in the real evening, calls projected past the day's end would not count.
    from antre.offices.models import Counter, Service
    from antre.queueing import calling

    open_all_day.gate_enabled = False
    open_all_day.save()
    Counter.objects.filter(office=open_all_day).exclude(number=1).update(active=False)
    loket = Counter.objects.get(office=open_all_day, number=1)
    loket.services.set([Service.objects.get(office=open_all_day, code="KTP")])
    tickets = [book(open_all_day, i, phone=f"08123456780{i}") for i in range(7)]
    first = calling.call_next(counter=loket, officer=staff["petugas"])
    near = OutboxMessage.objects.filter(dedupe_key__endswith=":near")
    # One counter: A-002 is next, A-005 has three ahead (A-002..A-004); A-006 has four.
    assert sorted(m.dedupe_key for m in near) == sorted(f"ticket:{t.token}:near" for t in tickets[1:5])
    told = {m.dedupe_key: m.body["template"]["components"][0]["parameters"][1]["text"] for m in near}
    assert told[f"ticket:{tickets[4].token}:near"] == "3"
    assert near.first().body["template"]["name"] == "antre_hampir"
    calling.mark_no_show(token=first.token, officer=staff["petugas"])
    calling.call_next(counter=loket, officer=staff["petugas"])
    # Now A-006 has three ahead and is told; A-007, with four, is not yet.
    assert near.filter(dedupe_key=f"ticket:{tickets[5].token}:near").exists()
    assert not near.filter(dedupe_key=f"ticket:{tickets[6].token}:near").exists()


def test_the_people_ahead_are_counted_across_counters_that_share_a_service(clock, open_all_day, desk, staff):
    """Counter 1 serves KK and KTP, counter 2 only KK. A KTP citizen behind seven KK bookings waits
    for counter 1 alone, but counter 2 takes half of the KK line: about three are called at counter
    1 before them. Counting counter 1's own queue (six ahead after the call) would not tell them."""
    # The clock at 09.00: late in the real evening, calls projected past the day's end would not count.
    from antre.offices.models import Counter, Service
    from antre.queueing import calling

    open_all_day.gate_enabled = False
    open_all_day.save()
    kk, ktp = (Service.objects.get(office=open_all_day, code=code) for code in ("KK", "KTP"))
    Service.objects.filter(pk=kk.pk).update(mode="both")
    Counter.objects.filter(office=open_all_day).exclude(number__in=(1, 2)).update(active=False)
    one, two = (Counter.objects.get(office=open_all_day, number=n) for n in (1, 2))
    one.services.set([kk, ktp])
    two.services.set([kk])
    line = [book(open_all_day, i, service="KK", phone=f"08123456781{i}") for i in range(7)]
    late = book(open_all_day, 8, service="KTP", phone="081234567899")
    assert calling.call_next(counter=one, officer=staff["petugas"]).token == line[0].token
    assert OutboxMessage.objects.filter(dedupe_key=f"ticket:{late.token}:near").exists()


def test_a_citizen_booked_from_home_is_told_when_to_leave_home_once(office, desk, clock):
    from antre.conftest import MONDAY, wita
    from antre.queueing import arrivals

    clock.move_to(wita(MONDAY, 6, 0))
    ticket = book(office, 1, phone="081234567801")
    ticket.refresh_from_db()
    come = ticket.come_at
    assert come is not None
    leave = OutboxMessage.objects.filter(dedupe_key=f"ticket:{ticket.token}:leave")
    clock.move_to(come - dt.timedelta(minutes=office.leave_home_minutes + 1))
    assert arrivals.send_leave_home(office, timezone.now()) == 0 and not leave.exists()
    clock.move_to(come - dt.timedelta(minutes=office.leave_home_minutes - 1))
    assert arrivals.send_leave_home(office, timezone.now()) == 1
    body = leave.get().body["template"]
    assert body["name"] == "antre_berangkat"
    assert body["components"][0]["parameters"][0]["text"] == ticket.number
    assert arrivals.send_leave_home(office, timezone.now()) == 0  # once
