"""One client cannot exhaust a service's places: daily budgets per NIK, phone and address, the
share of each day kept for the day itself, and a booking with someone else's NIK that does not lock
its owner out (docs/security.md, "Booking abuse")."""

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from antre.audit.models import Action, AuditEntry
from antre.conftest import KETUT, MONDAY, NIK_KETUT, TUESDAY, at
from antre.errors import Refusal
from antre.offices.models import Service
from antre.queueing import budgets, dbcode, rules
from antre.queueing.models import BookingBudget, Status, Ticket
from antre.queueing.tests.factories import book, booking

pytestmark = pytest.mark.usefixtures("monday")

HOME = "203.0.113.7"  # a citizen's home connection
WARNET = "198.51.100.20"


@pytest.fixture
def limits_on(settings):
    """The limits on citizens' own bookings, as in production (tests switch them off by default)."""
    settings.RATELIMIT_ENABLED = True


def refused(office, who, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        booking(office, who, **kwargs)
    return caught.value


def set_service(office, code="LEGAL", **fields) -> Service:
    Service.objects.filter(office=office, code=code).update(**fields)
    return Service.objects.get(office=office, code=code)


# ── Daily budgets ──────────────────────────────────────────────────────────────────────────────


def test_a_nik_books_three_services_a_day_and_is_told_when_it_can_book_again(office, limits_on):
    for service in ("LEGAL", "CAPIL", "SANTUNAN"):
        book(office, KETUT, service=service, client=HOME)
    fourth = refused(office, KETUT, service="AMBIL", client=HOME)
    assert (fourth.code, fourth.status, fourth.extra["budget"]) == ("budget_exhausted", 429, "nik")
    assert fourth.extra["retry_on"] == TUESDAY.isoformat()
    assert "NIK ini sudah dipakai untuk 3 pendaftaran hari ini" in fourth.message
    assert "datang langsung ke kantor" in fourth.message


def test_a_parent_books_for_the_family_from_one_phone_up_to_six(office, limits_on):
    phone = "0812 3456 7890"
    for i in range(6):
        book(office, i, service="LEGAL", phone=phone, client="", day=TUESDAY if i % 2 else MONDAY)
    seventh = refused(office, 6, service="LEGAL", phone=phone, client="")
    assert seventh.extra["budget"] == "phone"
    assert book(office, 7, service="LEGAL", phone="0813 1111 2222", client="").number


def test_one_address_holds_at_most_a_tenth_of_a_service_day(office, limits_on):
    # LEGAL: 40 places a day, so 4 from one address; other days and other services stay open to it.
    for i in range(4):
        book(office, i, service="LEGAL", day=TUESDAY, client=WARNET)
    fifth = refused(office, 4, service="LEGAL", day=TUESDAY, client=WARNET)
    assert (fifth.extra["budget"], fifth.fields) == ("share", {"date": fifth.fields["date"]})
    assert "Pilih tanggal lain" in fifth.message
    assert book(office, 4, service="LEGAL", day=MONDAY, client=WARNET).day == MONDAY
    assert book(office, 5, service="CAPIL", day=TUESDAY, client=WARNET).day == TUESDAY
    assert book(office, 6, service="LEGAL", day=TUESDAY, client=HOME).day == TUESDAY


def test_one_address_has_a_daily_budget_across_services_and_days(office, limits_on, monkeypatch):
    monkeypatch.setattr(budgets, "PER_ADDRESS", 5)
    days = [MONDAY, TUESDAY, MONDAY + dt.timedelta(days=2)]
    for i in range(5):
        book(office, i, service=("LEGAL", "CAPIL")[i % 2], day=days[i % 3], client=WARNET)
    assert refused(office, 5, service="SANTUNAN", client=WARNET).extra["budget"] == "address"
    assert book(office, 5, service="SANTUNAN", client=HOME)


def test_a_refused_booking_spends_no_budget(office, limits_on):
    set_service(office, daily_quota=1, held_back_percent=0)
    book(office, 1, service="LEGAL", client=HOME)
    for _ in range(5):  # the day is full: refused, and nothing counted for Ketut
        assert refused(office, KETUT, service="LEGAL", client=HOME).code == "quota_full"
    counted = BookingBudget.objects.filter(key=budgets._digest("nik", NIK_KETUT)).first()
    assert counted is None


def test_staff_and_the_system_are_not_counted(office, limits_on, staff):
    for i in range(8):
        book(
            office, i, service="LEGAL", phone="0812 3456 7890", channel="walk_in", issued_by=staff["petugas"]
        )
    assert BookingBudget.objects.count() == 0


def test_a_source_is_kept_only_as_a_keyed_hash(office, limits_on):
    book(office, KETUT, service="LEGAL", phone="0812 3456 7890", client=HOME)
    stored = " ".join(BookingBudget.objects.values_list("key", flat=True))
    assert stored and NIK_KETUT not in stored and "6281234567890" not in stored and HOME not in stored


# ── The share of a day kept for the day itself ─────────────────────────────────────────────────


def test_a_day_ahead_stops_short_of_the_share_kept_for_the_day(office):
    set_service(office, daily_quota=4, held_back_percent=50)
    book(office, 1, service="LEGAL", day=TUESDAY)
    book(office, 2, service="LEGAL", day=TUESDAY)
    assert refused(office, 3, service="LEGAL", day=TUESDAY).code == "quota_full"
    # On Tuesday itself the kept share opens to everyone.
    tuesday = at(30, day=TUESDAY)
    assert book(office, 3, service="LEGAL", day=TUESDAY, now=tuesday).number == "E-003"
    assert book(office, 4, service="LEGAL", day=TUESDAY, now=tuesday).number == "E-004"
    assert refused(office, 5, service="LEGAL", day=TUESDAY, now=tuesday).code == "quota_full"


def test_the_share_opens_at_its_hour_and_walk_ins_may_always_use_it(office, staff):
    set_service(office, daily_quota=4, held_back_percent=50, held_back_opens_at=dt.time(10))
    book(office, 1, service="LEGAL", now=at(0))
    book(office, 2, service="LEGAL", now=at(0))
    assert refused(office, 3, service="LEGAL", now=at(0)).code == "quota_full"  # 08.00: not yet
    desk = book(office, 3, service="LEGAL", now=at(1), channel="walk_in", issued_by=staff["petugas"])
    assert desk.number == "E-003"
    assert book(office, 4, service="LEGAL", now=at(120)).number == "E-004"  # 10.00: open to all


def test_a_share_kept_for_walk_ins_never_opens_online(office, staff):
    set_service(office, daily_quota=2, held_back_percent=50, held_back_walk_in_only=True)
    book(office, 1, service="LEGAL", now=at(0))
    assert refused(office, 2, service="LEGAL", now=at(300)).code == "quota_full"
    assert book(office, 2, service="LEGAL", now=at(300), channel="walk_in", issued_by=staff["petugas"])


def test_a_kiosk_booking_without_staff_does_not_open_the_kept_share(office):
    set_service(office, daily_quota=2, held_back_percent=50)
    book(office, 1, service="LEGAL", day=TUESDAY)
    assert refused(office, 2, service="LEGAL", day=TUESDAY, channel="kiosk").code == "quota_full"


def test_the_form_says_how_many_places_open_on_the_day(client, office):
    set_service(office, daily_quota=40, held_back_percent=25)
    page = client.get("/k/tabanan/layanan/LEGAL/").content.decode()
    assert "sisa 30 tempat" in page  # Tuesday and later: 40 less the 10 kept
    assert "10 tempat lagi dibuka pada hari H" in page
    assert "sisa 40 tempat" in page  # today: the share is open


@given(quota=st.integers(0, 10_000), percent=st.integers(-5, 120))
def test_the_kept_share_is_never_more_than_the_quota(quota, percent):
    kept = rules.held_back_places(quota=quota, percent=percent)
    assert 0 <= kept <= quota
    assert rules.bookable_quota(quota=quota, percent=percent, held_back=True) == quota - kept


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's booking function")
def test_the_sql_keeps_the_same_share_as_the_rules(db):
    cases = [
        (q, p) for q in (0, 1, 2, 3, 7, 40, 99, 101, 1000) for p in (-1, 0, 1, 10, 25, 33, 50, 99, 100, 150)
    ]
    with connection.cursor() as cursor:
        for quota, percent in cases:
            cursor.execute(
                "SELECT " + dbcode.HELD_BACK_SQL.format(quota="%s::int", percent="%s::int"), [quota, percent]
            )
            assert cursor.fetchone()[0] == rules.held_back_places(quota=quota, percent=percent), (
                quota,
                percent,
            )


# ── Someone else's NIK ─────────────────────────────────────────────────────────────────────────


def test_the_owner_asking_again_over_whatsapp_gets_the_same_ticket(office):
    first = book(office, KETUT, service="LEGAL", phone="0812 3456 7890", channel="whatsapp")
    again = booking(office, KETUT, service="LEGAL", phone="+62 812-3456-7890", channel="whatsapp")
    assert (again.created, again.ticket.pk) == (False, first.pk)


def test_the_same_nik_and_phone_on_a_page_get_the_link_sent_to_that_phone(office):
    from antre.queueing import signals

    sent = []

    def whatsapp(sender, *, ticket, url, key, **_kw):
        sent.append((ticket.phone, url))
        return True

    first = book(office, KETUT, service="LEGAL", phone="0812 3456 7890")
    signals.link_requested.connect(whatsapp, dispatch_uid="test.link")
    try:
        again = refused(office, KETUT, service="LEGAL", phone="0812-3456-7890", client=HOME)
    finally:
        signals.link_requested.disconnect(dispatch_uid="test.link")
    assert again.code == "duplicate_ticket" and again.extra == {"link_sent": True}
    assert first.token not in again.message and first.number in again.message
    assert sent == [("+6281234567890", sent[0][1])] and first.token in sent[0][1]


def test_a_squatted_nik_is_refused_online_with_the_way_back(office):
    book(office, KETUT, service="LEGAL", phone="0899 0000 1111", client=WARNET)  # not Ketut's phone
    owner = refused(office, KETUT, service="LEGAL", phone="0812 3456 7890")
    assert owner.code == "duplicate_ticket"
    assert "datanglah ke kantor membawa KTP" in owner.message


def test_the_officer_who_sees_the_ktp_releases_the_squatting_booking(office, staff):
    squatter = book(office, KETUT, service="LEGAL", phone="0899 0000 1111")
    owner = book(office, KETUT, service="LEGAL", channel="walk_in", issued_by=staff["petugas"])
    assert owner.nik == NIK_KETUT and owner.pk != squatter.pk
    assert Ticket.objects.get(pk=squatter.pk).status == Status.CANCELLED
    entry = AuditEntry.objects.get(action=Action.RELEASE_BOOKING)
    assert (entry.subject, entry.actor) == (squatter.number, staff["petugas"])


def test_a_booking_already_at_the_office_is_not_released(office, staff):
    first = book(office, KETUT, service="LEGAL")
    Ticket.objects.filter(pk=first.pk).update(arrived_at=at(5))
    with pytest.raises(Refusal) as caught:
        booking(office, KETUT, service="LEGAL", channel="walk_in", issued_by=staff["petugas"])
    assert caught.value.code == "duplicate_ticket"
    assert Ticket.objects.get(pk=first.pk).status == Status.BOOKED


def test_made_up_niks_from_one_address_take_a_tenth_of_a_day(office, limits_on):
    taken = 0
    for i in range(40):
        try:
            book(office, 1000 + i, service="CAPIL", day=TUESDAY, client=WARNET)
            taken += 1
        except Refusal as refusal:
            assert refusal.code == "budget_exhausted"
    assert taken == budgets.address_share(40) == 4


def test_the_worker_forgets_the_counts_of_days_gone(office, limits_on):
    from antre import worker

    book(office, KETUT, service="LEGAL", client=HOME)
    BookingBudget.objects.create(key="0" * 64, day=MONDAY - dt.timedelta(days=3), used=9)
    assert worker.forget_old_budgets() == 1
    assert BookingBudget.objects.filter(day__gte=MONDAY).count() == 3  # Ketut's NIK, address, share
