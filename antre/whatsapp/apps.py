from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhatsappConfig(AppConfig):
    name = "antre.whatsapp"
    verbose_name = _("WhatsApp")

    def ready(self) -> None:
        from antre.whatsapp import receivers  # lazy: models are not ready before ready()

        receivers.connect()
