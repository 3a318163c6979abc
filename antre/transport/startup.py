"""What a server process does once before it takes requests (antre.asgi.create_app)."""

from __future__ import annotations

import gc
import sys

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    """Load now what the first requests would otherwise load while clients wait.

    The URL patterns import every view and the API behind them, and each language's translations
    are read on first use: a process restarted in the middle of the opening rush takes dozens of
    connections at once, whose first answers would wait behind that work.
    """
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Antre")
            get_resolver().reverse_dict  # noqa: B018 (kept per language; the first imports every URL module)


def tune_runtime() -> None:
    """Set the garbage collector and the GIL's switch interval for serving."""
    # With thousands of open streams the collector's full passes pause the delivery of calls. What is
    # loaded by now lives as long as the process: set it aside, and collect less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)

    # A booking holds the database's write slot while it runs Python between its statements; with the
    # default 5 ms switch interval the holder waits behind request threads after each commit.
    sys.setswitchinterval(0.0005)
