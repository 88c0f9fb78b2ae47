from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from apps.core.access import IsAdminOrReadOnly, IsAdminRole, IsStaffRole
from apps.core.api import TransitionsMixin
from apps.core.errors import InvalidInput
from apps.core.serializers import AmountField, CurrencyCodeField, RoleFieldsModelSerializer
from apps.program.models import ExchangeRate, Tier
from apps.program.money import base_currency, exchange_rate_save

from .filters import TierProposalFilter
from .models import TierProposal
from .services import (
    AMOUNT_BOUNDS,
    COUNT_BOUNDS,
    DESCRIPTION_MAX,
    NAME_MAX,
    proposal_transition,
    tier_config_errors,
    tier_delete,
)


class TierSerializer(RoleFieldsModelSerializer):
    name = serializers.CharField(max_length=NAME_MAX)
    rank = serializers.IntegerField(
        min_value=COUNT_BOUNDS["rank"][0], max_value=COUNT_BOUNDS["rank"][1]
    )
    min_won_value = AmountField(
        max_digits=14,
        decimal_places=2,
        min_value=AMOUNT_BOUNDS["min_won_value"][0],
        max_value=AMOUNT_BOUNDS["min_won_value"][1],
    )
    min_won_deals = serializers.IntegerField(
        min_value=COUNT_BOUNDS["min_won_deals"][0], max_value=COUNT_BOUNDS["min_won_deals"][1]
    )
    min_certified_people = serializers.IntegerField(
        min_value=COUNT_BOUNDS["min_certified_people"][0],
        max_value=COUNT_BOUNDS["min_certified_people"][1],
        required=False,
        help_text="People of the partner holding an active course certification (0: none).",
    )
    protection_days = serializers.IntegerField(
        min_value=COUNT_BOUNDS["protection_days"][0], max_value=COUNT_BOUNDS["protection_days"][1]
    )
    discount_percent = AmountField(
        max_digits=5,
        decimal_places=2,
        min_value=AMOUNT_BOUNDS["discount_percent"][0],
        max_value=AMOUNT_BOUNDS["discount_percent"][1],
    )
    rebate_percent = AmountField(
        max_digits=5,
        decimal_places=2,
        min_value=AMOUNT_BOUNDS["rebate_percent"][0],
        max_value=AMOUNT_BOUNDS["rebate_percent"][1],
        required=False,
        help_text="The partner's rebate on each won registration's value (earnings); 0 when "
        "not given.",
    )
    qbr_cadence_months = serializers.IntegerField(
        min_value=COUNT_BOUNDS["qbr_cadence_months"][0],
        max_value=COUNT_BOUNDS["qbr_cadence_months"][1],
    )
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX, required=False, allow_blank=True
    )

    class Meta:
        model = Tier
        fields = [
            "id",
            "name",
            "rank",
            "min_won_value",
            "min_won_deals",
            "min_certified_people",
            "protection_days",
            "discount_percent",
            "qbr_cadence_months",
            "description",
            "rebate_percent",
        ]

    def validate(self, attrs):
        def value(field):
            if field in attrs:
                return attrs[field]
            return getattr(self.instance, field)

        if self.instance is None:
            missing = [
                f
                for f in (
                    "min_won_value",
                    "min_won_deals",
                    "protection_days",
                    "discount_percent",
                    "qbr_cadence_months",
                )
                if f not in attrs
            ]
            if missing:
                raise serializers.ValidationError(
                    {f: [_("This field is required.")] for f in missing}
                )
        errors = tier_config_errors(
            instance=self.instance,
            name=value("name"),
            rank=value("rank"),
            min_won_value=value("min_won_value"),
            min_won_deals=value("min_won_deals"),
            # Optional on create (0: no certification required).
            min_certified_people=attrs.get(
                "min_certified_people", getattr(self.instance, "min_certified_people", 0)
            ),
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _crud_docs(noun: str, plural: str, who: str, reads: str) -> dict:
    """extend_schema_view's arguments for a plain collection: list, create, read, change."""
    return {
        "list": extend_schema(summary=f"List {plural}", description=reads),
        "create": extend_schema(summary=f"Add {noun}", description=f"{who} add one."),
        "retrieve": extend_schema(summary=f"Read {noun}", description=f"One of the {plural}."),
        "update": extend_schema(
            summary=f"Replace {noun}", description=f"{who} replace every field."
        ),
        "partial_update": extend_schema(
            summary=f"Change {noun}", description=f"{who} change the fields they send."
        ),
    }


@extend_schema_view(
    **_crud_docs(
        "a tier",
        "tiers",
        "Admins",
        "The program's tiers by rank, with what each requires (won value and won deals in the "
        "trailing 12 months) and what it gives (protection days, discount, QBR cadence). "
        "Everyone reads them.",
    ),
    destroy=extend_schema(
        summary="Delete a tier",
        description="Admins delete a tier; refused with 409 `conditions_unmet` while in use.",
    ),
)
class TierViewSet(viewsets.ModelViewSet):
    """The program's tiers: everyone reads them, admins change them."""

    queryset = Tier.objects.order_by("rank")
    serializer_class = TierSerializer
    permission_classes = [IsAdminOrReadOnly]

    def _save(self, serializer):
        try:
            with transaction.atomic():
                serializer.save()
        except IntegrityError as exc:  # another admin took the name or rank meanwhile
            raise InvalidInput(
                {"rank": [_("Another tier took this name or rank meanwhile.")]}
            ) from exc

    perform_create = _save
    perform_update = _save

    def perform_destroy(self, instance):
        tier_delete(tier=instance)


class TierProposalSerializer(RoleFieldsModelSerializer):
    class Meta:
        model = TierProposal
        fields = [
            "id",
            "partner",
            "current_tier",
            "proposed_tier",
            "current_tier_name",
            "proposed_tier_name",
            "direction",
            "figures",
            "status",
            "created_at",
            "decided_at",
            "decided_by",
            "decision_note",
        ]
        read_only_fields = fields


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


@extend_schema_view(
    list=extend_schema(
        summary="List tier proposals",
        description=(
            "Promotions and demotions the nightly evaluation proposes, newest first, with the "
            "figures behind each (staff only). Filter by `status`, `direction` and `partner`."
        ),
    ),
    retrieve=extend_schema(summary="Read a tier proposal", description="One tier proposal."),
)
class TierProposalViewSet(TransitionsMixin, viewsets.ReadOnlyModelViewSet):
    """Tier proposals from the nightly evaluation; managers approve or dismiss them."""

    serializer_class = TierProposalSerializer
    filterset_class = TierProposalFilter
    permission_classes = [IsStaffRole]
    transition_field = "status"
    transition_inputs = {"approve": DecisionInput, "dismiss": DecisionInput}
    transition_docs = {
        "approve": (
            "Approve a tier proposal",
            "A manager accepts the proposal: the partner moves to `proposed_tier` and the "
            "change is recorded, with an optional `note`.",
        ),
        "dismiss": (
            "Dismiss a tier proposal",
            "A manager declines the proposal; the partner keeps its tier. Optional `note`.",
        ),
    }

    def get_queryset(self):
        return TierProposal.objects.order_by("-created_at", "-id")

    def perform_transition(self, obj, name, data):
        return proposal_transition(
            proposal=obj, name=name, actor=self.request.user, note=data.get("note", "")
        )


class ExchangeRateSerializer(RoleFieldsModelSerializer):
    currency = CurrencyCodeField(answer_enum=False)  # the rates page stores [A-Z]{3}
    rate_to_base = AmountField(max_digits=18, decimal_places=8, min_value=Decimal("0.00000001"))

    class Meta:
        model = ExchangeRate
        fields = ["id", "currency", "rate_to_base", "effective_date"]

    def validate_currency(self, value):
        if value == base_currency():
            raise serializers.ValidationError(f"{value} is the base currency; it needs no rate.")
        return value

    def validate(self, attrs):
        currency = attrs.get("currency", getattr(self.instance, "currency", None))
        day = attrs.get("effective_date", getattr(self.instance, "effective_date", None))
        taken = ExchangeRate.objects.filter(currency=currency, effective_date=day)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(
                {"effective_date": [_("There is already a rate for this currency from this date.")]}
            )
        return attrs

    def save(self, **kwargs):
        instance = super().save(**kwargs)
        return exchange_rate_save(rate=instance)


@extend_schema_view(
    **_crud_docs(
        "an exchange rate",
        "exchange rates",
        "Admins",
        "Rates from each currency to the program's base currency, by currency and newest "
        "effective date first (admins). Amounts in other currencies convert with the rate in "
        "effect on their date.",
    ),
    destroy=extend_schema(summary="Delete an exchange rate", description="Admins delete one."),
)
class ExchangeRateViewSet(viewsets.ModelViewSet):
    """Exchange rates to the program's base currency (admins)."""

    queryset = ExchangeRate.objects.order_by("currency", "-effective_date")
    serializer_class = ExchangeRateSerializer
    permission_classes = [IsAdminRole]


routes = [
    ("tiers", TierViewSet, "tier"),
    ("tier-proposals", TierProposalViewSet, "tier-proposal"),
    ("exchange-rates", ExchangeRateViewSet, "exchange-rate"),
]
