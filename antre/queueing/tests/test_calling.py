"""Calling at the counter: order, the ticket life of SPEC §5, rejoining, transfer, and the live events."""

import pytest

from antre.conftest import at, nik_for
from antre.errors import Refusal
from antre.live.models import LiveEvent
from antre.offices.models import Counter
from antre.queueing import calling
from antre.queueing.models import Status, Ticket
from antre.queueing.tests.factories import book, booking

# Calling without a door check; the gate has its own tests.
pytestmark = pytest.mark.usefixtures("gate_off")


@pytest.fixture
def loket1(office):
    return Counter.objects.get(office=office, number=1)  # serves KTP and AMBIL


def call(counter, staff, minutes=30):
    return calling.call_next(counter=counter, officer=staff["petugas"], now=at(minutes))


def test_priority_first_then_the_longest_waiting_across_the_counters_services(office, loket1, staff):
    first = book(office, 1, service="KTP", now=at(1))
    second = book(office, 2, service="AMBIL", now=at(2))
    elderly = book(office, 3, service="KTP", now=at(3), priority="elderly")
    book(office, 4, service="CAPIL", now=at(0))  # not served at loket 1
    order = []
    for minute in (30, 40, 50):
        ticket = call(loket1, staff, minute)
        order.append(ticket.number)
        calling.start_service(token=ticket.token, officer=staff["petugas"], now=at(minute + 1))
        calling.finish_service(token=ticket.token, officer=staff["petugas"], now=at(minute + 5))
    assert order == [elderly.number, first.number, second.number]
    assert call(loket1, staff, 60) is None


def test_a_counter_with_someone_still_called_is_busy(office, loket1, staff):
    book(office, 1, now=at(0))
    book(office, 2, now=at(0))
    ticket = call(loket1, staff)
    with pytest.raises(Refusal) as refused:
        call(loket1, staff)
    assert refused.value.code == "counter_busy"
    assert ticket.number in refused.value.message
    calling.mark_no_show(token=ticket.token, officer=staff["petugas"], now=at(35))
    assert call(loket1, staff, 36) is not None


def test_a_called_ticket_knows_its_counter_and_time(office, loket1, staff):
    book(office, 1, now=at(0))
    ticket = Ticket.objects.get(pk=call(loket1, staff, 31).pk)
    assert ticket.status == Status.CALLED
    assert ticket.counter == loket1
    assert ticket.called_at == at(31)


STATUSES = [s.value for s in Status]


@pytest.mark.parametrize("action", ["recall", "start", "finish", "no_show", "transfer"])
@pytest.mark.parametrize("status", STATUSES)
def test_every_action_from_every_status_follows_the_ticket_life(office, loket1, staff, status, action):
    ticket = book(office, 1, now=at(0))
    Ticket.objects.filter(pk=ticket.pk).update(status=status, counter=loket1)
    allowed = {
        ("called", "recall"),
        ("no_show", "recall"),
        ("called", "start"),
        ("serving", "finish"),
        ("called", "no_show"),
        ("called", "transfer"),
        ("serving", "transfer"),
    }
    kwargs = {"service_code": "LEGAL"} if action == "transfer" else {}
    if (status, action) in allowed:
        calling.counter_verb(action, **kwargs)(token=ticket.token, officer=staff["petugas"], now=at(40))
    else:
        with pytest.raises(Refusal) as refused:
            calling.counter_verb(action, **kwargs)(token=ticket.token, officer=staff["petugas"], now=at(40))
        assert refused.value.code == "invalid_transition"
        assert Ticket.objects.get(pk=ticket.pk).status == status


def test_a_finished_ticket_cannot_be_called_again(office, loket1, staff):
    ticket = book(office, 1, now=at(0))
    call(loket1, staff)
    calling.start_service(token=ticket.token, officer=staff["petugas"], now=at(31))
    calling.finish_service(token=ticket.token, officer=staff["petugas"], now=at(32))
    assert call(loket1, staff, 33) is None
    with pytest.raises(Refusal):
        calling.recall_ticket(token=ticket.token, officer=staff["petugas"], now=at(34))


