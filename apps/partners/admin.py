from django.contrib import admin

from .models import Partner, StageHistory, Task


class StageHistoryInline(admin.TabularInline):
    model = StageHistory
    extra = 0
    can_delete = False
    readonly_fields = [
        "transition",
        "from_stage",
        "to_stage",
        "actor",
        "note",
        "reason",
        "via",
        "at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "tier", "stage", "stage_entered_at", "manager"]
    list_filter = ["stage", "partner_type", "tier"]
    list_select_related = ["partner_type", "tier", "manager"]
    search_fields = ["name", "website"]
    # The stage is protected: it changes only through transitions (the partner page or API).
    readonly_fields = [
        "stage",
        "stage_entered_at",
        "onboarding_started_at",
        "onboarding_due_date",
        "onboarding_completed_at",
        "created_at",
    ]
    inlines = [StageHistoryInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "stage", "owner_side", "due_date", "required", "done"]
    list_filter = ["stage", "owner_side", "done"]
    list_select_related = ["partner"]
    raw_id_fields = ["partner", "done_by"]
