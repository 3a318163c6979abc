from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OfficesConfig(AppConfig):
    name = "antre.offices"
    verbose_name = _("Kantor dan layanan")

    def ready(self):
        # lazy: models load once the registry is ready
        from antre.offices import calendar
        from antre.offices.models import (
            ClosedDay,
            Counter,
            Office,
            OpeningHours,
            Service,
            Session,
            SessionQuota,
        )

        for model in (Office, OpeningHours, ClosedDay, Service, Counter, Session, SessionQuota):
            post_save.connect(calendar.forget, sender=model, dispatch_uid=f"calendar-save-{model.__name__}")
            post_delete.connect(
                calendar.forget, sender=model, dispatch_uid=f"calendar-delete-{model.__name__}"
            )
        m2m_changed.connect(
            calendar.forget, sender=Counter.services.through, dispatch_uid="calendar-counters"
        )
