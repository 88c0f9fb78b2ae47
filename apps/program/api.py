from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from apps.core.access import IsAdminOrReadOnly, IsStaffRole
from apps.core.schema import AutoSchema
from apps.core.serializers import CurrencyCodeField, RoleFieldsModelSerializer

from .currency import base_currency_change, base_currency_plan
from .models import ProgramSettings
from .services import program_settings_update


def _days():
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=365), min_length=1, max_length=10
    )  # at least one day: the model refuses an empty list (the schema's minItems says so)


class ProgramSettingsSerializer(RoleFieldsModelSerializer):
    base_currency = CurrencyCodeField(answer_enum=False)  # the settings page stores [A-Z]{3}
    onboarding_reminder_days = _days()
    agreement_reminder_days = _days()
    qbr_reminder_days = _days()

    class Meta:
        model = ProgramSettings
        fields = [
            "base_currency",
            "qualification_threshold",
            "review_sla_hours",
            "max_extensions",
            "max_extension_days",
            "onboarding_reminder_days",
            "agreement_reminder_days",
            "deal_expiry_reminder_days",
            "qbr_reminder_days",
            "auto_apply_promotions",
            "demotion_grace_days",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class SingleObjectSchema(AutoSchema):
    """The settings are one object, though served by the collection route."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class ProgramViewSet(viewsets.GenericViewSet):
    """GET /program/ (staff), PATCH /program/ (admins): the single program settings row."""

    serializer_class = ProgramSettingsSerializer
    pagination_class = None
    schema = SingleObjectSchema()
    permission_classes = [IsStaffRole, IsAdminOrReadOnly]

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # The settings are one object at the collection's own address: PATCH /program/.
        if actions and actions.get("get") == "list":
            actions = {"get": "list", "patch": "settings_update"}
        return super().as_view(actions, **initkwargs)

    def get_object(self):
        return ProgramSettings.get()

    @extend_schema(
        summary="Read the program's settings",
        description=(
            "The one program settings object (staff): base currency, qualification threshold, "
            "review SLA hours, maximum extensions, reminder offsets."
        ),
        responses=ProgramSettingsSerializer,
    )
    def list(self, request):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Change the program's settings",
        description=(
            "Admins change the settings they send. A new base_currency converts the tier "
            "thresholds and exchange rates at that currency's latest exchange rate, and is "
            "refused (409 no_exchange_rate) while it has none."
        ),
        request=ProgramSettingsSerializer,
        responses=ProgramSettingsSerializer,
    )
    def settings_update(self, request):
        settings = self.get_object()
        serializer = self.get_serializer(settings, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        new_base = fields.pop("base_currency", settings.base_currency)
        with transaction.atomic():
            settings = program_settings_update(actor=request.user, **fields)
            if new_base != settings.base_currency:
                # As the settings page does after its confirmation: the thresholds and rates are
                # converted at the new currency's latest rate (409 while it has none).
                plan = base_currency_plan(new_base)
                base_currency_change(actor=request.user, plan=plan, fingerprint=plan.fingerprint)
        return Response(self.get_serializer(ProgramSettings.get()).data)


routes = [("program", ProgramViewSet, "program")]
