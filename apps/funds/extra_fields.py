"""The `fund_request` field funds adds to registrations (deals) and leads (leads): which fund
request produced them, for the return on funds. Offered by `apps.core.extra_fields`; the data is
this app's `Attribution`."""

from __future__ import annotations

from django import forms
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.extra_fields import ExtraField
from apps.core.ids import MAX_ID

from .models import Attribution
from .services.attribution import attributable, attribute

HELP = _("The approved fund request (marketing activity) that produced it, if any.")


class FundRequestChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title} ({obj.partner.name})" if self.show_partner else obj.title

    show_partner = False


def _form_field(partner_id: int | None) -> forms.Field:
    field = FundRequestChoiceField(
        label=_("Funded activity"),
        queryset=attributable(partner_id).select_related("partner"),
        required=False,
        help_text=HELP,
    )
    field.show_partner = partner_id is None
    return field


class FundRequestIdField(serializers.IntegerField):
    """The fund request's id: the list's annotation when there is one, else read."""

    def __init__(self, *, target: str, **kwargs):
        self.target = target
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        if hasattr(instance, "fund_request"):
            return instance.fund_request
        return (
            Attribution.objects.filter(**{self.target: instance})
            .values_list("request_id", flat=True)
            .first()
        )


def _serializer_field(target: str):
    return lambda: FundRequestIdField(
        target=target,
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of an approved (claimed, paid) fund request of the same partner that "
        "produced it, or null. Another partner's request, or one not approved, is refused (400).",
    )


def _annotation(target: str):
    return lambda: Subquery(
        Attribution.objects.filter(**{target: OuterRef("pk")}).values("request_id")[:1]
    )


def _writer(target: str):
    def write(obj, value, partner_id: int | None, actor):
        return attribute(target, obj, value, partner_id=partner_id, actor=actor)

    return write


FIELDS = [
    ExtraField(
        target=f"{app}.{target}",
        name="fund_request",
        form_field=_form_field,
        serializer_field=_serializer_field(target),
        annotation=_annotation(target),
        write=_writer(target),
    )
    for app, target in (("deals", "registration"), ("leads", "lead"))
]
