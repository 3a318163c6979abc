"""No NUL characters in what people and programs send.

Nobody types one, PostgreSQL cannot store one in text (a 500), and SQLite would store it silently.
A request carrying one in its address, form fields or JSON is refused before any view sees it:
400, in the API's error shape under /api/v1/ (antre.api_errors), a plain page elsewhere. Uploaded
files are not looked at (a PDF has NUL bytes); the WhatsApp webhook cleans its own text.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

EXEMPT = ("/whatsapp/webhook",)
_JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


def contains_nul(body: bytes) -> bool:
    """A raw NUL or a JSON-escaped one in a request body."""
    return b"\x00" in body or bool(_JSON_NUL.search(body))


def _carries_nul(request: HttpRequest) -> bool:
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query or "\x00" in request.path:
        return True
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("multipart/") or content_type.startswith("application/x-www-form-urlencoded"):
        return any("\x00" in value for values in request.POST.lists() for value in values[1])
    return contains_nul(request.body)


class RefuseNul:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info not in EXEMPT and _carries_nul(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)
