"""A morning at the demo office in the audit log: the door, two counters and their officers."""

from __future__ import annotations

import pytest

from antre.conftest import KETUT, MADE, MONDAY, wita
from antre.gate.tests.factories import enter
from antre.offices.models import Counter
from antre.people.models import ApiToken
from antre.queueing import calling
from antre.queueing.tests.factories import book

KETUT_PHONE = "081234567890"


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    # Documents and held uploads are files: each test gets its own folder.
    settings.DATA_DIR = tmp_path


@pytest.fixture
def tokens(staff):
    return {name: {"Authorization": f"Token {ApiToken.for_user(user).key}"} for name, user in staff.items()}


@pytest.fixture
def a_logged_morning(office, staff, clock):
    """Monday from 09.00 WITA, a minute a step: Ketut and Made come in, a third citizen has a
    fever; Ketut is called, recalled, served and finished at counter 1; Made is called at counter 1
    and sent on to CAPIL: nine entries."""
    at = iter(wita(MONDAY, 9, minute) for minute in range(60))
    satpam, petugas = staff["satpam"], staff["petugas"]
    ketut = book(office, KETUT, service="KTP", phone=KETUT_PHONE, now=next(at))
    made = book(office, MADE, service="KTP", now=next(at))
    feverish = book(office, 3, service="LEGAL", now=next(at))
    enter(office, ketut, satpam, now=next(at))
    enter(office, made, satpam, now=next(at))
    enter(office, feverish, satpam, temperature="38,4", now=next(at))
    loket1 = Counter.objects.get(office=office, number=1)
    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == ketut
    calling.recall_ticket(token=ketut.token, officer=petugas, now=next(at))
    calling.start_service(token=ketut.token, officer=petugas, now=next(at))
    calling.finish_service(token=ketut.token, officer=petugas, now=next(at))
    assert calling.call_next(counter=loket1, officer=petugas, now=next(at)) == made
    moved = calling.transfer_ticket(token=made.token, officer=petugas, service_code="CAPIL", now=next(at))
    clock.move_to(wita(MONDAY, 10))
    return {"ketut": ketut, "made": made, "feverish": feverish, "moved": moved}
