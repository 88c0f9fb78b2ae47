from django.contrib import admin

from .models import Application, ProfileChoice, ProfileQuestion


class ProfileChoiceInline(admin.TabularInline):
    model = ProfileChoice
    extra = 0


@admin.register(ProfileQuestion)
class ProfileQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "order", "active"]
    inlines = [ProfileChoiceInline]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["company", "domain", "status", "fit_score", "created_at"]
    list_filter = ["status"]
    # The status changes through the transitions only (the queue or the API).
    readonly_fields = ["status", "partner", "decided_by", "decided_at", "answers", "fit_score"]
