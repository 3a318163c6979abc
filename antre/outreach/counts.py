"""Which villages the office's links reach: bookings and applications per source tag, per channel,
for a span of days, counted by the database (GROUP BY), never ticket by ticket.

- A ticket counts on its visit day (`day`), an application on the office-local day it was submitted.
- A desa's figures are those of its own tag (`desa-…`); a kecamatan's are its own tag's (a letter
  to the camat) plus its villages'. A short link's are those of its tag (`s-…`).
- The NIK names only the kecamatan where the citizen was first registered (its first six digits),
  never the desa: "from the NIK" is therefore a kecamatan column, of every ticket with a NIK,
  tagged or not. An application names its desa on the form (`village`): counted apart.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from antre.applications.models import Application
from antre.offices import sources
from antre.offices.models import Office, Region, RegionLevel
from antre.outreach.models import ShortLink
from antre.queueing.models import Channel, Ticket

CHANNELS = tuple(Channel.values)


@dataclass
class Tally:
    """Tickets per channel and applications of one tag (or of several, added up)."""

    tickets: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    applications: int = 0

    @property
    def booked(self) -> int:
        return sum(self.tickets.values())

    @property
    def none(self) -> bool:
        """Nothing came through this tag yet: where the next circular should go."""
        return self.booked == 0 and self.applications == 0

    def add(self, other: Tally) -> None:
        for channel, n in other.tickets.items():
            self.tickets[channel] = self.tickets.get(channel, 0) + n
        self.applications += other.applications


@dataclass
class Place:
    code: str
    name: str
    tag: str
    tally: Tally
    applications_from_form: int = 0  # applications whose form names this desa (or one of its desa)


@dataclass
class District(Place):
    from_nik: int = 0  # tickets whose NIK was first registered in this kecamatan
    own: Tally = field(default_factory=Tally)  # through the kecamatan's own tag
    villages: list[Place] = field(default_factory=list)

    @property
    def villages_without(self) -> int:
        return sum(1 for village in self.villages if village.tally.none)


@dataclass
class Reach:
    first: dt.date
    last: dt.date
    districts: list[District]
    links: list[tuple[ShortLink, Tally]]


def _by_tag(office: Office, first: dt.date, last: dt.date) -> dict[str, Tally]:
    tallies: dict[str, Tally] = defaultdict(Tally)
    tickets = (
        Ticket.objects.filter(office=office, day__gte=first, day__lte=last)
        .exclude(source="")
        .values_list("source", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for tag, channel, n in tickets:
        tallies[tag].tickets[channel] = tallies[tag].tickets.get(channel, 0) + n
    for tag, n in (
        _applications(office, first, last)
        .exclude(source="")
        .values_list("source")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tallies[tag].applications += n
    return tallies


def _applications(office: Office, first: dt.date, last: dt.date):
    start = dt.datetime.combine(first, dt.time(0), tzinfo=office.tzinfo)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=office.tzinfo)
    return Application.objects.filter(office=office, submitted_at__gte=start, submitted_at__lt=end)


def _from_nik(office: Office, first: dt.date, last: dt.date) -> dict[str, int]:
    """Tickets per kecamatan of the NIK (its first six digits, dotted as region codes are)."""
    rows = (
        Ticket.objects.filter(office=office, day__gte=first, day__lte=last)
        .exclude(kecamatan="")
        .values_list("kecamatan")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def reach(office: Office, first: dt.date, last: dt.date) -> Reach:
    """Every kecamatan and desa of the office's regency with what its tags brought from first..last."""
    tallies = _by_tag(office, first, last)
    on_form = dict(
        _applications(office, first, last).values_list("village_id").annotate(n=Count("pk")).order_by()
    )
    nik = _from_nik(office, first, last)
    districts: dict[str, District] = {}
    regions = Region.objects.filter(
        code__startswith=office.region_code + ".", level__in=(RegionLevel.DISTRICT, RegionLevel.VILLAGE)
    ).order_by("code")
    for region in regions:
        if region.level == RegionLevel.DISTRICT:
            tag = sources.district_tag(region.code)
            own = tallies.get(tag, Tally())
            districts[region.code] = District(
                region.code, region.name, tag, Tally(), from_nik=nik.get(region.code, 0), own=own
            )
            districts[region.code].tally.add(own)
        elif (district := districts.get(region.parent_id or "")) is not None:
            tag = sources.village_tag(region.code)
            village = Place(
                region.code, region.name, tag, tallies.get(tag, Tally()), on_form.get(region.code, 0)
            )
            district.villages.append(village)
            district.tally.add(village.tally)
            district.applications_from_form += village.applications_from_form
    return Reach(first=first, last=last, districts=list(districts.values()), links=_links(office, tallies))


def _links(office: Office, tallies: dict[str, Tally]) -> list[tuple[ShortLink, Tally]]:
    return [(link, tallies.get(link.tag, Tally())) for link in ShortLink.objects.filter(office=office)]


def link_tallies(office: Office, first: dt.date, last: dt.date) -> list[tuple[ShortLink, Tally]]:
    """The office's short links, each with what its tag brought from first..last."""
    return _links(office, _by_tag(office, first, last))
