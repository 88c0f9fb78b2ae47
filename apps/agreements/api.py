from __future__ import annotations

import json

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, serializers, viewsets
from rest_framework.decorators import action

from apps.core.access import (
    READS_AGREEMENTS,
    SIGNS_AGREEMENTS,
    IsAdminRole,
    StaffActionsOnVisibleObjects,
)
from apps.core.api import TransitionsMixin
from apps.core.clients import client_address
from apps.core.serializers import RoleFieldsModelSerializer
from apps.partners.models import Partner

from . import documents
from .filters import AgreementFilter
from .models import Agreement, AgreementTemplate, Kind
from .selectors import visible_agreements
from .services import (
    agreement_create,
    agreement_template_update,
    agreement_transition,
    agreement_update,
)


class AgreementSerializer(RoleFieldsModelSerializer):
    staff_only_input = ("partner",)

    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    exit_clauses = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    partner_address = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "partner",
            "kind",
            "title",
            "start_date",
            "end_date",
            "auto_renew",
            "notice_period_days",
            "exit_clauses",
            "status",
            "sent_at",
            "signed_at",
            "signed_by_name",
            "terminated_at",
            "termination_reason",
            "notice_ends_on",
            "partner_address",
            "document_url",
            "document_sha256",
            "countersign_required",
            "countersigned_at",
        ]
        read_only_fields = [
            "status",
            "sent_at",
            "signed_at",
            "signed_by_name",
            "terminated_at",
            "termination_reason",
            "notice_ends_on",
            "document_sha256",
            "countersign_required",
            "countersigned_at",
        ]
        extra_kwargs = {
            "end_date": {"help_text": "On or after `start_date`; null: no end date."},
        }

    def get_document_url(self, agreement) -> str | None:
        if not agreement.document:
            return None
        return reverse("agreement-document", args=[agreement.pk])

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": [_("Ends before it starts.")]})
        partner = attrs.get("partner")
        if self.instance is not None and partner and partner.pk != self.instance.partner_id:
            raise serializers.ValidationError(
                {"partner": [_("An agreement stays with its partner.")]}
            )
        return attrs

    def create(self, validated_data):
        return agreement_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return agreement_update(
            agreement=instance, actor=self.context["request"].user, **validated_data
        )


