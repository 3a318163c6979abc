"""Every parser of outside input, fed anything: it answers or refuses as documented, never with
another exception; and what it reads back from what Antre itself writes is what was written.

The inputs: a NIK, a name and a phone as typed; dates and spans of the reports; a session's time
and weekdays; a temperature and a scanned code at the gate; a queue number; the live streams'
Last-Event-ID; the survey's form; the WhatsApp webhook's bodies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antre.audit import listing
from antre.conftest import KETUT, MONDAY
from antre.errors import Refusal
from antre.gate import lookup
from antre.live.streams import parse_last_event_id
from antre.offices import rules as office_rules
from antre.people import rules as people
from antre.queueing import rules as queue_rules
from antre.spans import span_of
from antre.survey.services import read_answers
from antre.whatsapp import webhook

# Text as people and scanners send it, with what trips parsers up: other scripts' digits
# ("²", "١٢"), full-width forms, separators, NUL and lone surrogates.
TRICKY = "0123456789²³¹١٢٣०१２３ .,:-/+_AaZzéß\x00\t\n\u200b\ud800"
typed = st.one_of(st.text(), st.text(alphabet=TRICKY, max_size=30))
anything_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)


# --- people: NIK, names, phones -------------------------------------------------------------------


@given(typed)
def test_a_nik_as_typed_is_read_or_refused_with_its_reasons(raw):
    check = people.check_nik(raw, today=MONDAY)
    if check.valid:
        assert check.nik is not None and len(check.nik) == 16 and check.nik.isascii() and check.nik.isdigit()
        assert check.birth_date is not None and check.birth_date <= MONDAY
    else:
        assert set(check.errors) <= {"format", "region", "birth_date", "serial"}


@given(st.sampled_from([" ", ".", "-"]), st.integers(1, 9999))
def test_a_nik_written_with_separators_reads_as_its_digits(separator, serial):
    nik = f"5102011203{85:02d}{serial:04d}"
    spaced = separator.join([nik[:2], nik[2:4], nik[4:6], nik[6:12], nik[12:]])
    assert people.check_nik(spaced, today=MONDAY).nik == nik


@given(typed)
def test_a_name_is_normalised_once_and_for_all(raw):
    name = people.normalize_name(raw)
    if name is not None:
        assert 2 <= len(name) <= people.NAME_MAX
        assert people.normalize_name(name) == name
        people.short_name(name)  # what screens show of it


@given(typed)
def test_a_phone_is_an_indonesian_number_in_e164_or_nothing(raw):
    phone = people.normalize_phone(raw)
    if phone is not None:
        assert phone.startswith("+62") and phone[1:].isdigit()
        assert people.normalize_phone(phone) == phone
        assert people.mask_phone(phone)[-3:] == phone[-3:]


@given(st.integers(811_000_000, 899_999_999_99))
def test_a_mobile_number_written_locally_reads_as_e164(digits):
    phone = people.normalize_phone(f"0{digits}")
    assert phone in (None, f"+62{digits}")


# --- dates: the reports' spans, the audit log's filters ------------------------------------------


@given(st.one_of(st.none(), typed, st.dates().map(str)), st.one_of(st.none(), typed, st.dates().map(str)))
def test_a_span_is_days_up_to_today_or_a_reason_per_field(first, last):
    start, end, problem = span_of(first, last, today=MONDAY)
    assert set(problem) <= {"from", "to"}
    if not problem:
        assert start <= end and start <= MONDAY and (end - start).days < 366


@given(st.dates(max_value=MONDAY), st.integers(0, 365))
def test_a_span_written_as_dates_is_read_back(start, length):
    end = min(start + dt.timedelta(days=length), MONDAY)
    assert span_of(start.isoformat(), end.isoformat(), today=MONDAY)[:2] == (start, end)


@given(st.dictionaries(st.sampled_from(["from", "to", "actor", "action", "subject"]), typed))
def test_the_audit_logs_filters_are_read_or_refused_per_field(params):
    filters, problem = listing.parse(params, today=MONDAY)
    assert set(problem) <= {"from", "to", "actor", "action"}
    if not {"from", "to"} & set(problem):
        assert filters.first <= filters.last and (filters.last - filters.first).days < listing.MAX_DAYS
    assert filters.actor is None or isinstance(filters.actor, int)


# --- sessions: a time of day and weekdays ---------------------------------------------------------


@given(typed)
def test_a_sessions_time_is_read_or_refused(raw):
    parsed = office_rules.parse_clock(raw)
    if parsed is not None:
        assert office_rules.parse_clock(f"{parsed:%H:%M}") == parsed


@given(st.times().map(lambda t: t.replace(second=0, microsecond=0)))
def test_a_sessions_time_as_clients_write_it_is_read_back(at):
    assert office_rules.parse_clock(f"{at:%H:%M}") == at
    assert office_rules.parse_clock(f"{at.hour}.{at.minute:02d}") == at


@given(typed)
def test_weekdays_are_read_or_refused(raw):
    days = office_rules.parse_weekdays(raw)
    assert days is None or (days and days <= set(range(7)))


# --- the gate: temperatures, queue numbers --------------------------------------------------------


@given(st.one_of(typed, st.floats(), st.integers()))
def test_a_temperature_is_a_reading_or_the_documented_refusal(raw):
    try:
        value = lookup.parse_temperature(raw)
    except Refusal as refusal:
        assert refusal.code == "invalid_fields" and "temperature_c" in refusal.fields
    else:
        assert value == value.quantize(Decimal("0.1"))


@given(st.decimals(min_value=Decimal("34.0"), max_value=Decimal("42.0"), places=1))
def test_a_temperature_written_with_a_comma_or_a_point_is_read_back(reading):
    assert lookup.parse_temperature(str(reading).replace(".", ",")) == reading
    assert lookup.parse_temperature(float(reading)) == reading


@given(typed)
def test_a_queue_number_is_read_or_is_none(raw):
    parsed = queue_rules.parse_number(raw)
    if parsed is not None:
        prefix, seq = parsed
        assert queue_rules.parse_number(queue_rules.format_number(prefix=prefix, seq=seq)) == parsed


@given(st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ", min_size=1, max_size=3), st.integers(1, 99_999))
def test_a_queue_number_as_printed_is_read_back(prefix, seq):
    number = queue_rules.format_number(prefix=prefix, seq=seq)
    assert queue_rules.parse_number(number) == (prefix, seq)
    assert queue_rules.parse_number(number.lower().replace("-", " ")) == (prefix, seq)


# The gate's scanner: the QR's URL, a ticket id or today's number, or anything else it types. Text
# as a request brings it: a form's is decoded with replacement, and the API's schema refuses a lone
# surrogate (422), so none reaches the lookup; nor does a NUL (antre.inputs refuses it: 400).
as_a_request_brings_it = st.one_of(typed, st.text(max_size=300)).map(
    lambda text: text.encode("utf-8", "replace").decode().replace("\x00", "")
)
SCANNED = settings(
    max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)


@pytest.mark.django_db
@SCANNED
@given(scanned=as_a_request_brings_it)
def test_whatever_the_gate_scans_finds_a_ticket_or_says_it_is_not_found(scanned, office):
    try:
        lookup.find_ticket(office, scanned, today=MONDAY)
    except Refusal as refusal:
        assert refusal.code in ("not_found", "invalid_fields")


@pytest.mark.django_db
def test_a_ticket_is_found_by_its_qr_code_its_id_and_its_number(office, clock):
    from antre.queueing.tests.factories import book

    ticket = book(office, KETUT)
    for scanned in (f"https://antre.example/tiket/{ticket.token}/", ticket.token, ticket.number):
        assert lookup.find_ticket(office, f" {scanned}\n", today=ticket.day) == ticket


# --- the live streams, the survey's form ----------------------------------------------------------


@given(st.one_of(st.none(), typed))
def test_a_last_event_id_is_a_number_from_zero_or_none(raw):
    seen = parse_last_event_id(raw)
    assert seen is None or (isinstance(seen, int) and seen >= 0)


@given(st.dictionaries(st.text(max_size=12), typed, max_size=12))
def test_a_survey_form_is_read_or_refused_per_field(data):
    try:
        read_answers(data)
    except Refusal as refusal:
        assert refusal.code == "invalid_fields" and refusal.fields


# --- the WhatsApp webhook -------------------------------------------------------------------------


@given(st.binary(max_size=300))
def test_any_bytes_delivered_are_read_as_changes_or_as_none(raw):
    assert isinstance(webhook.parse_delivery(raw), list)


def _delivery(messages) -> dict:
    value = {"metadata": {"phone_number_id": "1100", "display_phone_number": "0811"}, "messages": messages}
    return {"entry": [{"changes": [{"value": value}]}]}


@given(anything_json)
def test_any_json_shape_is_read_without_an_exception(payload):
    for change in webhook.parse_delivery(json.dumps(payload).encode()):
        assert all(isinstance(m, webhook.Message) for m in change.messages)


@given(st.lists(anything_json, max_size=4))
def test_messages_of_any_shape_are_kept_only_when_usable(messages):
    for change in webhook.parse_delivery(json.dumps(_delivery(messages)).encode()):
        for message in change.messages:
            assert webhook.MESSAGE_ID.fullmatch(message.id) and (message.wa_id or message.user_id)


@given(st.text(min_size=1, max_size=200), st.from_regex(webhook.WA_ID, fullmatch=True))
def test_a_text_message_is_read_back_as_sent(text, wa_id):
    sent = {"id": "wamid.X1", "from": wa_id, "type": "text", "text": {"body": text}}
    (change,) = webhook.parse_delivery(json.dumps(_delivery([sent])).encode())
    (message,) = change.messages
    assert (message.id, message.wa_id, message.kind) == ("wamid.X1", wa_id, "text")
    assert message.text == text.replace("\x00", "").encode("utf-8", "replace").decode()[:4000]


SECRET = "rahasia-aplikasi"
SIGNED = settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


@pytest.mark.django_db
@SIGNED
@given(payload=st.one_of(anything_json, st.lists(anything_json, max_size=3).map(_delivery)))
def test_a_signed_delivery_of_any_shape_gets_its_200(payload, client, office, settings, tmp_path):
    # Meta retries whatever does not get a 200: an odd shape is acknowledged and left out.
    settings.DATA_DIR = tmp_path
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "t",
        "app_secret": SECRET,
        "verify_token": "v",
    }
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    answer = client.post(
        "/whatsapp/webhook", body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature
    )
    assert answer.status_code == 200


# --- what the fuzzing found: "²" is a digit (str.isdigit) that int() cannot read -----------------


@pytest.mark.django_db
def test_a_session_written_with_a_superscript_is_refused_not_a_server_error(client, office, clock):
    answer = client.post(
        "/api/v1/offices/tabanan/tickets",
        {"service": "KTP", "name": KETUT.name, "nik": KETUT.nik, "session": "1²:00"},
        content_type="application/json",
    )
    assert answer.status_code == 422 and "session" in answer.json()["error"]["fields"]


@pytest.mark.django_db
def test_a_scanned_number_with_a_superscript_is_not_found_at_the_gate(client, office, staff, clock):
    from antre.people.models import ApiToken

    key = ApiToken.for_user(staff["satpam"]).key
    answer = client.post(
        "/api/v1/offices/tabanan/gate/entries",
        {"ticket": "A-0²", "temperature_c": 36.5},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_an_officer_chosen_with_a_superscript_is_refused_on_the_audit_page(client, office, staff, clock):
    client.force_login(staff["kepala"])
    answer = client.get("/kepala/tabanan/audit/", {"actor": "¹"})
    assert answer.status_code == 422 and "Pilih petugas dari daftar." in answer.content.decode()


@pytest.mark.django_db
def test_a_family_card_number_of_other_digits_is_refused(office, clock, settings, tmp_path):
    from antre.applications.tests.factories import pdf, submit

    settings.DATA_DIR = tmp_path
    with pytest.raises(Refusal) as refused:
        submit(office, {"kk": ("kk.pdf", pdf()), "bukti": ("akta.pdf", pdf())}, kk_number="²" * 16)
    assert "kk_number" in refused.value.fields
