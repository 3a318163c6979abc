from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from antre import clock, crypto
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.people.rules import mask_nik, mask_phone
from antre.queueing.models import Ticket


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Tickets to look up (a citizen at the help desk, a question about a day), never to edit here:
    every change of a ticket goes through the queue's actions, which keep its counts and events."""

    list_display = (
        "number",
        "day",
        "session",
        "service",
        "short_name",
        "masked_nik",
        "channel",
        "status",
        "issued_at",
    )
    list_filter = ("office", "status", "channel", "service", "day")
    search_fields = ("number",)  # and a whole NIK, by its look-up hash (get_search_results)
    date_hierarchy = "day"
    ordering = ("-day", "service", "seq")
    list_select_related = ("service", "session")
    # The page to look a ticket up: its fields under Indonesian names, the NIK and the phone masked
    # (whoever needs the whole NIK searches by it). Fields without an Indonesian verbose name are
    # shown through the methods below: naming them on the model would need a migration of the table.
    fields = (
        ("number", "day", "session"),
        ("office_name", "service_name"),
        ("name", "masked_nik", "masked_phone", "kecamatan"),
        ("priority", "channel", "status", "source"),
        ("issued_at", "issued_by_name", "come_at", "queued_at"),
        ("invited_at", "invitations", "arrived_at", "left_at"),
        ("counter", "called_at", "called_by", "recalls"),
        ("started_at", "finished_at", "rejoined", "moved_from"),
    )
    readonly_fields = (
        "office_name",
        "service_name",
        "masked_nik",
        "masked_phone",
        "issued_by_name",
        "moved_from",
    )

    @admin.display(description=_("NIK"))
    def masked_nik(self, ticket: Ticket) -> str:
        return mask_nik(ticket.nik)

    @admin.display(description=_("nomor HP"))
    def masked_phone(self, ticket: Ticket) -> str:
        return mask_phone(ticket.phone)

    @admin.display(description=_("kantor"))
    def office_name(self, ticket: Ticket) -> str:
        return str(ticket.office)

    @admin.display(description=_("layanan"))
    def service_name(self, ticket: Ticket) -> str:
        return str(ticket.service)

    @admin.display(description=_("dibuat oleh petugas"))
    def issued_by_name(self, ticket: Ticket) -> str | None:
        return str(ticket.issued_by) if ticket.issued_by else None  # None: the admin's "-"

    @admin.display(description=_("dipindahkan dari layanan"))
    def moved_from(self, ticket: Ticket) -> str | None:
        return str(ticket.transferred_from) if ticket.transferred_from else None

    @admin.display(description=_("nama"))
    def short_name(self, ticket: Ticket) -> str:
        return ticket.short_name

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        digits = "".join(ch for ch in search_term if ch.isdigit())
        if len(digits) == 16:  # the NIK is sealed: only a whole one can be found
            found |= queryset.filter(nik_hash=crypto.lookup_hash(digits))
        return found, may_have_duplicates

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        ticket = self.get_object(request, object_id) if response.status_code == 200 else None
        if request.method == "GET" and ticket is not None:
            with transaction.atomic():
                # The page shows the citizen's full name: the head of office sees who opened it.
                audit.record_ticket(
                    ticket, ticket.office, request.user, Audited.VIEW_TICKET, clock.now(), via="admin"
                )
        return response

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
