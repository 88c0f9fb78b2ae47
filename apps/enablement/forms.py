"""The library's page forms; the rules they share with the API live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import numbers
from apps.core.params import query_text
from apps.program.models import CompletingEvent, PartnerType, PlaybookTaskTemplate, Tier
from apps.program.stages import Stage

from .merge import FIELDS
from .models import Content, Course, Kind, PartnerDocument, Phase, Resource
from .services import RESOURCE_FIELDS
from .services.courses import COURSE_FIELDS, MAX_CHOICES


class TagsField(forms.CharField):
    """Tags typed as one line, separated by commas."""

    def __init__(self, **kwargs):
        super().__init__(max_length=1000, required=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        # Control characters (NUL among them: PostgreSQL refuses it) are dropped, not stored.
        text = query_text(super().to_python(value) or "", self.max_length or 1000)
        return [tag.strip() for tag in text.split(",") if tag.strip()]


class AudienceForm(forms.ModelForm):
    """Who sees a resource or a course: partner types, stages and a minimum tier (none chosen:
    everyone). The library's and the courses' forms share it."""

    partner_types = forms.MultipleChoiceField(
        label=_("For partner types"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every type."),
    )
    stages = forms.MultipleChoiceField(
        label=_("Partner stages"),
        required=False,
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every stage."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_types"].choices = list(  # type: ignore[attr-defined]
            PartnerType.objects.order_by("name").values_list("key", "name")
        )
        self.fields["min_tier"].queryset = Tier.objects.order_by("rank")  # type: ignore[attr-defined]
        self.fields["min_tier"].label = _("Minimum tier")
        self.fields["min_tier"].empty_label = _("Any tier")  # type: ignore[attr-defined]


class ResourceForm(AudienceForm):
    upload = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "PDF, image, Word, Excel or PowerPoint, at most 20 MB. A new file keeps the old one "
            "in the history."
        ),
    )
    tags = TagsField(label=_("Tags"), help_text=_("Separated by commas."))

    class Meta:
        model = Resource
        fields = [*RESOURCE_FIELDS, "published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18}), "summary": forms.TextInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ", ".join("{{ " + name + " }}" for name in FIELDS)
        self.fields["body"].help_text = _(
            "Markdown. A template may use merge fields: %(fields)s."
        ) % {"fields": fields}
        self.fields["kind"].choices = Kind.choices  # type: ignore[attr-defined]
        self.fields["phase"].choices = Phase.choices  # type: ignore[attr-defined]
        self.fields["content"].choices = Content.choices  # type: ignore[attr-defined]


class DocumentForm(forms.ModelForm):
    class Meta:
        model = PartnerDocument
        fields = ["title", "body", "shared_with_partner"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}


class UseTemplateForm(forms.Form):
    """ "Use for this partner": which partner the document is for (one the caller sees)."""

    partner = forms.ModelChoiceField(
        queryset=PartnerType.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the partners listed.")},
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]


# --- courses -----------------------------------------------------------------------------------


class CourseForm(AudienceForm):
    class Meta:
        model = Course
        fields = [*COURSE_FIELDS, "published"]
        widgets = {"summary": forms.TextInput()}
        formfield_callback = numbers.formfield

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = Phase.choices  # type: ignore[attr-defined]
        self.fields["task_template"].queryset = PlaybookTaskTemplate.objects.filter(  # type: ignore[attr-defined]
            completed_by=CompletingEvent.CERTIFICATION_EARNED
        ).order_by("stage", "order", "id")
        self.fields["task_template"].help_text = _(
            "A playbook task that completes itself when one of the partner's people earns this "
            "certification (its “completes itself when” says so)."
        )
        self.fields["published"].help_text = _("Partners see a published course with a quiz.")


class LessonForm(forms.Form):
    resource = forms.ModelChoiceField(
        label=_("Add a lesson from the library"),
        queryset=Resource.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the resources listed.")},
    )

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = (  # type: ignore[attr-defined]
            Resource.objects.filter(published=True, internal=False)
            .exclude(lessons__course=course)
            .order_by("phase", "title", "id")
        )


class QuestionForm(forms.Form):
    """A question and up to MAX_CHOICES answers, each with its "correct" box."""

    text = forms.CharField(label=_("Question"), max_length=500)

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = list(question.choices.all()) if question is not None else []
        if question is not None:
            self.fields["text"].initial = question.text
        for i in range(MAX_CHOICES):
            choice = existing[i] if i < len(existing) else None
            self.fields[f"choice_{i}"] = forms.CharField(
                label=_("Answer %(n)s") % {"n": i + 1},
                max_length=300,
                required=False,
                initial=choice.text if choice else "",
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(
                label=_("Answer %(n)s is correct") % {"n": i + 1},
                required=False,
                initial=choice.correct if choice else False,
            )

    def choices(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        return [
            (query_text(data.get(f"choice_{i}") or "", 300), bool(data.get(f"correct_{i}")))
            for i in range(MAX_CHOICES)
        ]

    def answer_rows(self):
        return [(self[f"choice_{i}"], self[f"correct_{i}"]) for i in range(MAX_CHOICES)]
