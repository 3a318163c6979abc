from django.conf import settings
from django.contrib import admin, messages
from django.utils.translation import gettext as _

from antre.whatsapp.models import BusinessNumber, OutboxMessage


class SetupWarnings(admin.ModelAdmin):
    """WhatsApp's admin pages say what keeps messages from going out."""

    def changelist_view(self, request, extra_context=None):
        warn_about_setup(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "GET":
            warn_about_setup(request)
        return super().changeform_view(request, object_id, form_url, extra_context)


def warn_about_setup(request) -> None:
    if not settings.WHATSAPP["token"]:
        messages.warning(
            request,
            _(
                "ANTRE_WHATSAPP_TOKEN belum diatur, jadi tidak ada pesan WhatsApp yang dikirim. Pesan "
                "tetap menunggu dan terkirim setelah token diisi dan Antre dijalankan ulang."
            ),
        )
    elif not settings.PUBLIC_URL:
        messages.warning(
            request,
            _(
                "ANTRE_PUBLIC_URL belum diatur, jadi tautan yang dikirim lewat WhatsApp menunjuk ke "
                "http://localhost:8000 dan tidak dapat dibuka warga. Atur alamat yang dibuka warga, "
                "lalu jalankan ulang Antre."
            ),
        )


@admin.register(BusinessNumber)
class BusinessNumberAdmin(SetupWarnings):
    list_display = (
        "display_number",
        "desk",
        "phone_number_id",
        "office",
        "messages_per_second",
        "added_automatically",
    )
    list_filter = ("office", "desk", "added_automatically")
    readonly_fields = ("paused_until",)  # set by a 429 from the Cloud API


@admin.register(OutboxMessage)
class OutboxMessageAdmin(SetupWarnings):
    list_display = ("dedupe_key", "template", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False
