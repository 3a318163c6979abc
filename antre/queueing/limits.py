"""What a citizen's own booking request goes through before it books: the per-minute limit per
address (antre.ratelimit) and, when booking from its address or for its service looks abnormal,
a proof of work (antre.proofofwork). The daily budgets are counted by the booking itself
(antre.queueing.budgets). Staff bookings go through none of these."""

from __future__ import annotations

from django.http import HttpRequest

from antre import proofofwork, ratelimit
from antre.offices.calendar import bookable_service
from antre.offices.models import Office
from antre.offices.rules import normal_code


def check_citizen(request: HttpRequest, office: Office, service_code: str, *, proof: str | None) -> str:
    """Refuse a citizen's booking request that is over a limit; the client's address otherwise."""
    ratelimit.check(request, scope="book", limit=ratelimit.BOOKINGS_PER_MINUTE)
    service = bookable_service(office.slug, normal_code(service_code))
    if service is not None:  # an unknown service: the booking refuses it
        proofofwork.require(
            request, service_key=f"{office.pk}:{service.code}", quota=service.daily_quota, proof=proof
        )
    return ratelimit.client_address(request)
