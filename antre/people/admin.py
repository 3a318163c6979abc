from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import admin as otp_admin  # registers django-otp's own, replaced below
from django_otp.plugins.otp_totp.models import TOTPDevice

from antre.people.models import ApiToken, User
from antre.people.twostep import AdminLogin

# An account with the second step on may not skip it through the admin's own login form.
admin.site.login_form = AdminLogin

# django-stubs give UserAdmin any ModelAdmin's fieldsets (which may be None); Django's are a tuple.
_BASE_FIELDSETS = cast("tuple[Any, ...]", BaseUserAdmin.fieldsets)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "office", "is_active")
    list_filter = ("role", "office", "is_active")
    # The role and the office decide what a user may do: show them right after the name.
    fieldsets = (
        _BASE_FIELDSETS[0],
        (_("Peran di kantor"), {"fields": ("role", "office")}),
        *_BASE_FIELDSETS[1:],
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Peran di kantor"), {"fields": ("role", "office")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("key", "created_at")


admin.site.unregister(otp_admin.TOTPDevice)


@admin.register(TOTPDevice)
class TwoStepDeviceAdmin(admin.ModelAdmin):
    """Who has the second step on, and the way to turn it off when a phone is lost. Enrolling is the
    user's own page (/staf/dua-langkah/): the admin adds no device and shows no secret key."""

    list_display = ("owner", "device_name", "active", "added", "last_used")
    list_filter = ("confirmed",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
    fields = ("owner", "device_name", "active", "added", "last_used")
    readonly_fields = fields

    @admin.display(description=_("pengguna"), ordering="user__username")
    def owner(self, device: TOTPDevice) -> str:
        return str(device.user)

    @admin.display(description=_("nama perangkat"))
    def device_name(self, device: TOTPDevice) -> str:
        return device.name

    @admin.display(description=_("aktif"), boolean=True)
    def active(self, device: TOTPDevice) -> bool:
        return device.confirmed

    @admin.display(description=_("dibuat"), ordering="created_at")
    def added(self, device: TOTPDevice):
        return device.created_at

    @admin.display(description=_("terakhir dipakai"), ordering="last_used_at")
    def last_used(self, device: TOTPDevice):
        return device.last_used_at

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
