"""Where a citizen came from: a source tag carried from a printed or shared link to the booking.

A tag is `desa-<10 digits>` (a village's Kemendagri code without dots), `kec-<6 digits>` (a
kecamatan) or `s-<slug>` (a short link for social media, antre.outreach). It travels in a small
signed cookie (the tag only, nothing personal) from the link's page to the form that books, which
writes it onto the ticket or the application in the same insert. Anything else is ignored: a
citizen is never refused for a tag.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

TAG_MAX = 40
SLUG_MAX = TAG_MAX - 2  # after "s-"
_TAG = re.compile(r"^(?:desa-\d{10}|kec-\d{6}|s-[a-z0-9](?:[a-z0-9-]{0,36}[a-z0-9])?)$")
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,36}[a-z0-9])?$")

COOKIE = "antre_src"
_SALT = "antre.offices.sources"
COOKIE_DAYS = 30
QUERY = "src"
# The first word of the message a poster's WhatsApp link prefills, before the tag ("ANTRE desa-…"):
# the bot reads the tag back from it.
WHATSAPP_WORD = "ANTRE"


def clean_tag(text: object) -> str:
    """The tag if it has a known shape, else "" (ignored, never an error)."""
    if not isinstance(text, str) or len(text) > TAG_MAX:
        return ""
    tag = text.strip().lower()
    return tag if _TAG.match(tag) else ""


def _digits(code: str) -> str:
    return code.replace(".", "")


def village_tag(code: str) -> str:
    """The tag of a desa, from its region code ("51.02.01.2001" → "desa-5102012001")."""
    return f"desa-{_digits(code)}"


def district_tag(code: str) -> str:
    """The tag of a kecamatan ("51.02.01" → "kec-510201")."""
    return f"kec-{_digits(code)}"


def link_tag(slug: str) -> str:
    """The tag of a short link ("ig-des26" → "s-ig-des26")."""
    return f"s-{slug}"


def region_code(tag: str) -> str:
    """The dotted region code a desa or kecamatan tag names; "" for any other tag."""
    kind, _sep, digits = tag.partition("-")
    if kind == "desa" and len(digits) == 10:
        return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"
    if kind == "kec" and len(digits) == 6:
        return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"
    return ""


def remember(response: HttpResponse, tag: str) -> HttpResponse:
    """Keep `tag` in the visitor's signed cookie (a clean tag only; otherwise nothing changes)."""
    tag = clean_tag(tag)
    if tag:
        response.set_signed_cookie(
            COOKIE, tag, salt=_SALT, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="Lax"
        )
    return response


def remember_from_query(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A page opened from a printed link (`?src=desa-…`): keep its tag for the booking that follows."""
    return remember(response, request.GET.get(QUERY, ""))


def remembers_query(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that may be opened from a printed or shared link: its `?src=` tag is kept."""

    @functools.wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return remember_from_query(request, view(request, *args, **kwargs))

    return page


def from_request(request: HttpRequest) -> str:
    """The tag this visitor brought: the signed cookie's, else the page's own `?src=`; "" if none or
    not one of ours (a cookie edited by hand fails its signature and is ignored)."""
    try:
        kept = request.get_signed_cookie(COOKIE, default="", salt=_SALT, max_age=COOKIE_DAYS * 86400)
    except signing.BadSignature:
        kept = ""
    return clean_tag(kept) or clean_tag(request.GET.get(QUERY, ""))


def validate_tag(value: str) -> None:
    """The model fields' check (the admin): empty, or a tag of a known shape."""
    if value and clean_tag(value) != value:
        raise ValidationError(
            _("Sumber tidak dikenal: desa-<kode desa>, kec-<kode kecamatan> atau s-<tautan>.")
        )


def source_field() -> models.CharField:
    """The `source` column of tickets and applications: blank without a tag."""
    return models.CharField(
        _("sumber"), max_length=TAG_MAX, blank=True, default="", db_default="", validators=[validate_tag]
    )
