from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GateConfig(AppConfig):
    name = "antre.gate"
    verbose_name = _("Pintu masuk")

    def ready(self) -> None:
        # lazy: models load once the registry is ready
        from antre.gate.services import on_room_changed
        from antre.queueing.signals import room_changed

        room_changed.connect(on_room_changed, dispatch_uid="antre.gate.room_changed")
