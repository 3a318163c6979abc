"""What `antre serve` prints at start-up: where every person begins, each address a real page."""

from __future__ import annotations

import re

import pytest
from django.urls import Resolver404, resolve

from antre.commands import address_lines

BASE = "http://localhost:8000"


def addresses() -> list[str]:
    return [
        url.removeprefix(BASE)
        for url in re.findall(rf"{re.escape(BASE)}[^\s)]*", "\n".join(address_lines(BASE, "tabanan")))
    ]


def test_staff_are_told_where_to_sign_in_and_where_their_pages_are():
    printed = addresses()
    for path in ("/masuk/", "/staf/", "/kepala/", "/bantuan/", "/loket/", "/pintu/", "/admin/"):
        assert path in printed


def test_every_printed_address_is_a_page(db):
    for path in addresses():
        if path.startswith("/api/"):
            continue  # the API's router answers those (tested with the API)
        try:
            resolve(path)
        except Resolver404:
            pytest.fail(f"antre serve prints {path}, which is no page")


def test_the_lines_line_up():
    starts = {line.index("http") for line in address_lines(BASE, "tabanan")}
    assert len(starts) == 1
