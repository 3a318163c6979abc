"""Walk-in tickets on a 58-mm thermal printer (ESC/POS), through python-escpos."""

from __future__ import annotations

import logging
import socket

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from antre.queueing.models import Ticket

log = logging.getLogger(__name__)
PROFILE = "POS-5890"  # the common 58-mm printers: 384 dots a line


class PrintFailed(Exception):
    """The printer could not be reached or refused the job; the ticket exists and can be reprinted."""


def render(printer, ticket: Ticket, url: str) -> None:
    """Write one ticket to any python-escpos printer object."""
    office = ticket.office
    local = timezone.localtime(ticket.issued_at, office.tzinfo)
    printer.set(align="center", bold=True)
    printer.textln(office.name)
    printer.set(align="center", normal_textsize=True)
    printer.textln(_("Nomor antrean"))
    printer.set(align="center", bold=True, double_height=True, double_width=True)
    printer.textln(ticket.number)
    printer.set(align="center", normal_textsize=True)
    printer.textln(ticket.service.name[:64])
    printer.textln(ticket.short_name)
    printer.textln(f"{formats.date_format(ticket.day, 'j F Y')} {local:%H.%M} {office.tz_label}")
    if ticket.session is not None:
        printer.textln(
            _("Sesi %(times)s %(zone)s") % {"times": ticket.session.label, "zone": office.tz_label}
        )
    printer.qr(url, size=5, center=True)
    printer.textln(_("Tunggu nomor Anda dipanggil."))
    printer.cut()


def print_ticket(ticket: Ticket, url: str) -> None:
    """Send the ticket to the office's network printer (IP:port, raw port 9100); raises PrintFailed.

    python-escpos encodes the job; the bytes go out on a socket of our own, closed whatever happens
    (the library's network printer leaves its socket open when the printer is unreachable).
    """
    from escpos.printer import Dummy  # lazy: python-escpos is heavy, and only a printed slip needs it

    job = Dummy(profile=PROFILE)
    render(job, ticket, url)
    address = ticket.office.printer_address
    host, _sep, port = address.rpartition(":") if ":" in address else (address, "", "9100")
    try:
        with socket.create_connection((host, int(port or 9100)), timeout=5) as printer:
            printer.sendall(job.output)
    except (OSError, ValueError) as exc:
        log.warning("printing %s on %s failed: %s", ticket.number, address, exc)
        raise PrintFailed(str(exc)) from exc
