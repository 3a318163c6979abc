from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "antre.people"
    verbose_name = _("Pengguna dan data pribadi")

    def ready(self) -> None:
        from antre.people import signin  # lazy: it reads settings and the clock, ready only now

        user_logged_in.connect(signin.start_working_day, dispatch_uid="antre.people.working_day")
