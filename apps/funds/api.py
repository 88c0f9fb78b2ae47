"""/api/v1/fund-periods/, /api/v1/fund-allocations/, /api/v1/fund-requests/ (DESIGN.md section 16)."""

from __future__ import annotations

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core.access import READS_EARNINGS, WORKS_FUNDS, IsAdminRole, IsStaffRole
from apps.core.api import TransitionsMixin
from apps.core.errors import InvalidInput
from apps.core.serializers import (
    AmountField,
    CurrencyCodeField,
    OneLineCharField,
    RoleFieldsModelSerializer,
)
from apps.core.uploads import download
from apps.partners.models import Partner

from .filters import EarningFilter, FundAllocationFilter, FundRequestFilter, PayoutBatchFilter
from .models import (
    MAX_AMOUNT,
    ActivityType,
    EarningAccrual,
    FundAllocation,
    FundFile,
    FundPeriod,
    FundRequest,
    PayoutBatch,
)
from .selectors import (
    allocations_for,
    batch_totals,
    earnings_for,
    payout_batches,
    periods,
    requests_for,
)
from .services import (
    PERIOD_ERROR,
    PERIOD_PATTERN,
    REQUEST_FIELDS,
    allocation_create,
    fund_file_add,
    fund_request_create,
    fund_request_transition,
    fund_request_update,
    payout_batch_create,
    payout_batch_plan,
    payout_batch_transition,
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
            raise serializers.ValidationError(_("Invalid pk - object does not exist."))
        return allocation

    def update(self, instance, validated_data):
        """PATCH: the partner changes a draft or a returned request (the fields not sent keep
        their values) and, with `submit: true`, sends it to review again."""
        submit = validated_data.pop("submit", False)
        allocation = validated_data.pop("allocation", instance.allocation)
        if allocation.pk != instance.allocation_id:
            raise InvalidInput({"allocation": [_("A request stays on its allocation.")]})
        data = {name: getattr(instance, name) for name in REQUEST_FIELDS}
        data.update(validated_data)
        return fund_request_update(
            fund_request=instance,
            actor=self.context["request"].user,
            data=data,
            submit=submit,
            via="API",
        )

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
    url = serializers.SerializerMethodField(help_text="Where the caller downloads it (a page).")
    download = serializers.SerializerMethodField(
        help_text="GET it through the API (with the same credentials) for the file itself."
    )

    class Meta:
        model = FundFile
        fields = ["id", "kind", "name", "content_type", "size", "uploaded_at", "url", "download"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        user = self.context["request"].user
        name = "funds:file" if user.is_staff_role else "portal:fund_file"
        return reverse(name, args=[obj.request_id, obj.pk])

    def get_download(self, obj) -> str:
        return f"/api/v1/fund-requests/{obj.request_id}/files/{obj.pk}/"


FILE_KINDS = {
    "type": "string",
    "enum": FundFile.Kind.values,
    "description": "`invoice` or `proof` (of performance).",
}
FILE_UPLOAD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"kind": FILE_KINDS, "file": {"type": "string", "format": "binary"}},
        "required": ["kind", "file"],
    }
}


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
    partial_update=extend_schema(
        summary="Change a draft or returned fund request",
        description="The requesting partner's members and admins change a draft or a request "
        "returned for changes (fields not sent keep their values; `allocation` does not "
        "change) and, with `submit: true`, send it to review again in the same step. 409 "
        "`transition_not_allowed` in any other state; 403 for staff and the finance role.",
        examples=[
            OpenApiExample(
                "Fewer days, resubmitted",
                value={"ends_on": "2027-02-01", "requested_amount": "3000.00", "submit": True},
                request_only=True,
            )
        ],
    ),
)
class FundRequestViewSet(
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FundRequestSerializer
    filterset_class = FundRequestFilter
    # PATCH only: a change names what it changes.
    http_method_names = ["get", "post", "patch", "head", "options"]
    partner_roles = {
        "create": WORKS_FUNDS,
        "partial_update": WORKS_FUNDS,
        "run_transition": WORKS_FUNDS,
    }
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
        methods=["get"],
        summary="List a fund request's files",
        description="The claim's invoice and proofs of performance, each with the address the "
        "caller downloads it from.",
        responses=FundFileSerializer(many=True),
        request=None,
    )
    @extend_schema(
        methods=["post"],
        summary="Attach an invoice or a proof of performance",
        description="The requesting partner's members and admins upload one `file` with its "
        "`kind` as multipart/form-data while the claim is prepared (approved, or the claim "
        "returned): PDF, PNG, JPEG, GIF or WebP, checked by content, at most 10 MB; anything "
        "else is answered 400 with the reason under `file`. 409 `transition_not_allowed` in "
        "another state; 403 for staff and the finance role.",
        request=FILE_UPLOAD,
        responses={201: FundFileSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="files",
        pagination_class=None,
        parser_classes=[MultiPartParser],
    )
    def files(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {"request": request}
        if request.method == "POST":
            stored = fund_file_add(
                fund_request=obj,
                kind=request.data.get("kind"),
                upload=request.FILES.get("file"),
                actor=request.user,
            )
            return Response(
                FundFileSerializer(stored, context=context).data, status=status.HTTP_201_CREATED
            )
        return Response(FundFileSerializer(obj.files.all(), many=True, context=context).data)

    @extend_schema(
        summary="Download a fund request's file",
        description="The file itself, as an attachment (`X-Content-Type-Options: nosniff`), for "
        "whoever sees the request; 404 for anyone else.",
        parameters=[OpenApiParameter("file_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The file")},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<file_id>[0-9]{1,18})",
        url_name="file",
        pagination_class=None,
    )
    def file(self, request, pk=None, file_id=None):
        obj = self.get_object()
        item = get_object_or_404(obj.files.all(), pk=int(file_id or 0))
        return download(item.file, filename=item.name, content_type=item.content_type)


routes = [
    ("fund-periods", FundPeriodViewSet, "fund-period"),
    ("fund-allocations", FundAllocationViewSet, "fund-allocation"),
    ("fund-requests", FundRequestViewSet, "fund-request"),
]


# --- earnings (issue 21) ------------------------------------------------------------------------
class EarningSerializer(RoleFieldsModelSerializer):
    staff_only_fields = ("batch",)
    won_value = _amount(read_only=True)
    amount = _amount(read_only=True)
    amount_base = _amount(
        read_only=True,
        allow_null=True,
        help_text="The rebate in the base currency at the rate in force on the day it was won; "
        "null when no rate was in force.",
    )
    percent = AmountField(max_digits=5, decimal_places=2, read_only=True)
    customer_name = serializers.CharField(source="registration.customer_name", read_only=True)
    paid_on = serializers.DateField(source="batch.paid_on", read_only=True, allow_null=True)
    batch = serializers.IntegerField(
        source="batch_id", read_only=True, allow_null=True, help_text="Staff only: the batch."
    )
    currency = CurrencyCodeField(answer_enum=False, read_only=True)
    base_currency = CurrencyCodeField(answer_enum=False, read_only=True)

    class Meta:
        model = EarningAccrual
        fields = [
            "id", "partner", "registration", "customer_name", "won_on", "tier_name", "percent",
            "won_value", "currency", "amount", "base_currency", "amount_base", "status",
            "paid_on", "batch", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List earnings",
        description="The rebates accrued on won registrations (the tier's `rebate_percent` of "
        "the won value), with their status `accrued`, `approved` (in an approved payout batch) "
        "or `paid`. Partner finance users and admins see their own company's (members: 403); "
        "staff every partner's. Filter by `status`, `currency`, `batch` (and `partner`, staff).",
    ),
    retrieve=extend_schema(summary="Read an earning", description="One accrued rebate."),
)
class EarningViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EarningSerializer
    filterset_class = EarningFilter
    partner_roles = {"*": READS_EARNINGS}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EarningAccrual.objects.none()
        return earnings_for(self.request.user).order_by("-won_on", "-id")


