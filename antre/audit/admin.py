from django.contrib import admin

from antre.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers too: an audit log nobody can edit."""

    list_display = ("at", "office", "actor_username", "actor_role", "action", "subject", "subject_day")
    list_filter = ("office", "action")
    search_fields = ("subject", "actor_username")
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
