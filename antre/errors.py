"""Refusals: the one way a service says no, turned into a page message or the API's error shape."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


class Refusal(Exception):
    """An action refused for a reason the user can act on. `code` is stable; `message` is for people."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 409,
        fields: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.status = status
        self.fields = {k: str(v) for k, v in (fields or {}).items()}
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        error.update(self.extra)
        return {"error": error}


def too_long(limit: int) -> str:
    """A field's message when what was sent is longer than the field takes."""
    return _("Terlalu panjang: paling banyak %(n)s karakter.") % {"n": limit}
