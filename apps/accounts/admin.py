from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm

from .models import User
from .services import user_admin_site_sync, user_set_active, user_sign_out_everywhere


class PasswordChangeForm(AdminPasswordChangeForm):
    """A password set in the Django admin ends the user's sessions and tokens, as everywhere."""

    def save(self, commit=True):
        user = super().save(commit)
        if commit:
            user_sign_out_everywhere(user)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "partner", "partner_role", "is_active")
    list_filter = ("role", "partner_role", "is_active")
    list_select_related = ("partner",)
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("PartnerOS", {"fields": ("role", "partner", "partner_role")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("PartnerOS", {"fields": ("role", "partner", "partner_role")}),
    )
    change_password_form = PasswordChangeForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_set_active(obj, False)  # its sessions and tokens end with it

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_admin_site_sync(form.instance)  # after the form has set the groups
