from django.contrib import admin

from .models import PartnerDocument, PlaybookLink, Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "phase", "kind", "is_template", "internal", "published", "version"]
    list_filter = ["phase", "kind", "published", "is_template", "internal"]
    search_fields = ["title", "summary"]
    readonly_fields = ["file", "file_name", "file_type", "version", "published_at", "created_by"]
    exclude = ["search"]


@admin.register(PlaybookLink)
class PlaybookLinkAdmin(admin.ModelAdmin):
    list_display = ["stage", "order", "resource", "task_template"]
    list_filter = ["stage"]
    list_select_related = ["resource", "task_template"]


@admin.register(PartnerDocument)
class PartnerDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "partner", "shared_with_partner", "updated_at"]
    list_select_related = ["partner"]
    raw_id_fields = ["partner", "source", "created_by"]