class PayoutBatchSerializer(RoleFieldsModelSerializer):
    period = serializers.RegexField(
        PERIOD_PATTERN,
        write_only=True,
        max_length=7,
        help_text="A month (`2026-11`) or a quarter (`2026-Q4`): the day each deal was won.",
        error_messages={"invalid": PERIOD_ERROR},
    )
    expected = serializers.RegexField(
        r"^[0-9a-f]{16}\Z",
        write_only=True,
        required=False,
        help_text="The `fingerprint` of the preview: nothing is written (409 "
        "`concurrent_change`) when the period's accruals changed since.",
    )
    accruals = serializers.IntegerField(source="accrual_count", read_only=True)
    totals = serializers.SerializerMethodField(help_text="Per currency: the amount to pay.")

    class Meta:
        model = PayoutBatch
        fields = [
            "id", "name", "starts_on", "ends_on", "status", "accruals", "totals", "created_at",
            "approved_at", "payment_reference", "paid_on", "period", "expected",
        ]  # fmt: skip
        read_only_fields = [
            "name", "starts_on", "ends_on", "status", "created_at", "approved_at",
            "payment_reference", "paid_on",
        ]  # fmt: skip

    def get_totals(self, obj) -> dict[str, str]:
        known = self.context.get("batch_totals")
        totals = known if known is not None else batch_totals([obj.pk])
        return {cur: str(total) for cur, total in totals.get(obj.pk, {}).items()}

    def create(self, validated_data):
        return payout_batch_create(
            period=validated_data["period"],
            actor=self.context["request"].user,
            expected=validated_data.get("expected"),
        )