def test_a_no_show_rejoins_once_at_the_back(office, loket1, staff):
    late = book(office, 1, now=at(1))
    punctual = book(office, 2, now=at(2))
    assert call(loket1, staff, 30).pk == late.pk
    calling.mark_no_show(token=late.token, officer=staff["petugas"], now=at(33))
    rejoined = calling.recall_ticket(token=late.token, officer=staff["petugas"], now=at(34))
    assert rejoined.status == Status.BOOKED  # the demo office has no gate yet
    assert rejoined.rejoined and rejoined.counter is None
    assert call(loket1, staff, 35).pk == punctual.pk  # the rejoined one went to the back
    calling.mark_no_show(token=punctual.token, officer=staff["petugas"], now=at(36))
    assert call(loket1, staff, 37).pk == late.pk
    calling.mark_no_show(token=late.token, officer=staff["petugas"], now=at(40))
    with pytest.raises(Refusal) as refused:
        calling.recall_ticket(token=late.token, officer=staff["petugas"], now=at(41))
    assert refused.value.code == "invalid_transition"
    assert "hanya boleh sekali" in refused.value.message


def test_a_recall_counts_and_is_announced_again(office, loket1, staff):
    ticket = book(office, 1, now=at(0))
    call(loket1, staff)
    calling.recall_ticket(token=ticket.token, officer=staff["petugas"], now=at(31))
    calls = LiveEvent.objects.filter(kind="call").order_by("seq")
    assert [e.data["recall"] for e in calls] == [0, 1]
    assert Ticket.objects.get(pk=ticket.pk).recalls == 1


def test_transfer_takes_a_number_of_the_new_service_and_later_bookings_still_work(office, loket1, staff):
    legal_first = book(office, 1, service="LEGAL", now=at(0))  # E-001 already exists
    ticket = book(office, 2, now=at(0))
    call(loket1, staff)
    moved = calling.transfer_ticket(
        token=ticket.token, officer=staff["petugas"], service_code="LEGAL", now=at(31)
    )
    assert (legal_first.number, moved.number) == ("E-001", "E-002")
    assert book(office, 3, service="LEGAL", now=at(0)).number == "E-003"


def test_transfer_to_a_service_where_the_citizen_already_waits_is_refused(office, loket1, staff):
    book(office, 1, service="LEGAL", now=at(0))
    ticket = book(office, 1, now=at(0))  # the same NIK, at KTP
    call(loket1, staff)
    with pytest.raises(Refusal) as refused:
        calling.transfer_ticket(
            token=ticket.token, officer=staff["petugas"], service_code="LEGAL", now=at(31)
        )
    assert refused.value.code == "duplicate_ticket"
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CALLED


def test_a_rejoined_no_show_leaves_the_board(office, loket1, staff):
    ticket = book(office, 1, now=at(0))
    call(loket1, staff)
    calling.mark_no_show(token=ticket.token, officer=staff["petugas"], now=at(31))
    calling.recall_ticket(token=ticket.token, officer=staff["petugas"], now=at(32))
    assert calling.board(office, now=at(33))["calls"] == []


def test_an_officer_without_an_office_acts_nowhere(office, loket1):
    from antre.people.models import Role
    from antre.people.tests.factories import officer

    stray = officer(Role.PETUGAS_LOKET)  # at no office
    book(office, 1, now=at(0))
    with pytest.raises(Refusal) as refused:
        calling.call_next(counter=loket1, officer=stray, now=at(30))
    assert refused.value.code == "forbidden"


def test_a_cancellation_moves_the_queue_on_the_screens(open_all_day, staff):
    from antre.queueing.services import cancel_ticket

    ticket = book(open_all_day)
    cancel_ticket(token=ticket.token)
    event = LiveEvent.objects.get()
    assert (event.kind, event.data["action"], event.ticket_token) == ("update", "cancel", ticket.token)


