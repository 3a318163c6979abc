"""A citizen the counter had called steps out at the gate: the console says so, and lists who is out."""

import pytest

from antre.gate import services as gate
from antre.gate.tests.factories import enter
from antre.offices.models import Counter
from antre.queueing.tests.factories import book


@pytest.fixture
def loket1(open_all_day):
    return Counter.objects.get(office=open_all_day, number=1)


def test_the_counter_is_told_that_the_citizen_it_called_stepped_out(client, loket1, staff):
    office = loket1.office
    made = book(office, 1, name="Ni Made Sari Dewi")
    ketut = book(office, 2, name="I Ketut Arsana")
    enter(office, made, staff["satpam"], temperature="36,5")
    enter(office, ketut, staff["satpam"], temperature="36,5")
    client.force_login(staff["petugas"])
    client.post(f"/loket/{loket1.pk}/", {"action": "call_next"})
    assert made.number in client.get(f"/loket/{loket1.pk}/").content.decode()

    gate.record_exit(office=office, ticket_ref=made.token, officer=staff["satpam"])

    page = client.get(f"/loket/{loket1.pk}/?partial=1").content.decode()  # what the live refresh fetches
    assert f"{made.number} (Ni Made S.) keluar sebentar lewat pintu masuk" in page
    assert 'id="stepped-out-list"' in page and "Sari Dewi" not in page
    page = client.post(f"/loket/{loket1.pk}/", {"action": "call_next"}, follow=True).content.decode()
    assert f"{ketut.number} dipanggil." in page
    assert "keluar sebentar lewat pintu masuk" not in page  # said once; the counter has moved on


def test_another_counter_only_lists_who_is_out(client, loket1, staff):
    office = loket1.office
    made = book(office, 1, name="Ni Made Sari Dewi")
    enter(office, made, staff["satpam"], temperature="36,5")
    client.force_login(staff["petugas"])
    client.post(f"/loket/{loket1.pk}/", {"action": "call_next"})
    gate.record_exit(office=office, ticket_ref=made.token, officer=staff["satpam"])

    loket3 = Counter.objects.get(office=office, number=3)  # serves KTP too
    page = client.get(f"/loket/{loket3.pk}/").content.decode()
    assert "keluar sebentar lewat pintu masuk" not in page
    assert made.number in page.split('id="stepped-out-list"')[1]

    loket2 = Counter.objects.get(office=office, number=2)  # CAPIL and LEGAL: not theirs
    assert 'id="stepped-out-list"' not in client.get(f"/loket/{loket2.pk}/").content.decode()


def test_a_citizen_back_inside_is_no_longer_out(client, loket1, staff):
    office = loket1.office
    made = book(office, 1)
    enter(office, made, staff["satpam"], temperature="36,5")
    client.force_login(staff["petugas"])
    client.post(f"/loket/{loket1.pk}/", {"action": "call_next"})
    gate.record_exit(office=office, ticket_ref=made.token, officer=staff["satpam"])
    gate.readmit(office=office, ticket_ref=made.token, officer=staff["satpam"])

    page = client.get(f"/loket/{loket1.pk}/").content.decode()
    assert 'id="stepped-out-notice"' not in page and 'id="stepped-out-list"' not in page
    assert made.number in page.split('id="waiting-list"')[1]
