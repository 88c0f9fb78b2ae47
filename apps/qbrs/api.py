"""/api/v1/qbrs/ and /api/v1/action-items/ (DESIGN.md section 8)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from apps.core.access import WORKS_TASKS, HasAccess
from apps.core.api import TransitionsMixin
from apps.core.filters import LenientFilterBackend
from apps.core.serializers import RoleFieldsModelSerializer, RoleFieldsSerializer
from apps.partners.models import Partner

from . import selectors, services
from .filters import QBRFilter
from .forms import MAX_NOTES
from .models import QBR, ActionItem, Outcome, OwnerSide

QBR_FIELDS = [
    "id",
    "partner",
    "quarter",
    "scheduled_for",
    "status",
    "outcome",
    "satisfaction_score",
    "notes",
    "metrics",
    "started_at",
    "completed_at",
    "stage_effect",
]


class StaffWritesOrReadOnly(BasePermission):
    """Partner users read (their own company's objects: the queryset); only staff write QBRs.
    The role check on an object runs after the lookup, so an invisible one still answers 404."""

    message = "Only admins and partner managers may change QBRs."

    def has_permission(self, request, view):
        if not HasAccess().has_permission(request, view):
            return False
        if view.action == "create":
            return request.user.is_staff_role
        return True

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or request.user.is_staff_role


class QBRSerializer(RoleFieldsModelSerializer):
    """One shape for everyone; a partner user's copy leaves out the internal notes."""

    staff_only_fields = ("internal_notes",)
    internal_notes = serializers.CharField(
        read_only=True, required=False, help_text="Staff only: absent for partner users."
    )
    # Declared so the schema says what a QBR not yet completed answers: "" (no outcome yet).
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)

    class Meta:
        model = QBR
        fields = [*QBR_FIELDS, "internal_notes"]
        read_only_fields = fields


class QBRCreateSerializer(RoleFieldsSerializer):
    staff_only_input = ("partner",)

    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all())
    scheduled_for = serializers.DateTimeField()
    quarter = serializers.RegexField(r"^\d{4}-Q[1-4]$", max_length=7, required=False)


class QBRUpdateSerializer(RoleFieldsSerializer):
    staff_only_fields = ("internal_notes",)

    scheduled_for = serializers.DateTimeField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTES)
    internal_notes = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTES)
    satisfaction_score = serializers.IntegerField(required=False, min_value=1, max_value=10)


class CompleteInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    satisfaction_score = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=10
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=MAX_NOTES)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ActionItemSerializer(RoleFieldsModelSerializer):
    title = serializers.CharField(max_length=200)
    owner_side = serializers.ChoiceField(choices=OwnerSide.choices)
    due_date = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = ActionItem
        fields = ["id", "qbr", "title", "owner_side", "due_date", "done", "done_at"]
        read_only_fields = ["id", "qbr", "done_at"]


class QBRViewSet(
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [StaffWritesOrReadOnly]
    filterset_class = QBRFilter
    filter_backends = [LenientFilterBackend]
    transition_field = "status"
    transition_inputs = {"complete": CompleteInput}
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return QBRCreateSerializer
        if self.action in ("update", "partial_update"):
            return QBRUpdateSerializer
        if self.action == "action_items":
            return ActionItemSerializer
        return QBRSerializer

    def _read(self, qbr: QBR) -> dict:
        return QBRSerializer(qbr, context=self.get_serializer_context()).data

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return QBR.objects.none()
        return selectors.qbrs_for(self.request.user).order_by("-scheduled_for", "-id")

    @extend_schema(request=QBRCreateSerializer, responses={201: QBRSerializer})
    def create(self, request, *args, **kwargs):
        data = QBRCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        qbr = services.qbr_schedule(actor=request.user, **data.validated_data)
        return Response(self._read(qbr), status=status.HTTP_201_CREATED)

    @extend_schema(request=QBRUpdateSerializer, responses={200: QBRSerializer})
    def partial_update(self, request, *args, **kwargs):
        qbr = self.get_object()
        data = QBRUpdateSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        data.is_valid(raise_exception=True)
        qbr = services.qbr_update(qbr=qbr, actor=request.user, **data.validated_data)
        return Response(self._read(qbr))

    def perform_transition(self, obj, name: str, data: dict):
        return services.qbr_transition(qbr=obj, name=name, actor=self.request.user, **data)

    @extend_schema(methods=["get"], responses={200: ActionItemSerializer(many=True)}, request=None)
    @extend_schema(
        methods=["post"], request=ActionItemSerializer, responses={201: ActionItemSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="action-items")
    def action_items(self, request, pk=None):
        qbr = self.get_object()
        if request.method == "POST":
            data = ActionItemSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            item = services.action_item_create(
                qbr=qbr,
                actor=request.user,
                title=data.validated_data["title"],
                owner_side=data.validated_data["owner_side"],
                due_date=data.validated_data.get("due_date"),
            )
            return Response(ActionItemSerializer(item).data, status=status.HTTP_201_CREATED)
        items = qbr.action_items.order_by("done", "due_date", "created_at", "id")
        page = self.paginate_queryset(items)
        return self.get_paginated_response(ActionItemSerializer(page, many=True).data)


class ActionItemViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ActionItemSerializer
    permission_classes = [HasAccess]
    http_method_names = ["get", "patch", "head", "options"]
    partner_roles = {"partial_update": WORKS_TASKS, "update": WORKS_TASKS}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ActionItem.objects.none()
        return selectors.action_items_for(self.request.user)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        data = ActionItemSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        item = services.action_item_update(
            item=item,
            actor=request.user,
            done=values.get("done"),
            title=values.get("title"),
            owner_side=values.get("owner_side"),
            due_date=values.get("due_date"),
            due_date_set="due_date" in values,
        )
        return Response(ActionItemSerializer(item).data)


routes = [
    ("qbrs", QBRViewSet, "qbr"),
    ("action-items", ActionItemViewSet, "action-item"),
]
