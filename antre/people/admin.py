from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

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
