from django.contrib import admin

from .models import Assignment, Lead, LeadSettings, RejectReason, RoutingRule


@admin.register(LeadSettings)
class LeadSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "acceptance_hours", "open_leads_cap", "reroute_on_lapse"]


@admin.register(RejectReason)
class RejectReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "order", "active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "priority", "active"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    readonly_fields = ("partner", "rule", "explanation", "assigned_at", "accept_by", "outcome")
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["company", "domain", "country", "status", "partner", "created_at"]
    list_filter = ["status", "source"]
    list_select_related = ["partner"]
    search_fields = ["company", "domain"]
    readonly_fields = ["status"]
    inlines = [AssignmentInline]
