"""Who is behind an API request: a staff token (`Authorization: Token <key>`) or a browser session."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader
from ninja.security import SessionAuth as SessionAuthBase

from antre import clock
from antre.errors import Refusal
from antre.people.models import ApiToken, User


class TokenAuth(APIKeyHeader):
    """`Authorization: Token <key>`, the key printed by `antre token USERNAME`."""

    param_name = "Authorization"

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return user_from_token(key)


def user_from_token(header: str | None) -> User | None:
    """The owner of a good token; None without one; refused (401) when it expired or was revoked,
    so a kiosk whose token has ended says why instead of carrying on as a citizen."""
    if not header:
        return None
    scheme, _sep, key = header.partition(" ")
    if scheme.lower() != "token" or not key.strip():
        return None
    token = ApiToken.objects.select_related("user").filter(key=key.strip()).first()
    if token is None or not token.user.is_active:
        return None
    if token.revoked_at is not None:
        raise Refusal(
            "token_revoked",
            _(
                "Token API ini dicabut karena kata sandi pemiliknya diganti. Minta token baru kepada administrator."
            ),
            status=401,
        )
    if clock.now() >= token.expires_at:
        raise Refusal(
            "token_expired",
            _("Token API ini sudah kedaluwarsa. Minta token baru kepada administrator."),
            status=401,
        )
    return token.user


def request_user(request: HttpRequest) -> User | None:
    """The staff member behind a request (token or browser session), or None for a citizen."""
    user = user_from_token(request.headers.get("Authorization"))
    if user is not None:
        return user
    session_user = getattr(request, "user", None)
    if session_user is not None and session_user.is_authenticated:
        return session_user
    return None


class SessionAuth(SessionAuthBase):
    """The browser session of a signed-in officer; CSRF is checked only when there is one."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None  # 401, not a CSRF 403: there is nobody to protect
        return super().__call__(request)


staff_auth = [TokenAuth(), SessionAuth()]
