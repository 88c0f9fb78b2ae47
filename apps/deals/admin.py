from django.contrib import admin

from .models import DealRegistration, ExtensionRequest, RegistrationEvent


class EventInline(admin.TabularInline):
    model = RegistrationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["transition", "from_status", "to_status", "actor", "note", "via", "at"]


@admin.register(DealRegistration)
class DealRegistrationAdmin(admin.ModelAdmin):
    # The status changes only through services.registration_transition (the review pages).
    list_display = ["customer_name", "customer_domain", "partner", "status", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["customer_name", "customer_domain"]
    list_select_related = ["partner"]
    inlines = [EventInline]

    # Read-only here: a registration changes only through services.registration_transition,
    # which keeps the history, the notifications and the one-approved-per-domain rule.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ["registration", "days", "status", "created_at"]
    list_select_related = ["registration"]

    def has_change_permission(self, request, obj=None):
        return False
