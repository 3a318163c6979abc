"""Counter console pages for petugas loket: pick a counter, open, pause and close it, call, recall,
start, finish, no-show, transfer.

Plain forms that work without JavaScript; console.js adds keyboard shortcuts and live refresh.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from antre import clock
from antre.errors import Refusal
from antre.offices import calendar
from antre.offices.models import Counter
from antre.people import authorizers
from antre.people.staff_requests import StaffRequest
from antre.queueing import calling, staffing
from antre.queueing.models import Status, Ticket


def _counters_for(user):
    counters = Counter.objects.filter(active=True).select_related("office").prefetch_related("services")
    if not user.is_superuser and user.office_id:
        counters = counters.filter(office_id=user.office_id)
    return counters


# In the session: per counter, the ticket this console last showed at the counter. A citizen who
# steps out at the gate goes back to `booked` and leaves no trace of the counter that had called
# them, so the console remembers whom it was calling to say why the counter is suddenly free.
AT_COUNTER = "console_at_counter"


def _stepped_out_from_here(request: HttpRequest, counter: Counter, current: Ticket | None, today):
    """The ticket this counter had called, if it has since stepped out at the gate; else None."""
    seen = request.session.get(AT_COUNTER, {})
    key = str(counter.pk)
    if current is not None:
        if seen.get(key) != current.token:
            request.session[AT_COUNTER] = seen | {key: current.token}
        return None
    if key not in seen:
        return None
    left = Ticket.objects.stepped_out().filter(token=seen[key], day=today).first()
    if left is None:  # served, back inside or gone home: nothing more to say about them
        request.session[AT_COUNTER] = {k: v for k, v in seen.items() if k != key}
    return left


@login_required
def console_home(request: StaffRequest) -> HttpResponse:
    if not authorizers.may_open_console(request.user):
        return render(request, "queueing/console_forbidden.html", status=403)
    return render(request, "queueing/console_home.html", {"counters": _counters_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def console(request: StaffRequest, counter_id: int) -> HttpResponse:
    counter = get_object_or_404(_counters_for(request.user), pk=counter_id)
    if not authorizers.may_call(request.user, counter.office):
        return render(request, "queueing/console_forbidden.html", status=403)
    if request.method == "POST":
        _do(request, counter)
        return redirect("queueing:console", counter_id=counter.pk)
    office = counter.office
    timezone.activate(office.tzinfo)
    now = clock.now()
    today = office.local_today(now)
    current = (
        Ticket.objects.filter(counter=counter, day=today, status__in=(Status.CALLED, Status.SERVING))
        .select_related("service")
        .first()
    )
    waiting = Ticket.objects.queue_of(counter, today).select_related("service")[:30]
    no_shows = Ticket.objects.filter(
        counter=counter, day=today, status=Status.NO_SHOW, rejoined=False
    ).order_by("-finished_at")[:5]
    stepped_out = (
        Ticket.objects.for_counter(counter)
        .filter(day=today)
        .stepped_out()
        .select_related("service")
        .order_by("left_at")[:10]
    )
    # Behind a gate the waiting list holds only those inside; the rest of the day's bookings are
    # still to come in, so an empty list is not an empty day.
    outside = (
        Ticket.objects.for_counter(counter).filter(day=today).not_yet_in().count()
        if office.gate_enabled
        else 0
    )
    context = {
        "office": office,
        "opening": calendar.opening(office, now=now),
        "outside": outside,
        "counter": counter,
        "counter_state": staffing.state_of(counter, now),
        "counters": _counters_for(request.user).filter(office=office),
        "current": current,
        "left_from_here": _stepped_out_from_here(request, counter, current, today),
        "stepped_out": stepped_out,
        "requirements": current.service.requirements.all() if current else [],
        "waiting": waiting,
        "no_shows": no_shows,
        "transfer_to": office.services.bookable(),
    }
    template = "queueing/console_body.html" if request.GET.get("partial") else "queueing/console.html"
    return render(request, template, context)


def _action_message(action: str, ticket: Ticket) -> str:
    number = {"number": ticket.number}
    if action == "recall" and ticket.status == Status.CALLED:
        return _("%(number)s dipanggil ulang.") % number
    if action == "recall":
        return _("%(number)s masuk antrean lagi, di urutan belakang.") % number
    if action == "transfer":
        return _("Dipindahkan ke %(service)s dengan nomor %(number)s.") % (
            number | {"service": ticket.service.name}
        )
    return {
        "start": _("Mulai melayani %(number)s."),
        "finish": _("%(number)s selesai dilayani."),
        "no_show": _("%(number)s ditandai tidak hadir."),
    }.get(action, "%(number)s") % number


# The counter's own buttons: the verb, and what the console says once it is done.
_STAFFING = {
    "open_counter": (staffing.open_counter, gettext_lazy("Loket %(number)s buka.")),
    "pause_counter": (staffing.pause_counter, gettext_lazy("Loket %(number)s istirahat.")),
    "close_counter": (staffing.close_counter, gettext_lazy("Loket %(number)s tutup.")),
}


def _do(request: StaffRequest, counter: Counter) -> None:
    action = request.POST.get("action", "")
    try:
        if action in _STAFFING:
            staff, said = _STAFFING[action]
            staff(counter=counter, officer=request.user)
            messages.success(request, str(said) % {"number": counter.number})
            return
        if action == "call_next":
            ticket = calling.call_next(counter=counter, officer=request.user)
            if ticket is None:
                messages.info(request, _("Tidak ada warga yang menunggu untuk loket ini."))
            else:
                messages.success(request, _("%(number)s dipanggil.") % {"number": ticket.number})
            return
        verb = calling.counter_verb(action, service_code=request.POST.get("service", ""))
        ticket = verb(token=request.POST.get("ticket", ""), officer=request.user)
        messages.success(request, _action_message(action, ticket))
    except Refusal as refusal:
        messages.error(request, refusal.message)
