from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpConfig


class PeopleConfig(AppConfig):
    # The config of "antre.people": with more than one AppConfig in this module, Django would take
    # none of them without this (and the working day's end would never be connected).
    default = True
    name = "antre.people"
    verbose_name = _("Pengguna dan data pribadi")

    def ready(self) -> None:
        from antre.people import signin  # lazy: it reads settings and the clock, ready only now

        user_logged_in.connect(signin.start_working_day, dispatch_uid="antre.people.working_day")


class TwoStepConfig(TotpConfig):
    """django-otp's TOTP devices (antre.people.twostep) under Indonesian names in the admin."""

    verbose_name = _("Kode dua langkah")

    def ready(self) -> None:
        super().ready()
        # django-otp names the model in English, without gettext. Migrations read the model's Meta
        # as written (its original attributes), so renaming it here changes no migration.
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("perangkat TOTP")
        meta.verbose_name_plural = pgettext_lazy("plural", "perangkat TOTP")
