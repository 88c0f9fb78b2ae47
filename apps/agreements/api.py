from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from apps.core.access import READS_AGREEMENTS, SIGNS_AGREEMENTS, StaffActionsOnVisibleObjects
from apps.core.api import TransitionsMixin
from apps.core.serializers import RoleFieldsModelSerializer
from apps.partners.models import Partner

from .filters import AgreementFilter
from .models import Agreement, Kind
from .selectors import visible_agreements
from .services import agreement_create, agreement_transition, agreement_update


class AgreementSerializer(RoleFieldsModelSerializer):
    staff_only_input = ("partner",)

    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(max_length=200)
    exit_clauses = serializers.CharField(required=False, allow_blank=True, max_length=20000)
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
            "document_url",
        ]
        read_only_fields = [
            "status",
            "sent_at",
            "signed_at",
            "signed_by_name",
            "terminated_at",
            "termination_reason",
            "notice_ends_on",
        ]
        extra_kwargs = {
            "end_date": {"help_text": "On or after `start_date`; null: no end date."},
        }

    def get_document_url(self, agreement) -> str | None:
        if not agreement.document:
            return None
        return reverse("agreements:document", args=[agreement.pk])

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["Ends before it starts."]})
        partner = attrs.get("partner")
        if self.instance is not None and partner and partner.pk != self.instance.partner_id:
            raise serializers.ValidationError({"partner": ["An agreement stays with its partner."]})
        return attrs

    def create(self, validated_data):
        return agreement_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return agreement_update(
            agreement=instance, actor=self.context["request"].user, **validated_data
        )


class SignInput(serializers.Serializer):
    signed_by_name = serializers.CharField(max_length=200)


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
        "send": ("Send an agreement for signature", "Staff send a draft to the partner."),
        "sign": (
            "Record an agreement's signature",
            "A partner user signs an agreement sent to their company, or staff record a "
            "signature obtained elsewhere: `signed_by_name` is the signer's typed name. The "
            "agreement becomes active.",
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
        return agreement_transition(agreement=obj, name=name, actor=self.request.user, **data)


routes = [("agreements", AgreementViewSet, "agreement")]
