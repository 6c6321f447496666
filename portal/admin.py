from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Employer, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "kind", "employer", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    list_select_related = ["employer"]
    raw_id_fields = ["employer"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "kind", "citizenship", "preferred_language")}),
        (_("Organisation"), {"fields": ("employer", "employer_confirmed")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "kind", "password1", "password2"),
            },
        ),
    )
    filter_horizontal = ["groups"]


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "bin", "contact_email", "created_at"]
    search_fields = ["name", "bin"]
