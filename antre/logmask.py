"""One logging filter that keeps secrets out of every log line: ticket ids, application codes, API tokens.

A ticket id (Ticket.token) is the ticket's only secret: whoever has it can follow and cancel the
ticket. An application code with a NIK opens the application; an API token acts as the officer.
Log lines travel further than the database (journald, a support e-mail), so each of them is masked
before any handler writes it, whatever logger made it (Django's `Forbidden: /api/v1/tickets/<id>/…`,
uvicorn's, Antre's own). Settings put the filter on every handler (settings.LOGGING and the log
config `antre serve` hands uvicorn).
"""

from __future__ import annotations

import logging
import re

MASK = "***"

# Ticket ids: secrets.token_urlsafe(16), 22 characters of the URL-safe alphabet. API tokens:
# secrets.token_hex(20), 40 hex digits (longer runs are masked too: a key cut short still leaks).
# Application codes: 8 characters from the unambiguous alphabet of applications.models, which has
# no 0, 1, I, L or O. A word of other text that happens to fit (an 8-letter word in capitals) is
# masked too; a missed secret would cost more than a masked word.
_SECRETS = re.compile(
    r"(?<![A-Za-z0-9_-])(?:[A-Za-z0-9_-]{22}|[0-9a-f]{40,64})(?![A-Za-z0-9_-])"
    r"|(?<![A-Za-z0-9])[2-9A-HJKMNP-Z]{8}(?![A-Za-z0-9])"
)


def mask(text: str) -> str:
    """`text` with every ticket id, application code and API token replaced by ***."""
    return _SECRETS.sub(MASK, text)


class MaskSecrets(logging.Filter):
    """Rewrites a record's message (and its traceback text) with the secrets masked; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.name.startswith("uvicorn.access"):
            # uvicorn's access formatter unpacks its five arguments: mask them one by one.
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        else:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 (a broken format string: the handler reports it as usual)
                return True
            record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True
