"""Offices for tests beyond the demo one that `antre.seed` builds."""

from __future__ import annotations

from antre.offices.models import Office


def another_office() -> Office:
    """Disdukcapil Badung, next to the demo office: no hours, services or staff of its own, for
    tests that check that one office's staff cannot act at another."""
    return Office.objects.create(
        slug="badung", name="Disdukcapil Badung", region_code="51.03", timezone="Asia/Makassar"
    )
