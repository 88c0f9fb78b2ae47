from __future__ import annotations

from typing import Any, cast

from django import forms

from apps.core import numbers
from apps.partners.models import Partner

from .models import Agreement
from .services import MAX_DOCUMENT_BYTES, validate_document


class AgreementForm(forms.ModelForm):
    document = forms.FileField(
        required=False,
        help_text="PDF, at most 10 MB.",
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
            "exit_clauses",
            "document",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "exit_clauses": forms.Textarea(attrs={"rows": 4}),
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
                raise forms.ValidationError("The document must be a PDF of at most 10 MB.")
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
            self.add_error("end_date", "The agreement cannot end before it starts.")
        return data


class SignForm(forms.Form):
    signed_by_name = forms.CharField(
        label="Type your full name to sign",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


class RecordSignatureForm(forms.Form):
    signed_by_name = forms.CharField(label="Signed by (name)", max_length=200)


class TerminateForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RenewForm(forms.Form):
    end_date = forms.DateField(label="New end date", widget=forms.DateInput(attrs={"type": "date"}))
