"""A NUL character anywhere a person or program types is refused with a 400, never a 500."""

import pytest

from antre.conftest import NIK_MADE
from antre.queueing.models import Ticket
from antre.queueing.tests.factories import book

pytestmark = pytest.mark.usefixtures("monday")


@pytest.mark.parametrize(
    "path",
    ["/pintu/tabanan/?q=%00", "/api/v1/tickets/%00", "/k/tabanan/?x=a%00b"],
)
def test_a_nul_in_an_address_is_refused(client, office, staff, path):
    client.force_login(staff["satpam"])
    response = client.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "invalid_body"


def test_a_nul_in_json_is_refused_in_the_api_shape(client, office, staff):
    body = '{"service": "KTP\\u0000", "name": "Made", "nik": "' + NIK_MADE + '"}'
    response = client.post("/api/v1/offices/tabanan/tickets", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_body"
    assert Ticket.objects.count() == 0


def test_a_nul_in_a_form_is_refused_and_nothing_written(client, office, staff):
    client.force_login(staff["satpam"])
    ticket = book(office)
    response = client.post("/pintu/tabanan/", {"action": "home", "ticket": "\x00"})
    assert response.status_code == 400 and "karakter yang tidak sah" in response.content.decode()
    response = client.post(
        "/k/tabanan/layanan/CAPIL/", {"name": "Made\x00", "nik": NIK_MADE, "form_id": "f-1"}
    )
    assert response.status_code == 400
    assert Ticket.objects.count() == 1 and Ticket.objects.get().pk == ticket.pk
