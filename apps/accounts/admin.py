from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "partner", "is_active")
    list_filter = ("role", "is_active")
    list_select_related = ("partner",)
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("PartnerOS", {"fields": ("role", "partner")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("PartnerOS", {"fields": ("role", "partner")}))
