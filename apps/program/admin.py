from django.contrib import admin

from .models import PartnerType, PlaybookTaskTemplate, ProgramSettings, StageConfig


@admin.register(PartnerType)
class PartnerTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "onboarding_days"]


@admin.register(StageConfig)
class StageConfigAdmin(admin.ModelAdmin):
    list_display = ["stage", "display_name", "target_days"]


@admin.register(PlaybookTaskTemplate)
class PlaybookTaskTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "stage",
        "owner_side",
        "due_offset_days",
        "required",
        "order",
        "completed_by",
    ]
    list_filter = ["stage"]


@admin.register(ProgramSettings)
class ProgramSettingsAdmin(admin.ModelAdmin):
    # Changed only from Program settings, which states and converts what it affects.
    readonly_fields = ["base_currency"]

    def has_add_permission(self, request):
        return not ProgramSettings.objects.exists()
