"""Fixtures of the WhatsApp tests: the fake Graph API server and a business number."""

from __future__ import annotations

import pytest

from antre.whatsapp.models import BusinessNumber
from antre.whatsapp.tests.fake_graph import FakeGraph
from antre.whatsapp.tests.test_whatsapp import SECRET


@pytest.fixture
def graph(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with FakeGraph() as fake:
        settings.WHATSAPP = {"api_base": fake.url, "token": "tok", "app_secret": SECRET, "verify_token": "v"}
        yield fake


@pytest.fixture
def desk(open_all_day):
    return BusinessNumber.objects.create(
        office=open_all_day, phone_number_id="1100", display_number="0811-3900-100"
    )
