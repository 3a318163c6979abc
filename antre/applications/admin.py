from django.contrib import admin

from antre.applications.models import Application, ApplicationKind, KindRequirement, StatusChange


class KindRequirementInline(admin.TabularInline):
    model = KindRequirement
    extra = 1


@admin.register(ApplicationKind)
class ApplicationKindAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "service", "purpose", "sla_days", "active")
    list_filter = ("office", "purpose", "active")
    list_editable = ("sla_days", "active")
    inlines = [KindRequirementInline]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ("status", "note", "by", "at")
    can_delete = False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only here: the work itself happens in the back office, with its checks and its history."""

    list_display = ("code", "kind", "status", "submitted_at")
    list_filter = ("office", "kind", "status")
    search_fields = ("code",)
    readonly_fields = [f.name for f in Application._meta.fields]
    inlines = [StatusChangeInline]

    def has_add_permission(self, request):
        return False
