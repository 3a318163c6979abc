from __future__ import annotations

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ApiToken(models.Model):
    """The key a kiosk, bot or script sends as `Authorization: Token <key>`."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="api_token")
    key = models.CharField(max_length=64, unique=True, default=new_token_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.user} ({self.key[:4]}…)"

    @classmethod
    def for_user(cls, user: User) -> ApiToken:
        token, _created = cls.objects.get_or_create(user=user)
        return token
