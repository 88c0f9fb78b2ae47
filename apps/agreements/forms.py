from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core import numbers
from apps.partners.models import Partner

from . import documents
from .models import Agreement, AgreementTemplate
from .services import MAX_DOCUMENT_BYTES, validate_document


class AgreementForm(forms.ModelForm):
    document = forms.FileField(
        required=False,
        help_text=_(
            "PDF, at most 10 MB. Leave empty to generate the document from the template of "
            "this kind when the agreement is sent."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        formfield_callback = numbers.formfield
        model = Agreement
        fields = [
            "partner",
            "kind",
            "title",
            "start_date",
            "end_date",
            "auto_renew",
            "notice_period_days",
            "partner_address",
            "exit_clauses",
            "document",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "exit_clauses": forms.Textarea(attrs={"rows": 4}),
            "partner_address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = Partner.objects.order_by(
            "name"
        )
        # A new row already holds its (random) id: Django's documented flag tells new from saved.
        if not self.instance._state.adding:  # noqa: SLF001
            self.fields["partner"].disabled = True

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            if upload.size > MAX_DOCUMENT_BYTES:
                raise forms.ValidationError(_("The document must be a PDF of at most 10 MB."))
            try:
                validate_document(upload)
            except forms.ValidationError:
                raise
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The agreement cannot end before it starts."))
        return data


class SignForm(forms.Form):
    signed_by_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    # The fingerprint of the document the page showed: signing another one is refused.
    document_sha256 = forms.RegexField(
        regex=r"^[0-9a-fA-F]{64}$", required=False, widget=forms.HiddenInput
    )


class RecordSignatureForm(forms.Form):
    signed_by_name = forms.CharField(label=_("Signed by (name)"), max_length=200)


class TerminateForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RenewForm(forms.Form):
    end_date = forms.DateField(
        label=_("New end date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class AgreementTemplateForm(forms.ModelForm):
    class Meta:
        model = AgreementTemplate
        fields = ["title", "body", "countersign"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24, "spellcheck": "true"})}
        help_texts = {
            "body": _(
                "Markdown (## for a heading, **bold**, blank line between paragraphs). "
                "Merge fields are written {{ like_this }}; the list is beside the text."
            )
        }

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body", "")
        unknown = documents.unknown_fields(body)
        if unknown:
            raise forms.ValidationError(documents.unknown_fields_message(unknown))
        return body
