from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from antre.offices.models import ClosedDay, Counter, Office, OpeningHours, Region, Requirement, Service

admin.site.site_header = _("Antre — administrasi")
admin.site.site_title = _("Antre")
admin.site.index_title = _("Pengaturan kantor")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 0
    ordering = ["-date"]


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = "__all__"  # noqa: DJ007 (the admin edits every setting of an office)
        widgets = {"display_message": forms.Textarea(attrs={"rows": 3})}


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    form = OfficeForm
    form = OfficeForm
    form = OfficeForm
    list_display = ("name", "slug", "region_code", "timezone", "capacity", "gate_enabled")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OpeningHoursInline, ClosedDayInline]


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 1


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("code", "prefix", "mode", "daily_quota", "active")
    list_filter = ("office", "mode", "active")
    list_editable = ("daily_quota", "active")
    search_fields = ("code", "name")
    inlines = [RequirementInline]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "office", "active")
    list_filter = ("office", "active")
    filter_horizontal = ("services",)


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason", "office")
    list_filter = ("office",)
    date_hierarchy = "date"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "postal_code")
    list_filter = ("level",)
    search_fields = ("code", "name")
