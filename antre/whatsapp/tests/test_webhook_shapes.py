"""Signed deliveries of any shape: 200 to Meta, and only well-formed messages stored and answered."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from antre.whatsapp.models import InboundMessage, OutboxMessage
from antre.whatsapp.tests.test_whatsapp import SECRET, delivery, post
from antre.whatsapp.webhook import MESSAGE_ID, USER_ID, WA_ID, parse_delivery

CITIZEN = "6281234567890"


@pytest.fixture(autouse=True)
def whatsapp_settings(settings):
    # Media fetches go nowhere (a closed port): no network leaves the machine.
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "tok",
        "app_secret": SECRET,
        "verify_token": "v",
    }


def with_message(message: dict) -> dict:
    body = delivery()
    body["entry"][0]["changes"][0]["value"]["messages"] = [message]
    return body


@pytest.mark.parametrize(
    "change",
    [
        {"id": {"x": 1}},
        {"id": None},
        {"id": ""},
        {"id": "wamid." + "A" * 300},
        {"id": "wamid.a b"},
        {"from": None},
        {"from": "not-a-number"},
        {"from": "6" * 200},
        {"from": 6281234567890},
        {"from": "1234"},
        {"from_user_id": "nope"},
        {"from_user_id": ["ID.1502576394655843"]},
    ],
    ids=lambda change: json.dumps(change)[:40],
)
def test_a_message_without_a_usable_id_or_sender_is_acknowledged_and_left_out(client, desk, caplog, change):
    good = {"id": "wamid.GOOD", "from": CITIZEN, "type": "text", "text": {"body": "halo"}}
    bad = {"id": "wamid.BAD", "from": CITIZEN, "type": "text", "text": {"body": "halo"}} | change
    body = with_message(bad)
    body["entry"][0]["changes"][0]["value"]["messages"].append(good)
    assert post(client, body).status_code == 200
    assert list(InboundMessage.objects.values_list("message_id", flat=True)) == ["wamid.GOOD"]
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {CITIZEN}  # the good one answered
    warning = next(r for r in caplog.records if "left out" in r.getMessage())
    assert warning.levelname == "WARNING"
    assert "666666" not in warning.getMessage() and "62812" not in warning.getMessage()  # no personal data


def test_a_citizen_known_only_by_a_business_scoped_id_is_answered(client, desk):
    message = {
        "id": "wamid.BS1",
        "from_user_id": "ID.1502576394655843",
        "type": "text",
        "text": {"body": "halo"},
    }
    assert post(client, with_message(message)).status_code == 200
    stored = InboundMessage.objects.get()
    assert (stored.wa_id, stored.user_id) == ("", "ID.1502576394655843")
    assert set(OutboxMessage.objects.values_list("to", flat=True)) == {"ID.1502576394655843"}


def test_a_document_with_odd_fields_is_answered_not_crashed(client, desk):
    odd = {"id": "wamid.DOC", "from": CITIZEN, "type": "document", "document": "not an object"}
    assert post(client, with_message(odd)).status_code == 200
    assert InboundMessage.objects.get().kind == "document"


# --- properties: random bodies, signed as Meta signs them --------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats()  # NaN and infinities included: json.dumps writes them, jsonb refuses them
    | st.text(max_size=30)
    | st.sampled_from(["\x00", "\ud800", "halo", "menu:antre", "svc:KTP", "ID.1502576394655843"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
senders = (
    st.sampled_from([CITIZEN, "ID.1502576394655843", "US.ENT.11815799212886844830", None, ""])
    | st.text(alphabet="0123456789", max_size=220)
    | st.from_regex(r"[A-Z]{2}\.[A-Za-z0-9]{1,60}", fullmatch=True)
    | json_values
)
message_ids = (
    st.from_regex(r"wamid\.[A-Za-z0-9=]{1,40}", fullmatch=True) | st.text(max_size=210) | json_values
)
kinds = st.sampled_from(["text", "interactive", "image", "document", "sticker", "x" * 30]) | json_values
messages = st.fixed_dictionaries(
    {"id": message_ids},
    optional={
        "from": senders,
        "from_user_id": senders,
        "type": kinds,
        "text": st.fixed_dictionaries({}, optional={"body": json_values}) | json_values,
        "interactive": json_values,
        "image": json_values,
        "document": st.fixed_dictionaries({}, optional={"id": json_values, "filename": json_values}),
    },
)
metadata = st.fixed_dictionaries(
    {},
    optional={
        "phone_number_id": st.sampled_from(["1100", "2200"]) | json_values,
        "display_phone_number": json_values,
    },
)
values = st.fixed_dictionaries(
    {},
    optional={
        "metadata": metadata | json_values,
        "messages": st.lists(messages | json_values, max_size=3) | json_values,
        "statuses": st.lists(json_values, max_size=2) | json_values,
        "contacts": json_values,
    },
)
deliveries = st.builds(
    lambda changes: {"object": "whatsapp_business_account", "entry": [{"changes": changes}]},
    st.lists(st.fixed_dictionaries({"value": values | json_values}), max_size=2),
)
bodies = (
    deliveries.map(lambda d: json.dumps(d).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=60)
)


def _stored_shapes_are_sound() -> None:
    for message_id, wa_id, user_id in InboundMessage.objects.values_list("message_id", "wa_id", "user_id"):
        assert MESSAGE_ID.fullmatch(message_id)
        assert WA_ID.fullmatch(wa_id) or USER_ID.fullmatch(user_id)
        assert not wa_id or WA_ID.fullmatch(wa_id)
        assert not user_id or USER_ID.fullmatch(user_id)
    for to in OutboxMessage.objects.values_list("to", flat=True):
        assert WA_ID.fullmatch(to) or USER_ID.fullmatch(to), to


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=bodies)
def test_any_signed_body_gets_200_and_stores_only_sound_messages(client, desk, raw):
    import hashlib
    import hmac

    signature = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = client.post(
        "/whatsapp/webhook", raw, content_type="application/json", headers={"X-Hub-Signature-256": signature}
    )
    assert response.status_code == 200
    _stored_shapes_are_sound()


@hypothesis_settings(max_examples=300, deadline=None)
@given(raw=bodies)
def test_the_parser_never_raises_and_keeps_only_sound_messages(raw):
    for change in parse_delivery(raw):
        assert re.fullmatch(r"[0-9]{1,40}", change.phone_number_id) and len(change.display_number) <= 20
        for message in change.messages:
            assert MESSAGE_ID.fullmatch(message.id)
            assert message.wa_id or message.user_id
            assert "\x00" not in message.text and len(message.text) <= 4000
            json.dumps(message.raw, allow_nan=False)  # what jsonb stores
            message.text.encode("utf-8")  # no lone surrogates
