from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from antre import clock, crypto
from antre.audit import services as audit
from antre.audit.models import Action as Audited
from antre.people.rules import mask_nik
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
    exclude = ("token",)

    @admin.display(description=_("NIK"))
    def masked_nik(self, ticket: Ticket) -> str:
        return mask_nik(ticket.nik)

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
                # The page shows the full NIK, name and phone: the head of office sees who opened it.
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
