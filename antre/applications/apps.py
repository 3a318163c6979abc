from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "antre.applications"
    verbose_name = _("Permohonan daring")
