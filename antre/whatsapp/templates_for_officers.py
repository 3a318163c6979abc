"""The approved templates an officer may send from the inbox, outside the 24-hour window too.

They are templates Antre's notifications already use (antre.whatsapp.notify), so the office has them
approved in WhatsApp Manager with these names and parameters (docs/whatsapp.md). Each parameter is
filled in from the conversation's linked application or ticket where it can be, and the officer may
change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from antre.links import public_url
from antre.whatsapp import notify
from antre.whatsapp.models import Conversation

PARAM_MAX = 200  # a parameter is one line of the template's text


@dataclass(frozen=True)
class OfficerTemplate:
    name: str
    label: Promise
    params: tuple[tuple[str, Promise], ...]  # (key, label), in the template's order

    def prefilled(self, chat: Conversation) -> dict[str, str]:
        """The parameters as the linked application or ticket gives them ("" where it cannot)."""
        known: dict[str, str] = {}
        if (application := chat.application) is not None:
            known |= {"code": application.code, "status": str(application.get_status_display())}
        if (ticket := chat.ticket) is not None:
            known |= {
                "number": ticket.number,
                "service": ticket.service.name,
                "when": notify.visit_when(ticket),
                "day": formats.date_format(ticket.day, "l, j F Y"),
                "link": public_url(reverse("queueing:ticket", args=[ticket.token])),
            }
        return {key: known.get(key, "") for key, _label in self.params}


TEMPLATES = [
    OfficerTemplate(
        "antre_permohonan",
        _("Kabar permohonan"),
        (("code", _("Kode permohonan")), ("status", _("Status permohonan"))),
    ),
    OfficerTemplate(
        "antre_tautan_tiket",
        _("Tautan nomor antrean"),
        (("number", _("Nomor antrean")), ("day", _("Hari kunjungan")), ("link", _("Tautan"))),
    ),
    OfficerTemplate(
        "antre_tiket",
        _("Nomor antrean yang diambil"),
        (("number", _("Nomor antrean")), ("service", _("Layanan")), ("when", _("Hari kunjungan"))),
    ),
]
BY_NAME = {t.name: t for t in TEMPLATES}


def param_problem(value: str) -> str | None:
    """Why WhatsApp would refuse a template parameter (empty, too long, a new line or tab, more than
    four spaces in a row), or None."""
    if not value.strip():
        return gettext("Wajib diisi.")
    if len(value) > PARAM_MAX:
        return gettext("Paling banyak %(max)s karakter.") % {"max": PARAM_MAX}
    if "\n" in value or "\r" in value or "\t" in value or "     " in value:
        return gettext("Satu baris saja, tanpa tab atau lebih dari empat spasi berurutan.")
    return None
