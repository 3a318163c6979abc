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

# Ticket ids: secrets.token_urlsafe(16), 22 characters of the URL-safe alphabet; API tokens:
# secrets.token_hex(20), 40 hex digits. Any longer run is masked too (a token with something
# stuck to it still leaks), when it mixes capitals and small letters, as random ones all but
# always do, or is all hex; names in code (snake_case, a module's path) keep their shape.
# Application codes: 8 characters from the unambiguous alphabet of applications.models, which has
# no 0, 1, I, L or O. A word in capitals that happens to fit is masked too: a missed secret
# would cost more than a masked word.
_LONG_RUN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{22,}(?![A-Za-z0-9_-])")
_HEX = re.compile(r"[0-9a-fA-F]{40,}")
_CODE = re.compile(r"(?<![A-Za-z0-9])[2-9A-HJKMNP-Z]{8}(?![A-Za-z0-9])")


def _secret_run(match: re.Match[str]) -> str:
    run = match.group(0)
    mixed = any(c.isupper() for c in run) and any(c.islower() for c in run)
    return MASK if mixed or _HEX.fullmatch(run) else run


def mask(text: str) -> str:
    """`text` with every ticket id, application code and API token replaced by ***."""
    return _CODE.sub(MASK, _LONG_RUN.sub(_secret_run, text))


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
