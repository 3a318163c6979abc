from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GateConfig(AppConfig):
    name = "antre.gate"
    verbose_name = _("Pintu masuk")
