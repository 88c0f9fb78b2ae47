"""/api/v1/deal-registrations/ (DESIGN.md section 8)."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from apps.core.access import WORKS_DEALS
from apps.core.api import TransitionsMixin
from apps.core.serializers import RoleFieldsModelSerializer
from apps.partners.models import Partner

from .filters import RegistrationFilter
from .models import MAX_VALUE, DealRegistration
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
    customer_domain = serializers.CharField(max_length=2000)
    # Checked against the ISO lists by the service (apps.core.iso); the pattern is the schema's.
    currency = serializers.RegexField(
        r"^[A-Za-z]{3}\Z", max_length=3, help_text="ISO 4217, e.g. EUR (any case)"
    )
    customer_country = serializers.RegexField(
        r"^[A-Za-z]{2}\Z", max_length=2, help_text="ISO 3166-1 alpha-2, e.g. DE (any case)"
    )
    estimated_value = serializers.DecimalField(
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
    actual_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_VALUE,
        required=False,
        allow_null=True,
    )


class LostInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


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
