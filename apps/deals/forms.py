from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core import extra_fields, iso, numbers
from apps.core.errors import InvalidInput
from apps.core.fields import StrictBooleanField
from apps.program.models import RejectionReason

from .models import MAX_COMMENT, MAX_VALUE
from .services import EXTENDED, clean_close_date, clean_domain, registration_validate


def _with_codes(choices):
    """A select's options for a list of ISO codes: "Name (code)", after an empty choice."""

    def options() -> list[tuple[str, str]]:
        return [("", "—"), *[(code, f"{name} ({code})") for code, name in choices()]]

    return options


class RegistrationForm(forms.Form):
    customer_name = forms.CharField(label=_("Customer"), max_length=200)
    customer_domain = forms.CharField(
        label=_("Customer domain or website"),
        max_length=2000,
        help_text=_("e.g. acme.com or https://www.acme.com — we keep just the domain."),
        widget=forms.TextInput(
            attrs={
                "hx-get": reverse_lazy("portal:deal_hint"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#domain-hint",
                "hx-sync": "this:replace",
                "autocomplete": "off",
                "aria-describedby": "domain-hint",
            }
        ),
    )
    customer_country = forms.ChoiceField(
        label=_("Customer's country"),
        choices=_with_codes(iso.country_choices),
        error_messages={"invalid_choice": iso.COUNTRY_ERROR},
    )
    contact_name = forms.CharField(label=_("Customer contact"), max_length=200)
    contact_email = forms.EmailField(label=_("Contact's e-mail address"), max_length=254)
    product = forms.CharField(label=_("Product or solution"), max_length=200)
    estimated_value = numbers.DecimalField(
        label=_("Estimated deal value"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_VALUE,
    )
    currency = forms.ChoiceField(
        label=_("Currency"),
        choices=_with_codes(iso.currency_choices),
        error_messages={"invalid_choice": iso.CURRENCY_ERROR},
    )
    expected_close_date = forms.DateField(
        label=_("Expected to close on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, partner_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        # Fields the apps above add (funds: the fund request that produced it).
        extra = extra_fields.form_fields(EXTENDED, partner_id=partner_id)
        self.fields.update(extra)
        self.extra_names = list(extra)

    @property
    def extra_fields(self):
        return [self[name] for name in self.extra_names]

    def clean_customer_domain(self):
        return clean_domain(self.cleaned_data["customer_domain"])

    def clean_expected_close_date(self):
        value = self.cleaned_data["expected_close_date"]
        clean_close_date(value, timezone.localdate())
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        try:
            extra = {name: cleaned.get(name) for name in self.extra_names}
            return {**registration_validate(cleaned, today=timezone.localdate()), **extra}
        except InvalidInput as exc:
            for field, messages in exc.errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned


class ExtensionRequestForm(forms.Form):
    days = numbers.IntegerField(min_value=1, max_value=90, initial=30, label=_("Extra days"))
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    """A reason from the admin-kept list, the manager's own words, or both: what the partner
    reads, word for word (services.rejection_text composes it; the preview shows it)."""

    reason_code = forms.ModelChoiceField(
        label=_("Reason (the partner reads it)"),
        queryset=RejectionReason.objects.filter(active=True).order_by("order", "id"),
        required=False,
        empty_label=_("— none: write the reason below —"),
    )
    reason = forms.CharField(
        label=_("Your words to the partner (optional when a reason is picked)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The partner reads this too. Never name another partner or its customer."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        picked = self.cleaned_data.get("reason_code")
        if not picked and not (self.cleaned_data.get("reason") or "").strip() and not self.errors:
            self.add_error("reason", _("Choose a reason from the list, write one, or both."))
        # What the service takes: the reason's id (the service checks it is still offered).
        self.cleaned_data["reason_code"] = picked.pk if picked else None
        return self.cleaned_data


class ExtendForm(forms.Form):
    days = numbers.IntegerField(label=_("Extend by (days)"), min_value=1, max_value=90, initial=30)
    reason = forms.CharField(
        label=_("Note to the partner (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )


class ExtensionDecisionForm(forms.Form):
    """The manager's answer to a partner's extension request: the days asked for, fewer (with a
    reason the partner reads), or no (with a reason the partner reads)."""

    DECISIONS = [
        ("grant_requested", _("Grant as requested")),
        ("grant", _("Grant these days")),
        ("decline", _("Decline")),
    ]
    decision = forms.ChoiceField(choices=DECISIONS)
    days = numbers.IntegerField(label=_("Days to grant"), min_value=1, max_value=90, required=False)
    reason = forms.CharField(
        label=_("Reason (the partner reads it; required to grant fewer days or to decline)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WonForm(forms.Form):
    actual_value = numbers.DecimalField(
        label=_("Actual value (optional)"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=MAX_VALUE,
        required=False,
    )


class LostForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it was lost (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


TRANSITION_FORMS = {
    "reject": RejectForm,
    "extend": ExtendForm,
    "mark_won": WonForm,
    "mark_lost": LostForm,
}


class QueueFilterForm(forms.Form):
    status = forms.CharField(required=False)
    q = forms.CharField(required=False, max_length=100)


# --- the conversation (apps/deals/conversation.py) -----------------------------------------------
class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 3})
    )
    internal = StrictBooleanField(
        label=_("Internal note: only staff read it, the partner never sees it"), required=False
    )


class PartnerCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, image, Word, Excel or PowerPoint; at most 10 MB."),
    )


class RequestInfoForm(forms.Form):
    question = forms.CharField(
        label=_("Question for the partner"),
        help_text=_("The partner reads it; the review clock stops until they answer."),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProvideInfoForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), max_length=MAX_COMMENT, widget=forms.Textarea(attrs={"rows": 4})
    )
