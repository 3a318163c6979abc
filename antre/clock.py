"""The domain's one clock.

Every service that needs "now" takes it as an argument; when a caller gives none, it asks here.
Tests move this clock with time-machine, and a replay hands its own instants down, so every rule
sees one consistent world.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current instant, timezone-aware (UTC)."""
    return timezone.now()
