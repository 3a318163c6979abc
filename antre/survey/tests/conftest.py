"""The survey's fixtures: a visit served at the demo office (gate off: called, served, finished),
a no-show, and the answers as a citizen's form sends them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from antre.conftest import KETUT, MADE, WAYAN
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.tests.factories import book
from antre.survey import services
from antre.survey.rules import ELEMENTS
from antre.whatsapp.models import BusinessNumber


@pytest.fixture(autouse=True)
def nothing_leaves(settings):
    # Messages stay in the outbox: the worker that would send them is not run, and the API base
    # points nowhere reachable.
    settings.WHATSAPP = {
        "api_base": "http://127.0.0.1:9/none",
        "token": "tok",
        "app_secret": "s",
        "verify_token": "v",
    }


@pytest.fixture
def desk(office):
    return BusinessNumber.objects.create(
        office=office, phone_number_id="1100", display_number="0811-3900-100"
    )


def serve(office, ticket, officer):
    counter = Counter.objects.get(office=office, number=1)
    assert calling.call_next(counter=counter, officer=officer) == ticket
    calling.start_service(token=ticket.token, officer=officer)
    return calling.finish_service(token=ticket.token, officer=officer)


@pytest.fixture
def served(office, gate_off, staff, monday):
    """Ketut's KTP visit, called, served and finished on Monday morning."""
    ticket = book(office, KETUT, service="KTP", phone="081234567890")
    return serve(office, ticket, staff["petugas"])


@pytest.fixture
def no_show(office, gate_off, staff, monday):
    """Made was called and did not come."""
    ticket = book(office, MADE, service="KTP", phone="081298765432")
    counter = Counter.objects.get(office=office, number=1)
    assert calling.call_next(counter=counter, officer=staff["petugas"]) == ticket
    return calling.mark_no_show(token=ticket.token, officer=staff["petugas"])


@pytest.fixture
def waiting(office, gate_off, monday):
    return book(office, WAYAN, service="KTP")


def form_url(ticket) -> str:
    return reverse(
        "survey:answer", args=[ticket.office.slug, services.token_for("visit", ticket.pk, ticket.office_id)]
    )


def answers(*scores: int, **profile: str) -> dict[str, str]:
    """A form's answers: the nine scores in order (all 3 when none given), and profile fields."""
    scores = scores or (3,) * len(ELEMENTS)
    return {element: str(score) for element, score in zip(ELEMENTS, scores, strict=True)} | profile
