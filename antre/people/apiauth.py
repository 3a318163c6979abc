"""Who is behind an API request: a staff token (`Authorization: Token <key>`) or a browser session.

A browser sends its session cookie with any request, also one a foreign site makes it send (a form
posted cross-site). So a write that acts as the session's officer needs the CSRF token as well
(`X-CSRFToken` header, from the `csrftoken` cookie); a token client is no browser and needs none.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import APIKeyHeader
from ninja.security import SessionAuth as SessionAuthBase
from ninja.utils import check_csrf

from antre import clock
from antre.errors import Refusal
from antre.people.models import ApiToken, User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


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
        require_csrf(request)
        return session_user
    return None


def require_csrf(request: HttpRequest) -> None:
    """Refuse a write made with a session cookie but without the page's CSRF token (403)."""
    if request.method in SAFE_METHODS or getattr(request, "_ninja_csrf_exempt", False):
        return
    if check_csrf(request) is not None:
        raise Refusal(
            "csrf_failed",
            _(
                "Permintaan ditolak: token CSRF tidak ada atau tidak cocok. Muat ulang halaman dan coba lagi, "
                "atau gunakan token API."
            ),
            status=403,
        )


class SessionAuth(SessionAuthBase):
    """The browser session of a signed-in officer; CSRF is checked only when there is one."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None  # 401, not a CSRF 403: there is nobody to protect
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        require_csrf(request)  # ninja's own check, with the API's refusal instead of a bare 403
        return request.COOKIES.get(self.param_name)


staff_auth = [TokenAuth(), SessionAuth()]
