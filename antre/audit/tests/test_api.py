"""`GET /api/v1/offices/{office}/audit`: the same log, the same filters, the same refusals."""

from __future__ import annotations

import pytest

from antre.conftest import MONDAY
from antre.offices.models import Office
from antre.people.models import ApiToken, Role
from antre.people.tests.factories import officer

URL = "/api/v1/offices/tabanan/audit"


def test_the_head_of_office_reads_the_filtered_log(client, tokens, a_logged_morning):
    answer = client.get(URL, {"from": MONDAY, "to": MONDAY}, headers=tokens["kepala"]).json()
    assert (answer["count"], answer["page"], answer["pages"], len(answer["entries"])) == (9, 1, 1, 9)
    newest = answer["entries"][0]
    assert newest["action"] == "transfer" and newest["actor"] == "petugas"
    assert newest["at"] == f"{MONDAY}T09:11:00+08:00"
    calls = client.get(
        URL, {"from": MONDAY, "to": MONDAY, "action": "call", "actor": "petugas"}, headers=tokens["admin"]
    ).json()
    assert [e["detail"]["counter"] for e in calls["entries"]] == [1, 1]
    by_satpam = client.get(URL, {"from": MONDAY, "actor": "satpam"}, headers=tokens["kepala"]).json()
    assert by_satpam["count"] == 3
    ketut = a_logged_morning["ketut"].number
    assert client.get(URL, {"from": MONDAY, "subject": ketut}, headers=tokens["kepala"]).json()["count"] == 5


def test_bad_filters_get_422(client, tokens, a_logged_morning):
    response = client.get(URL, {"action": "delete"}, headers=tokens["kepala"])
    assert response.status_code == 422 and response.json()["error"]["fields"]["action"]
    response = client.get(URL, {"actor": "nobody"}, headers=tokens["kepala"])
    assert response.status_code == 422


@pytest.mark.parametrize("role", ["petugas", "satpam", "verifikator"])
def test_other_staff_are_refused(client, tokens, a_logged_morning, role):
    response = client.get(URL, headers=tokens[role])
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_anonymous_and_the_head_of_another_office_are_refused(client, office, a_logged_morning):
    assert client.get(URL).status_code == 401
    other = Office.objects.create(
        slug="badung", name="Disdukcapil Badung", region_code="51.03", timezone="Asia/Makassar"
    )
    head = officer(Role.KEPALA, other, username="kepala-badung")
    token = {"Authorization": f"Token {ApiToken.for_user(head).key}"}
    assert client.get(URL, headers=token).status_code == 403
    assert client.get("/api/v1/offices/badung/audit", headers=token).json()["count"] == 0


def test_the_openapi_documents_it(client):
    assert "/api/v1/offices/{office}/audit" in client.get("/api/v1/openapi.json").json()["paths"]
