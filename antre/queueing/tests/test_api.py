"""The HTTP API of SPEC §6 for offices, services and tickets, through Django's test client."""

from unittest import mock

import pytest

from antre.conftest import MONDAY, NIK_KETUT, NIK_MADE, SATURDAY, TUESDAY, nik_for
from antre.offices.models import Service
from antre.people.models import ApiToken
from antre.queueing.models import Ticket

pytestmark = pytest.mark.usefixtures("monday")  # the clock on Monday morning of the test week


# The first word of each refusal above, in Indonesian: a stray English message fails the test.
INDONESIAN_OPENINGS = {"Periksa", "Layanan", "Kantor", "Tiket"}


def post_ticket(client, body, **headers):
    return client.post(
        "/api/v1/offices/tabanan/tickets", body, content_type="application/json", headers=headers
    )


def test_offices_are_listed_with_capacity(client, office):
    response = client.get("/api/v1/offices")
    assert response.status_code == 200
    assert response.json() == [
        {
            "slug": "tabanan",
            "name": "Disdukcapil Kabupaten Tabanan",
            "timezone": "Asia/Makassar",
            "capacity": 13,
            "inside": 0,
        }
    ]


def test_services_show_what_is_left_of_todays_quota(client, office):
    post_ticket(client, {"service": "SANTUNAN", "name": "I Ketut Arsana", "nik": NIK_KETUT})
    services = {s["code"]: s for s in client.get("/api/v1/offices/tabanan/services").json()}
    assert services["SANTUNAN"]["quota_left_today"] == 19
    assert services["SANTUNAN"]["mode"] == "in_person"
    assert services["KK"]["mode"] == "online"
    assert services["KTP"]["prefix"] == "A"
    assert "Surat keterangan ahli waris" in services["SANTUNAN"]["requirements"]


def test_booking_returns_the_ticket_with_its_link(client, office):
    response = post_ticket(
        client, {"service": "capil", "name": "Ni Made Sari Dewi", "nik": NIK_MADE, "phone": "081234567890"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "D-001"
    assert body["service"] == "CAPIL"
    assert body["date"] == MONDAY.isoformat()
    assert body["status"] == "booked"
    assert body["position"] == 1
    assert body["estimated_call_at"].startswith(f"{MONDAY.isoformat()}T")
    assert body["url"] == f"http://testserver/tiket/{body['id']}/"
    assert len(body["id"]) >= 20  # unguessable

    fetched = client.get(f"/api/v1/tickets/{body['id']}").json()
    assert fetched["number"] == "D-001" and fetched["counter"] is None


def test_a_retry_with_the_same_idempotency_key_returns_the_same_ticket(client, office):
    body = {"service": "LEGAL", "name": "I Ketut Arsana", "nik": NIK_KETUT}
    first = post_ticket(client, body, **{"Idempotency-Key": "9f1c-retry"})
    again = post_ticket(client, body, **{"Idempotency-Key": "9f1c-retry"})
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Ticket.objects.count() == 1
    other = post_ticket(client, body | {"service": "CAPIL"}, **{"Idempotency-Key": "9f1c-retry"})
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"service": "CAPIL", "name": "Budi", "nik": "12345"}, 422, "invalid_fields", "nik"),
        ({"service": "CAPIL", "name": "", "nik": NIK_KETUT}, 422, "invalid_fields", "name"),
        (
            {"service": "CAPIL", "name": "Budi", "nik": NIK_KETUT, "date": MONDAY.strftime("%d-%m-%Y")},
            422,
            "invalid_fields",
            "date",
        ),
        ({"name": "Budi", "nik": NIK_KETUT}, 422, "invalid_fields", "service"),
        ({"service": "PASPOR", "name": "Budi", "nik": NIK_KETUT}, 422, "unknown_service", "service"),
        (
            {"service": "CAPIL", "name": "Budi", "nik": NIK_KETUT, "date": SATURDAY.isoformat()},
            409,
            "closed_day",
            "date",
        ),
        ({"service": "KK", "name": "Budi", "nik": NIK_KETUT}, 409, "online_only", None),
        (
            {"service": "CAPIL", "name": "Budi", "nik": NIK_KETUT, "channel": "walk_in"},
            403,
            "forbidden",
            None,
        ),
    ],
)
def test_refusals_have_the_documented_shape_in_indonesian(client, office, body, status, code, field):
    response = post_ticket(client, body)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"].split()[0] in INDONESIAN_OPENINGS
    if field:
        assert field in error["fields"]
    assert Ticket.objects.count() == 0


