from django import forms
from django.contrib import admin, messages
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from antre.offices.models import (
    ClosedDay,
    Counter,
    Office,
    OpeningHours,
    Region,
    Requirement,
    Service,
    Session,
    SessionQuota,
    Weekday,
)
from antre.offices.shifts import CounterShift

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
    list_display = ("name", "slug", "region_code", "timezone", "capacity", "gate_enabled")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OpeningHoursInline, ClosedDayInline]

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is ClosedDay:
            _tell_cancelled(
                request, [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]
            )


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 1


class ServiceSessionQuotaInline(admin.TabularInline):
    """The service's quota in each session of its office (none: only the daily quota limits it)."""

    model = SessionQuota
    extra = 0
    verbose_name_plural = _("kuota per sesi (kosong: hanya kuota harian)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        service_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name == "session" and service_id:
            kwargs["queryset"] = Session.objects.filter(office__services=service_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("code", "prefix", "mode", "daily_quota", "active")
    list_filter = ("office", "mode", "active")
    list_editable = ("daily_quota", "active")
    search_fields = ("code", "name")
    inlines = [RequirementInline, ServiceSessionQuotaInline]


class SessionForm(forms.ModelForm):
    """Weekdays as check boxes, stored as their digits ("0123": Monday to Thursday)."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("hari"), choices=Weekday.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Session
        fields = ["office", "name", "weekdays", "starts", "ends", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["weekdays"] = sorted(self.instance.weekday_set())

    def clean_weekdays(self) -> str:
        return "".join(str(day) for day in sorted(set(self.cleaned_data["weekdays"])))


class SessionQuotaInline(admin.TabularInline):
    model = SessionQuota
    extra = 1
    verbose_name_plural = _("kuota layanan dalam sesi ini (layanan tanpa baris: hanya kuota harian)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        session_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        if db_field.name == "service" and session_id:
            kwargs["queryset"] = Service.objects.filter(office__sessions=session_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionForm
    list_display = ("office", "label", "name", "days", "active")
    list_filter = ("office", "active")
    inlines = [SessionQuotaInline]

    @admin.display(description=_("hari"))
    def days(self, session: Session) -> str:
        return ", ".join(str(Weekday(day).label) for day in sorted(session.weekday_set()))

    @admin.display(description=_("jam"), ordering="starts")
    def label(self, session: Session) -> str:
        return session.label


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "office", "active")
    list_filter = ("office", "active")
    filter_horizontal = ("services",)


@admin.register(CounterShift)
class CounterShiftAdmin(admin.ModelAdmin):
    """The counters' real open periods, as consoles recorded them: read, not edited (they are history)."""

    list_display = ("counter", "started_at", "ended_at", "closed_reason", "services", "opened_by")
    list_filter = ("office", "closed_reason")
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason", "office")
    list_filter = ("office",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _tell_cancelled(request, [obj])


def _tell_cancelled(request, closed_days) -> None:
    """Say how many booked tickets a new closed day cancelled (the queue app cancels them when a
    closed day is saved, and notes the number on it)."""
    for closed in closed_days:
        cancelled = closed.cancelled_tickets
        if cancelled:
            messages.warning(
                request,
                ngettext(
                    "%(n)s nomor antrean untuk %(day)s sudah terdaftar; nomor itu dibatalkan dan warganya "
                    "diberi tahu (lewat WhatsApp bila memberi nomor HP, dan di halaman tiketnya).",
                    "%(n)s nomor antrean untuk %(day)s sudah terdaftar; semuanya dibatalkan dan warganya "
                    "diberi tahu (lewat WhatsApp bila memberi nomor HP, dan di halaman tiketnya).",
                    cancelled,
                )
                % {"n": cancelled, "day": formats.date_format(closed.date, "l, j F Y")},
            )


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "postal_code")
    list_filter = ("level",)
    search_fields = ("code", "name")