def test_transfer_moves_the_ticket_to_another_services_queue(office, loket1, staff):
    ticket = book(office, 1, now=at(0))
    call(loket1, staff)
    moved = calling.transfer_ticket(
        token=ticket.token, officer=staff["petugas"], service_code="legal", now=at(31)
    )
    assert moved.status == Status.WAITING_INSIDE
    assert moved.service.code == "LEGAL" and moved.transferred_from.code == "KTP"
    assert moved.counter is None
    loket2 = Counter.objects.get(office=office, number=2)  # serves LEGAL
    assert calling.call_next(counter=loket2, officer=staff["petugas"], now=at(32)).pk == ticket.pk
    with pytest.raises(Refusal) as refused:
        calling.transfer_ticket(token=ticket.token, officer=staff["petugas"], service_code="KK", now=at(33))
    assert refused.value.code == "unknown_service"


def test_behind_a_gate_only_admitted_tickets_are_called(office, loket1, staff):
    office.gate_enabled = True
    office.save()
    outside = book(office, 1, now=at(1))
    inside = book(office, 2, now=at(2))
    Ticket.objects.filter(pk=inside.pk).update(status=Status.WAITING_INSIDE, arrived_at=at(5))
    assert call(loket1, staff).pk == inside.pk
    assert Ticket.objects.get(pk=outside.pk).status == Status.BOOKED


@pytest.mark.parametrize("who", ["satpam", "verifikator", "kepala"])
def test_only_counter_officers_call(office, loket1, staff, who):
    book(office, 1, now=at(0))
    with pytest.raises(Refusal) as refused:
        calling.call_next(counter=loket1, officer=staff[who], now=at(30))
    assert refused.value.code == "forbidden"
    with pytest.raises(Refusal):
        calling.call_next(counter=loket1, officer=None, now=at(30))
    assert not Ticket.objects.filter(status=Status.CALLED).exists()
    assert not LiveEvent.objects.exists()


def test_events_are_public_numbered_and_never_carry_a_nik(office, loket1, staff):
    ticket = book(office, 1, now=at(0), name="Ni Made Sari Dewi")
    call(loket1, staff)
    calling.start_service(token=ticket.token, officer=staff["petugas"], now=at(31))
    events = list(LiveEvent.objects.order_by("seq"))
    # The first call opened the counter (antre.queueing.staffing): that is news too, recorded after
    # the call (the one lock order of every call: the day's number row, then the office's events).
    assert [(e.seq, e.kind) for e in events] == [(1, "call"), (2, "counter"), (3, "update")]
    assert events[1].data["state"] == "open" and events[1].data["counter"] == 1
    called = events[0].data
    assert called["number"] == ticket.number and called["counter"] == 1 and called["name"] == "Ni Made S."
    assert called["say"] == "Nomor antrean A satu, atas nama Ni Made S., silakan menuju loket satu."
    assert events[0].ticket_token == ticket.token
    public = str([e.data for e in events])
    assert nik_for(1) not in public and ticket.token not in public and "Sari Dewi" not in public


def test_a_refused_call_records_no_event(office, loket1, staff):
    book(office, 1, now=at(0))
    book(office, 2, now=at(0))
    call(loket1, staff)
    recorded = LiveEvent.objects.count()  # the counter opened, the call
    with pytest.raises(Refusal):
        call(loket1, staff)
    assert LiveEvent.objects.count() == recorded