def test_a_malformed_body_is_a_400_not_a_crash(client, office):
    response = client.post("/api/v1/offices/tabanan/tickets", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_body"


def test_a_full_day_names_the_next_date_with_room(client, office):
    Service.objects.filter(code="SANTUNAN").update(daily_quota=1)
    post_ticket(client, {"service": "SANTUNAN", "name": "I Ketut Arsana", "nik": NIK_KETUT})
    response = post_ticket(client, {"service": "SANTUNAN", "name": "Ni Made Sari", "nik": NIK_MADE})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "quota_full"
    assert error["next_available_date"] == TUESDAY.isoformat()
    assert "penuh" in error["message"]


def test_the_same_nik_twice_is_a_duplicate(client, office):
    assert post_ticket(client, {"service": "CAPIL", "name": "Budi", "nik": NIK_KETUT}).status_code == 201
    response = post_ticket(client, {"service": "CAPIL", "name": "Budi", "nik": NIK_KETUT})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "duplicate_ticket"


def test_the_holder_cancels_a_ticket(client, office):
    ticket_id = post_ticket(client, {"service": "CAPIL", "name": "Budi", "nik": NIK_KETUT}).json()["id"]
    response = client.delete(f"/api/v1/tickets/{ticket_id}")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["position"] is None


def test_an_unknown_ticket_or_office_is_404(client, office):
    assert client.get("/api/v1/tickets/not-a-ticket").json()["error"]["code"] == "not_found"
    assert client.delete("/api/v1/tickets/not-a-ticket").status_code == 404
    assert post_ticket_to(client, "atlantis").status_code == 404


def post_ticket_to(client, slug):
    return client.post(
        f"/api/v1/offices/{slug}/tickets", {"service": "CAPIL"}, content_type="application/json"
    )


def test_staff_book_walk_in_tickets_with_a_token(client, office, staff):
    key = ApiToken.for_user(staff["satpam"]).key
    response = post_ticket(
        client,
        {"service": "CAPIL", "name": "Nenek Wayan", "channel": "walk_in"},
        Authorization=f"Token {key}",
    )
    assert response.status_code == 201
    assert Ticket.objects.get().channel == "walk_in"


def test_counters_are_for_staff_only(client, office, staff):
    assert client.get("/api/v1/offices/tabanan/counters").status_code == 401
    key = ApiToken.for_user(staff["petugas"]).key
    response = client.get("/api/v1/offices/tabanan/counters", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    assert response.json()[0] == {
        "id": response.json()[0]["id"],
        "number": 1,
        "name": "KTP-el dan pengambilan",
        "services": ["KTP", "AMBIL"],
        "state": "closed",  # nobody has opened it yet (antre.queueing.staffing)
        "since": None,
    }
    verifikator = ApiToken.for_user(staff["verifikator"]).key
    assert (
        client.get(
            "/api/v1/offices/tabanan/counters", headers={"Authorization": f"Token {verifikator}"}
        ).status_code
        == 403
    )
    assert (
        client.get("/api/v1/offices/tabanan/counters", headers={"Authorization": "Token wrong"}).status_code
        == 401
    )


def test_openapi_document_describes_the_contract(client, office):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    assert {
        "/api/v1/offices",
        "/api/v1/offices/{office}/services",
        "/api/v1/offices/{office}/tickets",
        "/api/v1/tickets/{ticket_id}",
        "/api/v1/offices/{office}/counters",
    } <= set(paths)
    responses = paths["/api/v1/offices/{office}/tickets"]["post"]["responses"]
    assert {"201", "409", "422"} <= set(responses)


def test_many_bookings_fill_numbers_without_gaps(client, office):
    for i in range(5):
        assert post_ticket(client, {"service": "KTP", "name": "Warga", "nik": nik_for(i)}).status_code == 201
    assert [t["number"] for t in map(lambda t: {"number": t.number}, Ticket.objects.order_by("seq"))] == [
        "A-001",
        "A-002",
        "A-003",
        "A-004",
        "A-005",
    ]
    assert Ticket.objects.first().day == MONDAY


def test_a_script_booking_fast_is_slowed_down_but_staff_are_not(client, office, staff, rate_limited):
    from antre import ratelimit

    with mock.patch.object(ratelimit, "BOOKINGS_PER_MINUTE", 3):
        codes = [
            post_ticket(client, {"service": "KTP", "name": "Warga", "nik": nik_for(i)}).status_code
            for i in range(5)
        ]
        assert codes == [201, 201, 201, 429, 429]
        refused = post_ticket(client, {"service": "KTP", "name": "Warga", "nik": nik_for(9)})
        assert refused.json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 0
        key = ApiToken.for_user(staff["satpam"]).key
        walk_in = post_ticket(
            client, {"service": "KTP", "name": "Nenek", "channel": "walk_in"}, Authorization=f"Token {key}"
        )
        assert walk_in.status_code == 201
    assert Ticket.objects.count() == 4


def test_rate_limits_can_be_switched_off_for_load_tests(client, office, settings):
    from antre import ratelimit

    settings.RATELIMIT_ENABLED = False
    with mock.patch.object(ratelimit, "BOOKINGS_PER_MINUTE", 1):
        codes = [
            post_ticket(client, {"service": "KTP", "name": "Warga", "nik": nik_for(i)}).status_code
            for i in range(3)
        ]
    assert codes == [201, 201, 201]


def test_ipv6_clients_are_counted_per_64_network():
    from django.test import RequestFactory, override_settings

    from antre.ratelimit import client_address

    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::9")
    assert client_address(one) == client_address(other) == "2001:db8:1:2::/64"
    local = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(local) == "127.0.0.1"  # not configured behind a proxy: the header is ignored
    with override_settings(TRUSTED_PROXIES={"127.0.0.1"}):
        assert client_address(local) == "203.0.113.7"
    spoofed = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_address(spoofed) == "198.51.100.4"
