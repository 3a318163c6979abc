"""What the live streams show of the queue: the board of an office, one ticket, everyone's position.

antre.live streams events and knows no queue; the SSE paths (antre.transport.sse, and the
documented views in queueing/live_api.py) hand it these readers.
"""

from __future__ import annotations

from collections.abc import Callable

from antre.offices.models import Office
from antre.queueing.calling import board
from antre.queueing.models import Ticket
from antre.queueing.tickets import office_positions, ticket_state


def office_id_for(slug: str) -> int | None:
    return Office.objects.filter(slug=slug).values_list("pk", flat=True).first()


def office_id_of_ticket(token: str) -> int | None:
    return Ticket.objects.filter(token=token).values_list("office_id", flat=True).first()


def board_reader(office_id: int) -> Callable[[], dict]:
    def read() -> dict:
        return board(Office.objects.get(pk=office_id))

    return read


def ticket_reader(token: str) -> Callable[[], dict]:
    def read() -> dict:
        return ticket_state(token)

    return read


def positions_of(office_id: int) -> dict[str, dict]:
    return office_positions(office_id)