def test_the_days_counts_follow_every_change_of_a_ticket(office, loket1, staff):
    """The counts a booking reads (quota, waiting ahead) are kept by triggers: they must always
    equal a count of the tickets, whatever the counter, the citizen or the admin does."""
    from django.db.models import Count, Q

    from antre.queueing.models import WAITING_STATUSES, DailySequence
    from antre.queueing.services import cancel_ticket

    def assert_counts_true():
        kept = {
            (s.service_id, s.day): (s.taken, s.waiting, s.waiting_priority)
            for s in DailySequence.objects.all()
        }
        counted = {
            (row["service_id"], row["day"]): (row["taken"], row["waiting"], row["waiting_priority"])
            for row in Ticket.objects.values("service_id", "day").annotate(
                taken=Count("pk", filter=~Q(status=Status.CANCELLED)),
                waiting=Count("pk", filter=Q(status__in=WAITING_STATUSES)),
                waiting_priority=Count("pk", filter=Q(status__in=WAITING_STATUSES, is_priority=True)),
            )
        }
        assert {key: kept.get(key, (0, 0, 0)) for key in counted} == counted
        assert all(kept[key] == (0, 0, 0) for key in kept.keys() - counted.keys())

    tickets = [book(office, i, service="KTP", now=at(i)) for i in range(4)]
    elderly = book(office, 9, service="KTP", now=at(5), priority="elderly")
    assert_counts_true()
    assert booking(office, 20, service="KTP", now=at(6)).progress.position == 6
    cancel_ticket(token=tickets[3].token, now=at(7))
    assert_counts_true()
    assert call(loket1, staff, 30) == elderly  # called: no longer waiting
    calling.transfer_ticket(token=elderly.token, officer=staff["petugas"], now=at(31), service_code="LEGAL")
    assert_counts_true()  # moved to another service's day, priority and all
    assert call(loket1, staff, 32) == tickets[0]
    calling.mark_no_show(token=tickets[0].token, officer=staff["petugas"], now=at(40))
    assert_counts_true()
    calling.recall_ticket(token=tickets[0].token, officer=staff["petugas"], now=at(41))  # rejoins
    assert_counts_true()
    Ticket.objects.filter(pk=tickets[1].pk).update(is_priority=True)  # an edit in the admin
    Ticket.objects.filter(pk=tickets[2].pk).delete()
    assert_counts_true()
    ktp = DailySequence.objects.get(service__code="KTP")
    assert (ktp.taken, ktp.waiting, ktp.waiting_priority) == (3, 3, 1)


def test_a_no_show_who_booked_again_cannot_also_rejoin(office, loket1, staff):
    first = book(office, 1, service="KTP", now=at(1))
    assert call(loket1, staff, 30) == first
    calling.mark_no_show(token=first.token, officer=staff["petugas"], now=at(35))
    again = book(office, 1, service="KTP", now=at(36))  # no longer active, so the NIK may book again
    with pytest.raises(Refusal) as refused:
        calling.recall_ticket(token=first.token, officer=staff["petugas"], now=at(40))
    assert refused.value.code == "duplicate_ticket"
    first.refresh_from_db()
    assert (first.status, again.status) == (Status.NO_SHOW, Status.BOOKED)  # nothing half-done


def test_after_a_no_show_the_display_no_longer_shows_the_absent_number(office, loket1, staff):
    first, second = book(office, 1, now=at(0)), book(office, 2, now=at(0))
    assert call(loket1, staff, 30) == first
    calling.mark_no_show(token=first.token, officer=staff["petugas"], now=at(35))
    board = calling.board(office, now=at(36))
    assert first.number not in [c["number"] for c in board["calls"]]
    assert call(loket1, staff, 37) == second
    assert calling.board(office, now=at(38))["calls"][0]["number"] == second.number


def test_after_a_transfer_the_live_ticket_carries_the_new_services_requirements(office, loket1, staff):
    from antre.queueing.tickets import ticket_state

    ticket = book(office, 1, now=at(0))
    ktp_needs = ticket_state(ticket.token, now=at(1))["requirements"]
    call(loket1, staff)
    calling.transfer_ticket(token=ticket.token, officer=staff["petugas"], service_code="LEGAL", now=at(31))
    state = ticket_state(ticket.token, now=at(32))
    legal_needs = list(office.services.get(code="LEGAL").requirements.values_list("name", flat=True))
    assert state["requirements"] == legal_needs and legal_needs and legal_needs != ktp_needs
    assert state["service_name"] == office.services.get(code="LEGAL").name
