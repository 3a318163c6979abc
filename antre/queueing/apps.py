from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "antre.queueing"
    verbose_name = _("Antrean")

    def ready(self) -> None:
        # lazy: models load once the registry is ready
        from antre.offices.models import ClosedDay
        from antre.queueing.closures import on_closed_day_saved

        post_save.connect(on_closed_day_saved, sender=ClosedDay, dispatch_uid="antre.queueing.closed_day")