class PeriodInput(serializers.Serializer):
    period = serializers.RegexField(
        PERIOD_PATTERN,
        max_length=7,
        help_text="A month (`2026-11`) or a quarter (`2026-Q4`).",
        error_messages={"invalid": PERIOD_ERROR},
    )


class BatchPreviewSerializer(serializers.Serializer):
    name = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    count = serializers.IntegerField()
    totals = serializers.DictField(child=serializers.CharField())
    fingerprint = serializers.CharField(help_text="Give it as `expected` when creating.")
    accruals = serializers.ListField(child=serializers.IntegerField())


@extend_schema_view(
    list=extend_schema(
        summary="List payout batches",
        description="Staff: the payout batches, newest first, with their accrual count and "
        "totals per currency. Filter by `status`.",
    ),
    create=extend_schema(
        summary="Write a payout batch",
        description="Staff write the batch of a `period`: every accrued earning of a deal won "
        "in it that no other batch holds (an earning belongs to at most one batch). Give the "
        "preview's `fingerprint` as `expected` to write exactly what was previewed. 409 "
        "`conditions_unmet` when there is nothing to pay, `concurrent_change` when the "
        "accruals changed since the preview; 400 for a period that is not a month or quarter.",
    ),
    retrieve=extend_schema(summary="Read a payout batch", description="One payout batch."),
)
class PayoutBatchViewSet(
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PayoutBatchSerializer
    filterset_class = PayoutBatchFilter
    permission_classes = [IsStaffRole]
    transition_inputs = {"pay": PayInput}
    transition_docs = {
        "approve": (
            "Approve a payout batch",
            "Staff approve a draft batch; its earnings become `approved` and the batch can be "
            "exported as CSV for the finance system.",
        ),
        "pay": (
            "Mark a payout batch paid",
            "Staff record the payment's `reference` and `paid_on`; its earnings become `paid` "
            "and the partners' finance users and admins are told.",
        ),
        "cancel": (
            "Cancel a payout batch",
            "Staff cancel a draft or approved batch; its earnings are `accrued` again and free "
            "for a later batch.",
        ),
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PayoutBatch.objects.none()
        return payout_batches().order_by("-created_at", "-id")

    def list(self, request, *args, **kwargs):
        # The page's totals per currency in one query (a constant count per page).
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page) if page is not None else list(queryset)
        context = {
            **self.get_serializer_context(),
            "batch_totals": batch_totals(b.pk for b in rows),
        }
        data = self.get_serializer_class()(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = serializer.save()
        batch = self.get_queryset().get(pk=batch.pk)
        return Response(self.get_serializer(batch).data, status=status.HTTP_201_CREATED)

    def perform_transition(self, obj, name, data):
        payout_batch_transition(batch=obj, name=name, actor=self.request.user, via="API", **data)
        return self.get_queryset().get(pk=obj.pk)

    @extend_schema(
        summary="Preview a payout batch",
        description="What a batch of `period` would take, without writing anything: the "
        "accruals' ids, their count, the totals per currency and the `fingerprint` to give as "
        "`expected` when writing it.",
        request=PeriodInput,
        responses={200: BatchPreviewSerializer},
    )
    @action(detail=False, methods=["post"], url_path="preview", pagination_class=None)
    def preview(self, request, *args, **kwargs):
        data = PeriodInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = payout_batch_plan(period=data.validated_data["period"])
        return Response(
            BatchPreviewSerializer(
                {
                    "name": plan.name,
                    "starts_on": plan.starts_on,
                    "ends_on": plan.ends_on,
                    "count": plan.count,
                    "totals": {k: str(v) for k, v in plan.totals.items()},
                    "fingerprint": plan.fingerprint,
                    "accruals": [a.pk for a in plan.accruals],
                }
            ).data
        )


routes += [
    ("earnings", EarningViewSet, "earning"),
    ("payout-batches", PayoutBatchViewSet, "payout-batch"),
]
