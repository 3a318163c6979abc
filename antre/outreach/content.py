"""What a poster or a circular letter for one kecamatan or desa says: the link with the region's tag,
the services done fully online, the opening hours, the WhatsApp numbers, the office's address."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from antre.applications.models import ApplicationKind, KindPurpose
from antre.links import public_url
from antre.offices import sources
from antre.offices.models import Letterhead, Office, Region, RegionLevel, ServiceMode, Weekday
from antre.people.rules import normalize_phone
from antre.whatsapp.models import BusinessNumber


@dataclass(frozen=True)
class WhatsApp:
    number: str  # as the office writes it
    desk: str
    link: str  # wa.me, with the text that carries the tag


@dataclass(frozen=True)
class Printable:
    office: Office
    region: Region
    district: Region | None  # the desa's kecamatan; None for a kecamatan
    tag: str
    url: str
    online: list[str]  # names of what is done fully online
    hours: list[tuple[str, str]]  # (weekday, "08.00–15.00")
    numbers: list[WhatsApp]
    letterhead: Letterhead

    @property
    def is_village(self) -> bool:
        return self.region.level == RegionLevel.VILLAGE


def booking_url(office: Office, tag: str, request: HttpRequest | None = None) -> str:
    """The office's booking page, with the tag that says where the citizen found it."""
    query = urllib.parse.urlencode({sources.QUERY: tag})
    return public_url(reverse("queueing:services", args=[office.slug]) + "?" + query, request)


def whatsapp_numbers(office: Office, tag: str) -> list[WhatsApp]:
    found = []
    for number in BusinessNumber.objects.filter(office=office).order_by("desk", "display_number"):
        digits = (normalize_phone(number.display_number) or "").lstrip("+")
        text = urllib.parse.quote(f"{sources.WHATSAPP_WORD} {tag}")
        link = f"https://wa.me/{digits}?text={text}" if digits else ""
        found.append(WhatsApp(number.display_number, str(number.get_desk_display()), link))
    return found


def online_services(office: Office) -> list[str]:
    """What a citizen can do without coming: the online-only services, then the online kinds of
    application that are not part of one of them (a KTP-el kind of a service also served in person)."""
    services = office.services.filter(active=True, mode=ServiceMode.ONLINE).order_by("order")
    names = list(services.values_list("name", flat=True))
    kinds = (
        ApplicationKind.objects.filter(office=office, active=True, purpose=KindPurpose.ONLINE)
        .exclude(service__in=services)
        .order_by("order", "code")
    )
    return [*names, *(name for name in kinds.values_list("name", flat=True) if name not in names)]


def _clock(time: dt.time) -> str:
    return f"{time:%H.%M}"


def opening_hours(office: Office) -> list[tuple[str, str]]:
    names = dict(Weekday.choices)
    lines = []
    for hours in office.hours.order_by("weekday"):
        text = f"{_clock(hours.opens)}–{_clock(hours.closes)}"
        if hours.break_starts and hours.break_ends:
            text += f" ({_clock(hours.break_starts)}–{_clock(hours.break_ends)} istirahat)"
        lines.append((str(names[hours.weekday]), text))
    return lines


def printable(office: Office, region: Region, request: HttpRequest | None = None) -> Printable:
    village = region.level == RegionLevel.VILLAGE
    tag = sources.village_tag(region.code) if village else sources.district_tag(region.code)
    return Printable(
        office=office,
        region=region,
        district=region.parent if village else None,
        tag=tag,
        url=booking_url(office, tag, request),
        online=online_services(office),
        hours=opening_hours(office),
        numbers=whatsapp_numbers(office, tag),
        letterhead=office.letterhead(),
    )
