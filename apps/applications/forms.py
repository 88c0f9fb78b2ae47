"""The public application form, a manager's decision forms, and the admins' question editor.
The rules are the services'; these forms only shape the input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core import numbers
from apps.core.fields import StrictBooleanField
from apps.core.iso import country_choices
from apps.program.models import PartnerType

from .models import ProfileChoice, ProfileQuestion
from .services import MAX_REASON, WEBSITE_ERROR, website_and_domain

# The field bots fill and people never see (hidden from sight and from assistive technology).
HONEYPOT = "fax_number"


def _countries() -> list[tuple[str, str]]:
    """Named in the language of the request, so read when the form is drawn."""
    return [("", str(_("Choose…"))), *country_choices()]


class HoneypotForm(forms.Form):
    """A public form with the field bots fill and people never see: the view answers a filled
    one exactly as it answers a person, and keeps nothing (templates/includes/honeypot.html)."""

    fax_number = forms.CharField(required=False, label=_("Leave this empty"), max_length=200)

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get(HONEYPOT) or "").strip())

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != HONEYPOT]


class ApplicationForm(HoneypotForm):
    company = forms.CharField(label=_("Company"), max_length=200)
    website = forms.CharField(
        label=_("Website"), max_length=300, help_text=_("Your company's website, e.g. acme.com.")
    )
    country = forms.ChoiceField(label=_("Country"), choices=_countries)
    partner_type = forms.ModelChoiceField(
        label=_("Kind of partnership"),
        queryset=PartnerType.objects.order_by("name"),
        to_field_name="key",
        empty_label=_("Choose…"),
    )
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    contact_email = forms.EmailField(label=_("Your e-mail address"), max_length=254)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q_{q.pk}"] = forms.ChoiceField(
                label=q.text,
                help_text=q.help_text,
                choices=[(str(c.pk), c.text) for c in q.choices.all()],
                widget=forms.RadioSelect,
            )

    def clean_website(self) -> str:
        value = self.cleaned_data["website"]
        if website_and_domain(value) is None:
            raise forms.ValidationError(_(WEBSITE_ERROR))
        return value

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}", "") for q in self.questions}


class AcceptForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Partner manager"),
        queryset=User.objects.filter(role__in=["admin", "manager"], is_active=True).order_by(
            "username"
        ),
        required=False,
        empty_label=_("Me"),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (e-mailed to the applicant)"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.ModelForm):
    class Meta:
        formfield_callback = numbers.formfield
        model = ProfileQuestion
        fields = ["text", "help_text", "order", "active"]


class BaseChoiceFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"] = StrictBooleanField(required=False, label=_("Delete"))

    def clean(self):
        super().clean()
        # The rows posted as existing must be the question's choices as they are now: otherwise
        # an existing choice would be saved again as a new one, or a new one dropped.
        if self.initial_form_count() != self.get_queryset().count():
            raise ValidationError(
                _("The choices changed while you edited them; reload the page and try again."),
                code="stale",
            )


ChoiceFormSet = forms.inlineformset_factory(
    ProfileQuestion,
    ProfileChoice,
    formset=BaseChoiceFormSet,
    fields=["text", "weight", "order"],
    formfield_callback=numbers.formfield,
    # A question is asked with its answers: at least one choice, at most twelve.
    min_num=1,
    validate_min=True,
    extra=2,
    max_num=12,
    validate_max=True,
    # A posted TOTAL_FORMS past this is not read as a thousand rows (Django's default ceiling).
    absolute_max=12,
    can_delete=True,
)
