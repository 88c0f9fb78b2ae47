"""/api/v1/deal-registrations/ (DESIGN.md section 8)."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from apps.core.access import WORKS_DEALS
from apps.core.api import TransitionsMixin
from apps.core.serializers import (
    AmountField,
    CountryCodeField,
    CurrencyCodeField,
    OneLineCharField,
    RoleFieldsModelSerializer,
    WebAddressField,
)
from apps.partners.models import Partner

from .filters import RegistrationFilter
from .models import MAX_VALUE, DealRegistration, no_control_characters
from .selectors import (
    conflict_row,
    find_conflicts,
    partner_told_of_conflict,
    registrations_for,
    stored_conflict_counts,
    stored_conflict_rows,
)
from .services import CREATE_FIELDS, registration_create, registration_transition

FIELDS = [
    "id",
    "partner",
    "status",
    *CREATE_FIELDS,  # what a partner types when registering, in the same order
    "submitted_at",
    "reviewed_at",
    "approved_at",
    "expires_at",
    "extensions_used",
    "rejection_reason",
    "conflict",
]


class ConflictRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partner = serializers.IntegerField()
    partner_name = serializers.CharField()
    customer_name = serializers.CharField()
    customer_domain = serializers.CharField()
    status = serializers.CharField()
    same_domain = serializers.BooleanField()
    similarity = serializers.FloatField(allow_null=True)


class DealRegistrationSerializer(RoleFieldsModelSerializer):
    # Other partners' existence is for staff only: partner users get the `conflict` hint, and a
    # `partner` they send is dropped unread (no "invalid pk" that tells an id exists).
    staff_only_fields = ("conflicts",)
    staff_only_input = ("partner",)

    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(),
        required=False,
        help_text="Managers: the partner registered for. Ignored for partner users (their own).",
    )
    # Any domain or website address; stored normalized (https://WWW.Acme.com/about → acme.com).
    customer_domain = WebAddressField(
        help_text="The customer's domain or website address (stored as its registrable domain: "
        "`https://www.shop.acme.co.uk/about` → `acme.co.uk`). ASCII, an international name in "
        "its `xn--` form. A public suffix alone (`co.uk`, `github.io`) names no customer and is "
        "refused (400, on this field)."
    )
    currency = CurrencyCodeField()
    customer_country = CountryCodeField()
    estimated_value = AmountField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_VALUE
    )
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    conflict = serializers.SerializerMethodField(
        help_text="Another open registration claims this customer (who is not said)."
    )
    conflicts = serializers.SerializerMethodField(help_text="Staff only: absent for partner users.")

    class Meta:
        model = DealRegistration
        fields = [*FIELDS, "conflicts"]
        read_only_fields = [
            "id",
            "status",
            "submitted_at",
            "reviewed_at",
            "approved_at",
            "expires_at",
            "extensions_used",
            "rejection_reason",
            "conflict",
            "conflicts",
        ]
        # No model-level validators: the one-approved-registration-per-domain constraint cannot
        # apply to a new (submitted) registration, and DRF would spend a query per request
        # checking it; approvals enforce it (the partial unique index, answered as 409).
        validators: list[object] = []
        extra_kwargs = {
            "expected_close_date": {
                "help_text": (
                    "When the deal is expected to close: today or later, and within the tenth "
                    "calendar year from now (the program's calendar, `TIME_ZONE`, UTC unless "
                    "set). A date outside is refused (400, on this field, saying which bound)."
                )
            }
        }

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if no_control_characters in model_field.validators:  # the schema's pattern says so
            field_class = OneLineCharField
        return field_class, kwargs

    @cached_property
    def _conflict_cache(self) -> dict[int, list[dict] | int]:
        # A list passes what its page's submissions stored; a list's rows share this serializer.
        return dict(self.context.get("conflicts", {}))

    def _conflicts(self, obj) -> list[dict] | int:
        """Staff: the conflicting registrations as rows; partner users: only how many.

        Lists read what submission stored (the view fills the cache in one query); a new
        registration carries what its submission found; one registration is checked live."""
        cache = self._conflict_cache
        if obj.pk not in cache:
            found = getattr(obj, "conflicts_found", None)
            if found is not None and not self.caller_is_staff:
                cache[obj.pk] = len(found)
            elif found is not None:
                cache[obj.pk] = stored_conflict_rows([obj])[obj.pk]
            else:
                cache[obj.pk] = [
                    conflict_row(
                        pk=c.registration.pk,
                        partner=c.registration.partner_id,
                        partner_name=c.registration.partner.name,
                        name=c.registration.customer_name,
                        domain=c.registration.customer_domain,
                        status=c.registration.status,
                        same=c.same_domain,
                        score=c.similarity,
                    )
                    for c in find_conflicts(obj)
                ]
        return cache[obj.pk]

    def get_conflict(self, obj) -> bool:
        request = self.context.get("request")
        if request is not None and request.user.is_partner_user:
            return partner_told_of_conflict(obj, self._conflicts(obj))
        return bool(self._conflicts(obj))

    @extend_schema_field(ConflictRowSerializer(many=True))
    def get_conflicts(self, obj) -> list[dict] | int:
        return self._conflicts(obj)

    def create(self, validated_data):
        user = self.context["request"].user
        if user.is_partner_user:
            partner = user.partner  # whatever `partner` was sent: their own company only
        else:
            partner = validated_data.get("partner")
            if partner is None:
                raise serializers.ValidationError({"partner": ["Choose the partner."]})
        return registration_create(partner=partner, submitted_by=user, data=validated_data)


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ExtendInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=90)


class WonInput(serializers.Serializer):
    actual_value = AmountField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_VALUE,
        required=False,
        allow_null=True,
    )


class LostInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# Examples for the docs page and generated clients' readers (one registration's life).
REGISTRATION_INPUT = {
    "customer_name": "Acme Logistics GmbH",
    "customer_domain": "acme-logistics.de",
    "customer_country": "DE",
    "contact_name": "Jana Weber",
    "contact_email": "jana.weber@acme-logistics.de",
    "product": "Fleet Analytics",
    "estimated_value": "48000.00",
    "currency": "EUR",
    "expected_close_date": "2027-03-31",
    "description": "Replacing their spreadsheet planning across 12 depots.",
}
SUBMITTED: dict[str, object] = {
    "id": 4211,
    "partner": 17,
    "status": "submitted",
    **REGISTRATION_INPUT,
    "submitted_at": "2026-12-04T09:15:00Z",
    "reviewed_at": None,
    "approved_at": None,
    "expires_at": None,
    "extensions_used": 0,
    "rejection_reason": "",
    "conflict": False,
}
REVIEWED = {**SUBMITTED, "reviewed_at": "2026-12-05T10:02:00Z"}
APPROVED: dict[str, object] = {
    **REVIEWED,
    "status": "approved",
    "approved_at": "2026-12-05T10:02:00Z",
    "expires_at": "2027-03-05T10:02:00Z",
    "conflicts": [],
}
REJECTED = {**REVIEWED, "status": "rejected", "rejection_reason": "Already in our pipeline."}


@extend_schema_view(
    list=extend_schema(
        summary="List deal registrations",
        description=(
            "Partner users see their own company's registrations; managers see those of the "
            "partners they manage, admins all. Newest submission first. Filter by `status`, "
            "`partner` and the other query parameters below."
        ),
    ),
    create=extend_schema(
        summary="Register a deal",
        description=(
            "A partner user registers a deal for their own company (a `partner` they send is "
            "ignored); a manager names the `partner`. The registration starts `submitted` and "
            "waits for a manager's review. `customer_domain` takes a domain or a website address "
            "and is stored normalised (https://www.acme.com/about → acme.com). 409 "
            "`duplicate_registration` (with `registration`, the id of the open one) when the "
            "caller already has an open registration of the customer, `partner_inactive` when "
            "the partner has exited."
        ),
        examples=[
            OpenApiExample(
                "A partner registers a deal", value=REGISTRATION_INPUT, request_only=True
            ),
            OpenApiExample(
                "The new registration", value=SUBMITTED, response_only=True, status_codes=["201"]
            ),
        ],
    ),
    retrieve=extend_schema(
        summary="Read a deal registration",
        description=(
            "One registration visible to the caller. `conflict` says whether another open "
            "registration claims the same customer; managers also get `conflicts`, the rows."
        ),
    ),
)
class DealRegistrationViewSet(
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DealRegistrationSerializer
    filterset_class = RegistrationFilter
    partner_roles = {"create": WORKS_DEALS, "run_transition": WORKS_DEALS}
    transition_field = "status"
    transition_inputs = {
        "reject": RejectInput,
        "extend": ExtendInput,
        "mark_won": WonInput,
        "mark_lost": LostInput,
    }
    transition_docs = {
        "approve": (
            "Approve a deal registration",
            "A manager approves a submitted registration: the partner's claim on the customer "
            "is protected until `expires_at` (the tier's protection days). Refused with 409 "
            "`domain_protected` while another partner's approved registration holds the domain.",
        ),
        "reject": (
            "Reject a deal registration",
            "A manager turns a submitted registration down, giving the partner the `reason` "
            "(stored as `rejection_reason`).",
        ),
        "withdraw": (
            "Withdraw a deal registration",
            "The registering partner takes back a registration still waiting for review.",
        ),
        "extend": (
            "Extend a deal registration's protection",
            "A manager adds `days` (1–90) to an approved registration's `expires_at`, up to "
            "the program's maximum number of extensions (`extensions_used` counts them).",
        ),
        "mark_won": (
            "Mark a deal registration won",
            "A manager closes an approved registration as won, with its `actual_value` when "
            "known; won value counts towards the partner's tier.",
        ),
        "mark_lost": (
            "Mark a deal registration lost",
            "A manager closes an approved registration as lost, with an optional `reason`.",
        ),
        "expire": (
            "Expire a deal registration (system only)",
            "The nightly sweep ends an approved registration's protection when `expires_at` "
            "passes. No API caller may run it: the answer is 403.",
        ),
    }
    transition_examples = {
        "approve": [
            OpenApiExample("Send no input", value={}, request_only=True),
            OpenApiExample("The approved registration", value=APPROVED, response_only=True),
        ],
        "reject": [
            OpenApiExample(
                "A manager rejects with a reason",
                value={"reason": "Already in our pipeline."},
                request_only=True,
            ),
            OpenApiExample("The rejected registration", value=REJECTED, response_only=True),
        ],
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return DealRegistration.objects.none()
        return registrations_for(self.request.user).order_by("-submitted_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        # What submission stored, in one query for the page: no similarity query per list.
        regs = page if page is not None else []
        conflicts: dict[int, list[dict]] | dict[int, int]
        if request.user.is_staff_role:
            conflicts = stored_conflict_rows(regs)
        else:
            conflicts = stored_conflict_counts(regs, cap=0)
        context = {**self.get_serializer_context(), "conflicts": conflicts}
        serializer = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data, status=status.HTTP_201_CREATED)

    def perform_transition(self, obj, name, data):
        return registration_transition(
            registration=obj, name=name, actor=self.request.user, via="API", **data
        )


routes = [("deal-registrations", DealRegistrationViewSet, "deal-registration")]
