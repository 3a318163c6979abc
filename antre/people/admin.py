from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from antre.people.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "office", "is_active")
    list_filter = ("role", "office", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Peran di kantor"), {"fields": ("role", "office")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Peran di kantor"), {"fields": ("role", "office")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    readonly_fields = ("key", "created_at")
