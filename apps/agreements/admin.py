from django.contrib import admin

from .models import Agreement


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "kind", "status", "start_date", "end_date"]
    list_filter = ["status", "kind"]
    list_select_related = ["partner"]
    raw_id_fields = ["partner", "signed_by"]
    readonly_fields = [
        "status",
        "sent_at",
        "signed_at",
        "signed_by",
        "signed_by_name",
        "terminated_at",
        "termination_reason",
        "notice_ends_on",
    ]
