"""Addresses citizens open: in WhatsApp messages, in QR codes on paper, and on pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix

UNCONFIGURED = "http://localhost:8000"  # what `antre serve` listens on by default


def public_url(path: str, request: HttpRequest | None = None) -> str:
    """The absolute address of `path` (as reverse() gives it) for a citizen.

    ANTRE_PUBLIC_URL when set: a link sent by WhatsApp or printed at the gate must open on a
    citizen's phone, whatever address the request that made it came to (a tablet on the office
    network, the worker with no request at all). Without it, the request's own address, and for a
    message without a request the local one (`antre serve` warns about that at start-up).
    """
    base = settings.PUBLIC_URL
    if base:
        prefix = get_script_prefix()  # a deployment under a sub-path: already in ANTRE_PUBLIC_URL
        if prefix != "/" and path.startswith(prefix):
            path = path[len(prefix) - 1 :]
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return UNCONFIGURED + path
