"""/api/v1/leads/ and /api/v1/lead-routing-rules/ (DESIGN.md section 17)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from apps.core import extra_fields
from apps.core.access import WORKS_LEADS, IsAdminOrReadOnly, StaffActionsOnVisibleObjects
from apps.core.api import TransitionsMixin
from apps.core.serializers import (
    AmountField,
    CountryCodeField,
    CurrencyCodeField,
    OneLineCharField,
    RoleFieldsModelSerializer,
    WebAddressField,
)
from apps.deals.models import MAX_VALUE
from apps.deals.services import EXTENDED as REGISTRATION
from apps.partners.models import Partner
from apps.partners.services import clean_countries, clean_specializations
from apps.program.models import PartnerType

from .filters import LeadFilter
from .models import Assignment, Lead, RejectReason, RoutingRule, Source
from .selectors import leads_for, with_history
from .services import (
    EXTENDED,
    lead_accept,
    lead_assign,
    lead_close,
    lead_convert,
    lead_create,
    lead_recall,
    lead_reject,
)

CONTACT_FIELDS = ("contact_name", "contact_email")


class AssignmentSerializer(RoleFieldsModelSerializer):
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    rule = serializers.CharField(source="rule.name", read_only=True, allow_null=True)
    reject_reason = serializers.CharField(
        source="reject_reason.label", read_only=True, allow_null=True
    )

    class Meta:
        model = Assignment
        fields = [
            "partner",
            "partner_name",
            "rule",
            "explanation",
            "assigned_at",
            "accept_by",
            "outcome",
            "ended_at",
            "reject_reason",
            "note",
        ]
        read_only_fields = fields


class _AnsweredNullCharField(serializers.CharField):
    null_in_answers_only = True  # the request schema says a value is required (core.schema)


class _AnsweredNullEmailField(serializers.EmailField):
    null_in_answers_only = True


class LeadSerializer(RoleFieldsModelSerializer):
    # The routing history (which partners, why, how it ended) is the vendor's; so is what the
    # apps above add to a lead (funds: the fund request a manager credits it to).
    @property
    def staff_only_fields(self):  # type: ignore[override]
        return ("routing_history", "requested_partner", *extra_fields.names(EXTENDED))

    def get_fields(self):
        return {**super().get_fields(), **extra_fields.serializer_fields(EXTENDED)}

    contact_name = _AnsweredNullCharField(
        max_length=200,
        allow_null=True,
        help_text="null for a partner user until its company accepts the lead",
    )
    contact_email = _AnsweredNullEmailField(
        max_length=254,
        allow_null=True,
        help_text="null for a partner user until its company accepts the lead",
    )
    domain = WebAddressField(
        required=False,
        allow_blank=True,
        help_text="A domain or website address; stored as the registrable domain "
        "(`https://www.initech.de/about` → `initech.de`). Empty: the contact e-mail's domain. "
        "A public suffix alone (`co.uk`) names no customer and is refused (400, on this field).",
    )
    country = CountryCodeField()
    currency = CurrencyCodeField(
        required=False, allow_blank=True, help_text="Required with an `estimated_value`."
    )
    estimated_value = AmountField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_VALUE,
        required=False,
        allow_null=True,
    )
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field, not Field.source
        choices=Source.choices,  # what an answer may carry; staff may record any source
        required=False,
        default=Source.API,
    )
    route = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="Route the lead on creation."
    )
    routing_history = AssignmentSerializer(
        source="assignments", many=True, read_only=True, help_text="Staff only."
    )

    class Meta:
        model = Lead
        fields = [
            "id",
            "company",
            "domain",
            "country",
            "contact_name",
            "contact_email",
            "product",
            "description",
            "estimated_value",
            "currency",
            "source",
            "status",
            "partner",
            "accept_by",
            "accepted_at",
            "registration",
            "registration_status",
            "requested_partner",
            "created_at",
            "route",
            "routing_history",
        ]
        read_only_fields = [
            "id",
            "status",
            "partner",
            "accept_by",
            "accepted_at",
            "registration",
            "registration_status",
            "requested_partner",
            "created_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.caller_is_staff and not instance.contact_visible_to_partner:
            for name in CONTACT_FIELDS:
                data[name] = None
        return data

    def create(self, validated_data):
        route = validated_data.pop("route", False)
        source = validated_data.pop("source", Source.API)
        return lead_create(
            data=validated_data,
            source=source,
            actor=self.context["request"].user,
            route=route,
        )


class LeadAssignInput(serializers.Serializer):
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())


class LeadRejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    reason_id = serializers.PrimaryKeyRelatedField(
        queryset=RejectReason.objects.filter(active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the program's reject reasons",
    )


class LeadConvertInput(serializers.Serializer):
    expected_close_date = serializers.DateField()
    product = serializers.CharField(max_length=200, required=False)
    estimated_value = AmountField(
        max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_VALUE,
        required=False,
    )  # fmt: skip
    currency = CurrencyCodeField(required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    def get_fields(self):
        # What the apps above add to the registration (funds: `fund_request`).
        return {**super().get_fields(), **extra_fields.serializer_fields(REGISTRATION)}


class LeadCloseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


LEAD_INPUT = {
    "company": "Initech AG",
    "domain": "initech.de",
    "country": "DE",
    "contact_name": "Peter Gibbons",
    "contact_email": "peter@initech.de",
    "product": "Fleet Analytics",
    "estimated_value": "30000.00",
    "currency": "EUR",
    "route": True,
}


@extend_schema_view(
    list=extend_schema(
        summary="List leads",
        description=(
            "Staff see every lead (the vendor's queue); a partner user sees the leads with its "
            "company now (assigned, accepted, converted), with `contact_name` and "
            "`contact_email` null until it accepts. Newest first. Filter by `status` (or "
            "`open`), `source`, `search` and, for staff, `partner`."
        ),
    ),
    create=extend_schema(
        summary="Create a lead",
        description=(
            "Managers and admins create a lead; `route: true` routes it at once by the rules. "
            "The `domain` is stored as the customer's registrable domain."
        ),
        examples=[OpenApiExample("A lead routed on creation", value=LEAD_INPUT, request_only=True)],
    ),
    retrieve=extend_schema(
        summary="Read a lead",
        description="One lead visible to the caller; staff also get its `routing_history`.",
    ),
)
class LeadViewSet(
    TransitionsMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = LeadSerializer
    filterset_class = LeadFilter
    permission_classes = [StaffActionsOnVisibleObjects]
    staff_actions = ("create",)
    partner_roles = {"*": WORKS_LEADS}
    transition_field = "status"
    transition_inputs = {
        "assign": LeadAssignInput,
        "reject": LeadRejectInput,
        "convert": LeadConvertInput,
        "close": LeadCloseInput,
    }
    transition_docs = {
        "assign": (
            "Assign a lead to a partner",
            "A manager gives a waiting lead to `partner` by hand (an active partner that never "
            "rejected it or let it lapse); its acceptance clock starts.",
        ),
        "accept": (
            "Accept a lead",
            "The assigned partner (admin or member) accepts the lead before `accept_by`; its "
            "contact details become visible to the partner.",
        ),
        "reject": (
            "Reject a lead",
            "The assigned partner turns the lead down with a `reason_id` from the program's "
            "list and/or a `reason` in words; it goes to the next partner by the rules and "
            "never back to this one.",
        ),
        "recall": (
            "Recall a lead",
            "A manager takes an assigned lead back; it waits for routing or a manager.",
        ),
        "convert": (
            "Convert a lead to a deal registration",
            "The partner that accepted the lead registers the deal, prefilled from the lead "
            "(give `expected_close_date`; other fields correct the lead's). Conflict detection "
            "applies; a lead converts once. The lead in the answer carries `registration`.",
        ),
        "close": ("Close a lead", "A manager closes a lead that will not be worked."),
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Lead.objects.none()
        qs = extra_fields.annotate(
            EXTENDED, leads_for(self.request.user).order_by("-created_at", "-id")
        )
        if getattr(self.request.user, "is_staff_role", False):
            qs = with_history(qs)
        return qs

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lead = serializer.save()
        lead = self.get_queryset().get(pk=lead.pk)
        return Response(self.get_serializer(lead).data, status=status.HTTP_201_CREATED)

    def perform_transition(self, obj, name, data):
        user = self.request.user
        if name == "assign":
            lead_assign(lead=obj, partner=data["partner"], actor=user)
        elif name == "accept":
            lead_accept(lead=obj, actor=user)
        elif name == "reject":
            lead_reject(lead=obj, actor=user, reason=data["reason_id"], note=data["reason"])
        elif name == "recall":
            lead_recall(lead=obj, actor=user)
        elif name == "convert":
            lead_convert(lead=obj, actor=user, data=data)
        else:
            lead_close(lead=obj, actor=user, reason=data.get("reason", ""))
        # The answer as the caller now sees it (a partner that rejected sees a 404 afterwards;
        # here it still gets the lead it acted on, without the contact).
        return Lead.objects.select_related("partner").get(pk=obj.pk)


class RoutingRuleSerializer(RoleFieldsModelSerializer):
    partner_types = serializers.SlugRelatedField(
        slug_field="key", many=True, queryset=PartnerType.objects.all(), required=False
    )
    countries = serializers.ListField(child=CountryCodeField(), required=False, max_length=60)
    specializations = serializers.ListField(
        child=OneLineCharField(max_length=60), required=False, max_length=60
    )
    name = OneLineCharField(max_length=120)

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "name",
            "priority",
            "countries",
            "partner_types",
            "specializations",
            "min_tier",
            "active",
        ]

    def validate_countries(self, value):
        return clean_countries(value)

    def validate_specializations(self, value):
        return clean_specializations(value)


class StaffReadAdminsWrite(IsAdminOrReadOnly):
    message = "Only admins change routing rules; partner managers read them."

    def has_permission(self, request, view):
        # Written in the request's language when the refusal is (DRF reads it afterwards).
        self.message = gettext("Only admins change routing rules; partner managers read them.")
        return super().has_permission(request, view) and request.user.is_staff_role


@extend_schema_view(
    list=extend_schema(summary="List lead routing rules", description="By priority."),
    create=extend_schema(summary="Add a lead routing rule", description="Admins only."),
    retrieve=extend_schema(
        summary="Read a lead routing rule", description="One rule; managers and admins."
    ),
    update=extend_schema(summary="Replace a lead routing rule", description="Admins only."),
    partial_update=extend_schema(summary="Change a lead routing rule", description="Admins only."),
    destroy=extend_schema(summary="Delete a lead routing rule", description="Admins only."),
)
class RoutingRuleViewSet(viewsets.ModelViewSet):
    serializer_class = RoutingRuleSerializer
    permission_classes = [StaffReadAdminsWrite]
    queryset = RoutingRule.objects.prefetch_related("partner_types").order_by("priority", "id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoutingRule.objects.none()
        return super().get_queryset()


routes = [
    ("leads", LeadViewSet, "lead"),
    ("lead-routing-rules", RoutingRuleViewSet, "lead-routing-rule"),
]
