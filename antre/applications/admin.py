from django.contrib import admin
from django.db import transaction

from antre import clock
from antre.applications.models import Application, ApplicationKind, KindRequirement, StatusChange
from antre.audit import services as audit
from antre.audit.models import Action as Audited


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

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        application = self.get_object(request, object_id) if response.status_code == 200 else None
        if request.method == "GET" and application is not None:
            with transaction.atomic():
                # The page shows the NIK, KK number, address and phone: the head of office sees who opened it.
                audit.record(
                    office=application.office,
                    actor=request.user,
                    action=Audited.VIEW_APPLICATION,
                    subject=application.code,
                    detail={"via": "admin"},
                    at=clock.now(),
                )
        return response

    def has_add_permission(self, request):
        return False
