"""What a server process does once before it takes requests (antre.asgi.create_app)."""

from __future__ import annotations

import gc
import sys

from django.conf import settings
from django.urls import get_resolver
from django.utils import translation


def warm_up() -> None:
    """Load now what the first requests would otherwise load while clients wait.

    The URL patterns import every view and the API behind them (about 400 ms of imports, fpdf
    among them), and each language's translations are read on first use. A server restarted in the
    middle of the opening rush takes dozens of connections at once: measured, their first answers
    waited up to 1.7 s behind that work (bench/rush.py); warmed, no longer than the others.
    """
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Antre")
            get_resolver().reverse_dict  # noqa: B018 (kept per language; the first imports every URL module)


def tune_runtime() -> None:
    """Set the garbage collector and the GIL's switch interval for serving."""
    # Thousands of open streams make the cyclic garbage collector's full passes long: measured, they
    # were the 150 ms pauses that doubled the p99 of delivering a call (bench/fanout.py). Everything
    # loaded so far lives as long as the process, so it is set aside, and collections run less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)

    # A booking holds the database's write slot while it runs Python between its statements; with the
    # default 5 ms GIL switch interval the holder waits behind request threads after each commit.
    # 0.5 ms measured +40 % bookings/s at the opening rush (bench/rush.py); 0.1 ms was worse again.
    sys.setswitchinterval(0.0005)
