from django.contrib import admin

from .models import (
    Certification,
    Choice,
    Course,
    Lesson,
    PartnerDocument,
    PlaybookLink,
    Question,
    Resource,
)


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


class LessonInline(admin.TabularInline):
    model = Lesson
    raw_id_fields = ["resource"]
    extra = 0


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "phase",
        "pass_mark",
        "attempts_allowed",
        "validity_months",
        "published",
    ]
    list_filter = ["phase", "published"]
    inlines = [LessonInline]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "course", "order"]
    list_select_related = ["course"]
    inlines = [ChoiceInline]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["course", "user", "partner", "earned_at", "expires_at", "status"]
    list_filter = ["status"]
    list_select_related = ["course", "user", "partner"]
    raw_id_fields = ["user", "partner", "course", "attempt"]
    readonly_fields = ["status"]
