from django.contrib import admin

from antre.whatsapp.models import BusinessNumber, OutboxMessage


@admin.register(BusinessNumber)
class BusinessNumberAdmin(admin.ModelAdmin):
    list_display = ("display_number", "desk", "phone_number_id", "office", "added_automatically")
    list_filter = ("office", "desk", "added_automatically")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("dedupe_key", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False
