from django.contrib import admin

from .models import QBR, ActionItem


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("title", "owner_side", "due_date", "done", "done_at")
    readonly_fields = ("done_at",)


@admin.register(QBR)
class QBRAdmin(admin.ModelAdmin):
    # Status changes only through the QBR page or the API (qbr_transition), never here.
    list_display = (
        "partner",
        "quarter",
        "scheduled_for",
        "status",
        "outcome",
        "satisfaction_score",
    )
    list_filter = ("status", "outcome")
    list_select_related = ("partner",)
    search_fields = ("partner__name", "quarter")
    readonly_fields = (
        "status",
        "outcome",
        "outcome_reason",
        "stage_effect",
        "metrics",
        "started_at",
        "completed_at",
        "cancelled_at",
    )
    inlines = [ActionItemInline]