class PdfRenderer(renderers.BaseRenderer):
    """Lets a client ask for `application/pdf`; errors still answer in JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return json.dumps(data).encode() if isinstance(data, dict | list) else data


class SignInput(serializers.Serializer):
    signed_by_name = serializers.CharField(max_length=200)
    document_sha256 = serializers.RegexField(
        r"^[0-9a-fA-F]{64}$",
        required=False,
        help_text="The SHA-256 of the document the signer read; refused if it is not the "
        "agreement's document.",
    )


class TerminateInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RenewInput(serializers.Serializer):
    end_date = serializers.DateField(
        help_text="The new end date: after the current end date, and not before the start date."
    )


@extend_schema_view(
    list=extend_schema(
        summary="List agreements",
        description=(
            "The agreements visible to the caller (a partner user: their own company's), "
            "latest start first. Filter by `status` and (staff) `partner`."
        ),
    ),
    create=extend_schema(
        summary="Draft an agreement",
        description=(
            "Staff draft an agreement for a partner; it starts as `draft`. Send it for "
            "signature with the `send` transition."
        ),
    ),
    retrieve=extend_schema(
        summary="Read an agreement", description="One agreement visible to the caller."
    ),
    update=extend_schema(
        summary="Replace an agreement's terms",
        description="Staff replace the terms; `status` changes only by transitions.",
    ),
    partial_update=extend_schema(
        summary="Change an agreement's terms",
        description=(
            "Staff change the fields they send; `status` changes only by transitions and an "
            "agreement stays with its partner."
        ),
    ),
)
class AgreementViewSet(
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Agreement.objects.none()  # for the schema; get_queryset decides visibility
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    transition_inputs = {"sign": SignInput, "terminate": TerminateInput, "renew": RenewInput}
    transition_docs = {
        "send": (
            "Send an agreement for signature",
            "Staff send a draft to the partner. Unless a PDF was uploaded, its document is "
            "generated from the template of its kind. Refused (409 `conditions_unmet`) without "
            "a document or template, or without an active partner admin user to sign.",
        ),
        "sign": (
            "Record an agreement's signature",
            "A partner admin signs an agreement sent to their company, or staff record a "
            "signature obtained elsewhere: `signed_by_name` is the signer's typed name; "
            "`document_sha256` (optional) the fingerprint of the document read. The signature "
            "certificate is appended to the stored PDF. The agreement becomes active, or "
            "`signed` until a start date in the future.",
        ),
        "activate": (
            "Activate a signed agreement",
            "Staff (or the hourly sweep) make a signed agreement active once its start date "
            "has come.",
        ),
        "countersign": (
            "Countersign an agreement",
            "Staff countersign a signed or active agreement whose template asks for it; the "
            "certificate in the stored PDF names them.",
        ),
        "terminate": (
            "Terminate an agreement",
            "Staff end an active agreement early, saying why (`reason`); the notice period is "
            "recorded.",
        ),
        "renew": (
            "Renew an agreement",
            "Staff keep an active agreement active with a later `end_date`.",
        ),
        "expire": (
            "Mark an agreement expired",
            "Staff (or the nightly sweep) end an active agreement whose end date has passed.",
        ),
    }

    permission_classes = [StaffActionsOnVisibleObjects]
    staff_actions = {"create", "update", "partial_update"}
    partner_roles = {"*": READS_AGREEMENTS, "run_transition": SIGNS_AGREEMENTS}

    def get_queryset(self):
        return visible_agreements(self.request.user).order_by("-start_date", "-id")

    def perform_transition(self, obj, name, data):
        if name == "sign":
            data = {
                **data,
                "address": client_address(self.request),
                "user_agent": self.request.META.get("HTTP_USER_AGENT", ""),
            }
        return agreement_transition(agreement=obj, name=name, actor=self.request.user, **data)

    @extend_schema(
        summary="Download an agreement's document",
        description=(
            "The agreement's PDF: the document sent for signature; once signed, followed by its "
            "signature certificate page. 404 when it has none."
        ),
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF document."
            )
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="document",
        renderer_classes=[renderers.JSONRenderer, PdfRenderer],
    )
    def document(self, request, pk=None):
        return documents.response(self.get_object(), download=True)


class AgreementTemplateSerializer(RoleFieldsModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, read_only=True)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(
        max_length=50000,
        help_text="Markdown with merge fields written `{{ name }}`: "
        + ", ".join(documents.MERGE_FIELDS)
        + ". An unknown field is refused (400).",
    )

    class Meta:
        model = AgreementTemplate
        fields = ["id", "kind", "title", "body", "countersign"]

    def validate_body(self, body: str) -> str:
        unknown = documents.unknown_fields(body)
        if unknown:
            raise serializers.ValidationError(documents.unknown_fields_message(unknown))
        return body

    def update(self, instance, validated_data):
        data = {
            "title": instance.title,
            "body": instance.body,
            "countersign": instance.countersign,
            **validated_data,
        }
        return agreement_template_update(
            template=instance, actor=self.context["request"].user, **data
        )


@extend_schema_view(
    list=extend_schema(
        summary="List agreement templates",
        description="One template per agreement kind (admins).",
    ),
    retrieve=extend_schema(summary="Read an agreement template", description="Admins."),
    update=extend_schema(
        summary="Replace an agreement template's text",
        description="Admins; agreements already sent keep the document they were sent with.",
    ),
    partial_update=extend_schema(
        summary="Change an agreement template",
        description="Admins change the fields they send (`title`, `body`, `countersign`).",
    ),
)
class AgreementTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = AgreementTemplate.objects.order_by("kind")
    serializer_class = AgreementTemplateSerializer
    permission_classes = [IsAdminRole]


routes = [
    ("agreements", AgreementViewSet, "agreement"),
    ("agreement-templates", AgreementTemplateViewSet, "agreement-template"),
]
