"""/api/v1/fund-periods/, /api/v1/fund-allocations/, /api/v1/fund-requests/ (DESIGN.md section 16)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.access import WORKS_FUNDS, IsAdminRole, IsStaffRole
from apps.core.api import TransitionsMixin
from apps.core.serializers import (
    AmountField,
    CurrencyCodeField,
    OneLineCharField,
    RoleFieldsModelSerializer,
)
from apps.partners.models import Partner

from .filters import FundAllocationFilter, FundRequestFilter
from .models import MAX_AMOUNT, ActivityType, FundAllocation, FundFile, FundPeriod, FundRequest
from .selectors import allocations_for, periods, requests_for
from .services import (
    allocation_create,
    fund_request_create,
    fund_request_transition,
    period_create,
)


def _amount(**kwargs) -> AmountField:
    return AmountField(max_digits=14, decimal_places=2, max_value=MAX_AMOUNT, **kwargs)


class FundPeriodSerializer(RoleFieldsModelSerializer):
    name = OneLineCharField(max_length=40)
    budget = _amount(min_value=Decimal("0"))
    allocated = _amount(source="allocated_base", read_only=True)
    # The base currency when the period opened (any code the settings page stored).
    currency = CurrencyCodeField(answer_enum=False, read_only=True)

    class Meta:
        model = FundPeriod
        fields = ["id", "name", "starts_on", "ends_on", "budget", "currency", "allocated"]
        read_only_fields = ["currency", "allocated"]
        validators: list[object] = []  # the service decides (a unique name, ordered dates)

    def create(self, validated_data):
        return period_create(actor=self.context["request"].user, **validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="List fund periods",
        description="Staff: the fund periods, newest first, with their budget and what is "
        "allocated (base currency).",
    ),
    create=extend_schema(
        summary="Open a fund period",
        description="Admins open a period with its budget in the base currency.",
    ),
    retrieve=extend_schema(summary="Read a fund period", description="One fund period."),
)
class FundPeriodViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    serializer_class = FundPeriodSerializer

    def get_permissions(self):
        return [IsAdminRole()] if self.action == "create" else [IsStaffRole()]

    def get_queryset(self):
        return periods()


class FundAllocationSerializer(RoleFieldsModelSerializer):
    staff_only_fields = ("rule",)
    period = serializers.PrimaryKeyRelatedField(queryset=FundPeriod.objects.all())
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())
    amount = _amount(min_value=Decimal("0.01"))
    currency = CurrencyCodeField()
    allocated = _amount(read_only=True)
    committed = _amount(read_only=True)
    claimed = _amount(read_only=True)
    paid = _amount(read_only=True)
    remaining = _amount(read_only=True)
    rule = serializers.CharField(read_only=True, help_text="Staff only: the tier rule, if any.")

    class Meta:
        model = FundAllocation
        fields = [
            "id", "period", "partner", "amount", "currency", "claim_deadline",
            "allocated", "committed", "claimed", "paid", "remaining", "rule",
        ]  # fmt: skip
        validators: list[object] = []  # the service decides (one per partner and period)

    def create(self, validated_data):
        return allocation_create(actor=self.context["request"].user, **validated_data)


@extend_schema_view(
    list=extend_schema(
        summary="List fund allocations",
        description="Partner users see their own company's allocations; staff all. Balances "
        "(`allocated, committed, claimed, paid, remaining`) are the sums of the ledger's "
        "movements, in the allocation's currency.",
    ),
    create=extend_schema(
        summary="Allocate funds to a partner",
        description="Admins allocate part of a period's budget to a partner. 409 "
        "`over_allocated` when the period's budget cannot cover it (converted to the base "
        "currency at the rate in force); 400 when the partner has one already.",
    ),
    retrieve=extend_schema(summary="Read a fund allocation", description="One allocation."),
)
class FundAllocationViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):  # fmt: skip
    serializer_class = FundAllocationSerializer
    filterset_class = FundAllocationFilter

    def get_permissions(self):
        return [IsAdminRole()] if self.action == "create" else super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FundAllocation.objects.none()
        return allocations_for(self.request.user).order_by("-period__starts_on", "partner_id", "id")


class FundRequestSerializer(RoleFieldsModelSerializer):
    allocation = serializers.PrimaryKeyRelatedField(
        queryset=FundAllocation.objects.all(), help_text="Your company's allocation."
    )
    activity_type = serializers.ChoiceField(choices=ActivityType.choices)
    title = OneLineCharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    requested_amount = _amount(min_value=Decimal("0.01"))
    expected_leads = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    expected_pipeline = _amount(min_value=Decimal("0"), required=False)
    approved_amount = _amount(read_only=True, allow_null=True)
    actual_cost = _amount(read_only=True, allow_null=True)
    claim_amount = _amount(read_only=True, allow_null=True)
    currency = CurrencyCodeField(source="allocation.currency", read_only=True)
    submit = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Submit at once (else a draft)."
    )

    class Meta:
        model = FundRequest
        fields = [
            "id", "allocation", "partner", "activity_type", "title", "description",
            "starts_on", "ends_on", "requested_amount", "expected_leads", "expected_pipeline",
            "currency", "status", "approved_amount", "actual_cost", "claim_amount",
            "leads_created", "registrations_created", "payment_reference", "paid_on",
            "review_note", "claim_due", "created_at", "submitted_at", "claimed_at", "submit",
        ]  # fmt: skip
        read_only_fields = [
            "partner", "status", "leads_created", "registrations_created", "payment_reference",
            "paid_on", "review_note", "claim_due", "created_at", "submitted_at", "claimed_at",
        ]  # fmt: skip

    def validate_allocation(self, allocation):
        user = self.context["request"].user
        # Another company's allocation is answered as one that does not exist.
        if user.is_partner_user and allocation.partner_id != user.partner_id:
            raise serializers.ValidationError("Invalid pk - object does not exist.")
        return allocation

    def create(self, validated_data):
        submit = validated_data.pop("submit", False)
        allocation = validated_data.pop("allocation")
        return fund_request_create(
            allocation=allocation,
            actor=self.context["request"].user,
            data=validated_data,
            submit=submit,
        )


class ApproveInput(serializers.Serializer):
    approved_amount = _amount(min_value=Decimal("0.01"))


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class ClaimInput(serializers.Serializer):
    actual_cost = _amount(min_value=Decimal("0.01"))
    leads_created = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    registrations_created = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False
    )


class AmountInput(serializers.Serializer):
    amount = _amount(min_value=Decimal("0.01"))


class PayInput(serializers.Serializer):
    reference = OneLineCharField(max_length=100)
    paid_on = serializers.DateField()


class FundFileSerializer(RoleFieldsModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where the caller downloads it.")

    class Meta:
        model = FundFile
        fields = ["id", "kind", "name", "content_type", "size", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        user = self.context["request"].user
        name = "funds:file" if user.is_staff_role else "portal:fund_file"
        return reverse(name, args=[obj.request_id, obj.pk])


REQUEST_INPUT = {
    "allocation": 5120,
    "activity_type": "webinar",
    "title": "Cloud migration webinar",
    "description": "Two sessions for DACH IT leads.",
    "starts_on": "2027-02-01",
    "ends_on": "2027-02-02",
    "requested_amount": "4000.00",
    "expected_leads": 40,
    "expected_pipeline": "200000.00",
    "submit": True,
}


@extend_schema_view(
    list=extend_schema(
        summary="List fund requests",
        description="Partner users see their own company's requests; staff all. Newest first. "
        "Filter by `status`, `activity_type`, `allocation` (and `partner`, staff).",
    ),
    create=extend_schema(
        summary="Request funds",
        description="A partner member or admin requests funds from their company's allocation "
        "for an activity; a draft, or submitted at once with `submit: true`.",
        examples=[OpenApiExample("A webinar", value=REQUEST_INPUT, request_only=True)],
    ),
    retrieve=extend_schema(summary="Read a fund request", description="One fund request."),
)
class FundRequestViewSet(
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FundRequestSerializer
    filterset_class = FundRequestFilter
    partner_roles = {"create": WORKS_FUNDS, "run_transition": WORKS_FUNDS}
    transition_inputs = {
        "approve": ApproveInput,
        "reject": ReasonInput,
        "return": NoteInput,
        "claim": ClaimInput,
        "approve_claim": AmountInput,
        "reject_claim": ReasonInput,
        "pay": PayInput,
    }
    transition_docs = {
        "submit": (
            "Submit a fund request",
            "The partner sends a draft (or a request returned "
            "for changes) to its manager's review; the review SLA clock starts.",
        ),
        "approve": (
            "Approve a fund request",
            "A manager approves `approved_amount` (at most "
            "the amount requested), committing it on the allocation. 409 "
            "`insufficient_funds` when the allocation's remaining funds cannot hold it.",
        ),
        "reject": ("Reject a fund request", "A manager turns the request down with a `reason`."),
        "return": (
            "Return for changes",
            "A manager returns a submitted request (or a claim) "
            "to the partner with a `note` of what to change.",
        ),
        "claim": (
            "Submit the claim",
            "The partner claims the approved activity's `actual_cost` "
            "with its results, once an invoice and a proof of performance are attached.",
        ),
        "approve_claim": (
            "Approve a claim",
            "A manager approves `amount` (at most the approved "
            "amount); what is not claimed is released to the allocation.",
        ),
        "reject_claim": (
            "Reject a claim",
            "A manager rejects the claim with a `reason`; the commitment is released.",
        ),
        "pay": ("Record the payment", "Staff record the payment's `reference` and `paid_on`."),
        "cancel": (
            "Cancel a fund request",
            "The partner or a manager cancels it before the claim; an approved amount is released.",
        ),
        "expire": (
            "Expire a fund request (system only)",
            "The claim-deadline sweep expires "
            "approved requests not claimed in time. No API caller may run it: 403.",
        ),
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FundRequest.objects.none()
        return requests_for(self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def perform_transition(self, obj, name, data):
        return fund_request_transition(
            fund_request=obj, name=name, actor=self.request.user, via="API", **data
        )

    @extend_schema(
        summary="List a fund request's files",
        description="The claim's invoice and proofs of performance, each with the address the "
        "caller downloads it from.",
        responses=FundFileSerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="files", pagination_class=None)
    def files(self, request, *args, **kwargs):
        obj = self.get_object()
        return Response(
            FundFileSerializer(obj.files.all(), many=True, context={"request": request}).data
        )


routes = [
    ("fund-periods", FundPeriodViewSet, "fund-period"),
    ("fund-allocations", FundAllocationViewSet, "fund-allocation"),
    ("fund-requests", FundRequestViewSet, "fund-request"),
]
