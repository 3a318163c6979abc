"""Short links: made by the office's administrator, each with its own source tag."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from antre import clock
from antre.errors import Refusal
from antre.offices import sources
from antre.offices.models import Office
from antre.outreach.models import ShortLink
from antre.people import authorizers
from antre.people.models import User

NOTE_MAX = 200


def _invalid(field: str, message: str) -> Refusal:
    return Refusal(
        "invalid_fields", _("Periksa kembali isian yang ditandai."), status=422, fields={field: message}
    )


def create_short_link(
    *, office: Office, slug: str, note: str = "", by: User, now: dt.datetime | None = None
) -> ShortLink:
    """A new short link `/s/<slug>` for `office`; the slug is checked here and kept unique by the
    database (two administrators saving the same slug at once: one gets the refusal)."""
    authorizers.require(authorizers.may_manage_outreach, by, office)
    slug = (slug or "").strip().lower()
    if len(slug) > sources.SLUG_MAX or not sources.SLUG.match(slug):
        raise _invalid(
            "slug",
            _(
                "Kode tautan: 1–%(n)s huruf kecil, angka atau tanda hubung, tanpa tanda hubung di awal atau akhir."
            )
            % {"n": sources.SLUG_MAX},
        )
    if len(note or "") > NOTE_MAX:
        raise _invalid("note", _("Keterangan paling banyak %(n)s karakter.") % {"n": NOTE_MAX})
    try:
        with transaction.atomic():
            return ShortLink.objects.create(
                office=office,
                slug=slug,
                note=(note or "").strip(),
                created_by=by,
                created_at=now or clock.now(),
            )
    except IntegrityError:
        raise _invalid(
            "slug", _("Kode tautan “%(slug)s” sudah dipakai. Pilih kode lain.") % {"slug": slug}
        ) from None
