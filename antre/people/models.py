from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from antre import clock


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    KEPALA = "kepala", _("Kepala dinas")
    VERIFIKATOR = "verifikator", _("Verifikator")
    PETUGAS_LOKET = "petugas_loket", _("Petugas loket")
    PETUGAS_PINTU = "petugas_pintu", _("Petugas pintu")


class User(AbstractUser):
    """A staff member of one office (or of all offices, for a superuser)."""

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, blank=True)
    office = models.ForeignKey(
        "offices.Office",
        verbose_name=_("kantor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def save(self, *args, **kwargs) -> None:
        # Django holds a newly set password here until the save that stores it.
        password_changed = getattr(self, "_password", None) is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            # A token is a password that a script keeps: whoever had the old password may have it too.
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(revoked_at=clock.now())

    def has_role(self, *roles: str) -> bool:
        """True for an active user with one of these roles; a superuser has every role."""
        if not self.is_active:
            return False
        return self.is_superuser or self.role in roles

    def works_at(self, office) -> bool:
        """Staff act for their own office (an Office or its id) only; a user without an office acts
        nowhere (but a superuser)."""
        office_id = getattr(office, "pk", office)
        return self.is_superuser or (self.office_id is not None and self.office_id == office_id)


def new_token_key() -> str:
    return secrets.token_hex(20)


def token_expiry() -> dt.datetime:
    return clock.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)


class ApiToken(models.Model):
    """The key a kiosk, bot or script sends as `Authorization: Token <key>`: good until it expires,
    or until its owner's password changes (revoked)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="api_token")
    key = models.CharField(max_length=64, unique=True, default=new_token_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"), default=token_expiry)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.user} ({self.key[:4]}…)"

    def is_usable(self, at: dt.datetime) -> bool:
        return self.revoked_at is None and at < self.expires_at

    @classmethod
    def for_user(cls, user: User) -> ApiToken:
        """The user's token; a new key with a new term when theirs has expired or was revoked."""
        token, created = cls.objects.get_or_create(user=user)
        if not created and not token.is_usable(clock.now()):
            token.key = new_token_key()
            token.created_at = clock.now()
            token.expires_at = token_expiry()
            token.revoked_at = None
            token.save()
        return token
