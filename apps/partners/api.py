from __future__ import annotations

from functools import cached_property

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from apps.core.access import WORKS_TASKS, StaffActionsOnVisibleObjects
from apps.core.api import TransitionsMixin
from apps.core.serializers import (
    CountryCodeField,
    KeyField,
    LinkField,
    RoleFieldsModelSerializer,
)
from apps.program.models import PartnerType, ProgramSettings, Tier

from . import selectors
from .filters import SORTS, PartnerFilter
from .models import (
    MAX_REACH_ITEMS,
    MAX_SPECIALIZATION_LENGTH,
    QUALIFICATION_FIELDS,
    Partner,
    StageHistory,
    Task,
)
from .services import (
    partner_create,
    partner_transition,
    partner_update,
    stage_label,
    task_set_done,
)


def _score():
    return serializers.IntegerField(min_value=1, max_value=5, allow_null=True, required=False)


class PartnerSerializer(RoleFieldsModelSerializer):
    # The vendor's own assessment and who manages the partnership: not for the partner's eyes.
    staff_only_fields = (*QUALIFICATION_FIELDS, "qualification_score", "is_qualified", "manager")

    partner_type = KeyField(slug_field="key", queryset=PartnerType.objects.all())
    tier = serializers.PrimaryKeyRelatedField(
        queryset=Tier.objects.all(), allow_null=True, required=False
    )
    manager = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(role__in=["admin", "manager"], is_active=True),
        allow_null=True,
        required=False,
    )
    name = serializers.CharField(max_length=200)
    website = LinkField(max_length=300, required=False, allow_blank=True)
    qualification_customer = _score()
    qualification_credibility = _score()
    qualification_capability = _score()
    qualification_commitment = _score()
    # ISO codes in any case; upper-cased and de-duplicated by the services (clean_countries).
    countries = serializers.ListField(
        child=CountryCodeField(), max_length=MAX_REACH_ITEMS, required=False
    )
    specializations = serializers.ListField(
        child=serializers.CharField(max_length=MAX_SPECIALIZATION_LENGTH),
        max_length=MAX_REACH_ITEMS,
        required=False,
    )
    listed_in_locator = serializers.BooleanField(required=False)
    qualification_score = serializers.IntegerField(read_only=True, allow_null=True)
    is_qualified = serializers.SerializerMethodField()

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "website",
            "partner_type",
            "tier",
            "manager",
            "stage",
            "stage_entered_at",
            *QUALIFICATION_FIELDS,
            "qualification_score",
            "is_qualified",
            "onboarding_due_date",
            "countries",
            "specializations",
            "listed_in_locator",
        ]
        read_only_fields = ["stage", "stage_entered_at", "onboarding_due_date"]

    @cached_property
    def qualification_threshold(self) -> int:
        # One read per response, not one per row: a list's rows share one child serializer.
        return ProgramSettings.get().qualification_threshold

    def get_is_qualified(self, partner: Partner) -> bool:
        return partner.qualified_against(self.qualification_threshold)

    def create(self, validated_data):
        return partner_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return partner_update(
            partner=instance, actor=self.context["request"].user, **validated_data
        )


class HistorySerializer(RoleFieldsModelSerializer):
    actor = serializers.SerializerMethodField()
    # Plain strings (the stage keys): one Stage enum in the schema is Partner.stage's.
    from_stage = serializers.CharField(read_only=True)
    to_stage = serializers.CharField(read_only=True)

    class Meta:
        model = StageHistory
        fields = ["transition", "from_stage", "to_stage", "actor", "note", "reason", "via", "at"]

    def get_actor(self, row) -> str | None:
        return row.actor.username if row.actor else None


class TaskSerializer(RoleFieldsModelSerializer):
    class Meta:
        model = Task
        fields = [
            "id",
            "stage",
            "title",
            "description",
            "owner_side",
            "due_date",
            "required",
            "done",
            "done_at",
        ]
        read_only_fields = [f for f in fields if f != "done"]

    def update(self, instance, validated_data):
        if "done" not in validated_data:
            return instance
        return task_set_done(
            task=instance, done=validated_data["done"], actor=self.context["request"].user
        )


class TransitionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ExitInput(TransitionInput):
    reason = serializers.CharField(max_length=2000)


@extend_schema_view(
    list=extend_schema(
        summary="List partners",
        description=(
            "The partners visible to the caller: a partner user sees only their own company; "
            "managers the partners they manage; admins all. Sorted by name. Filter by `stage` "
            "and `search` (name)."
        ),
    ),
    create=extend_schema(
        summary="Add a partner",
        description=(
            "Staff add a partner in the `recruitment` stage. `partner_type` is the type's key, "
            "`tier` and `manager` are ids; the four qualification scores (1–5) give the 4C "
            "score that onboarding requires."
        ),
    ),
    retrieve=extend_schema(
        summary="Read a partner",
        description=(
            "One partner. The vendor's own assessment (qualification scores, `is_qualified`) "
            "and `manager` are answered to staff only."
        ),
    ),
    update=extend_schema(
        summary="Replace a partner's details",
        description="Staff replace every writable field; `stage` changes only by transitions.",
    ),
    partial_update=extend_schema(
        summary="Change a partner's details",
        description="Staff change the fields they send; `stage` changes only by transitions.",
    ),
    history=extend_schema(
        summary="A partner's stage history",
        description="Every stage change of the partner, oldest first, with who and why.",
    ),
    tasks=extend_schema(
        summary="A partner's tasks",
        description=(
            "The onboarding and expansion tasks of the partner (its playbook), with whose side "
            "owns each and whether it is done. Mark one done with PATCH /api/v1/tasks/{id}/."
        ),
    ),
)
class PartnerViewSet(
    TransitionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Partner.objects.none()  # for the schema; get_queryset decides visibility
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    transition_field = "stage"
    transition_inputs = {
        **{name: TransitionInput for name in ["start_onboarding", "complete_onboarding"]},
        **{name: TransitionInput for name in ["start_evaluation", "continue_growth"]},
        **{name: TransitionInput for name in ["start_expansion", "complete_expansion"]},
        "reengage": TransitionInput,
        "exit": ExitInput,
    }
    _note = " Staff only; an optional `note` and `reason` go into the stage history."
    transition_docs = {
        "start_onboarding": (
            "Start a partner's onboarding",
            "Moves a qualified recruited partner with a signed agreement into onboarding: the "
            "onboarding playbook's tasks are created and `onboarding_due_date` is set." + _note,
        ),
        "complete_onboarding": (
            "Complete a partner's onboarding",
            "Moves an onboarded partner into growth once the required tasks are done." + _note,
        ),
        "start_evaluation": (
            "Start a partner's evaluation",
            "Puts a growing partner under evaluation (normally done by starting a QBR)." + _note,
        ),
        "continue_growth": (
            "End a partner's evaluation: continue growth",
            "The evaluation ends with the partner back in growth (normally by completing a QBR "
            "with outcome `continue`)." + _note,
        ),
        "start_expansion": (
            "Start a partner's expansion",
            "The evaluation ends in expanding the partnership: new markets, joint products "
            "(normally a QBR's outcome `expand`); the expansion playbook's tasks are created."
            + _note,
        ),
        "complete_expansion": (
            "Complete a partner's expansion",
            "Returns an expanding partner to growth once the required tasks are done." + _note,
        ),
        "exit": (
            "Exit a partner",
            "Staff end the partnership, saying why (`reason` is required). Its active "
            "agreements are terminated, its submitted registrations withdrawn and approved ones "
            "expired, its scheduled QBRs cancelled, and its users lose access. Nothing is "
            "deleted; `reengage` brings it back.",
        ),
        "reengage": (
            "Re-engage an exited partner",
            "Brings an exited partner back to recruitment." + _note,
        ),
    }
    permission_classes = [StaffActionsOnVisibleObjects]
    staff_actions = {"create", "update", "partial_update", "run_transition", "history"}

    def state_label(self, state: str) -> str:
        return stage_label(state)

    def get_queryset(self):
        return selectors.visible_partners(self.request.user).order_by(*SORTS["name"])

    def perform_transition(self, obj, name, data):
        return partner_transition(
            partner=obj,
            name=name,
            actor=self.request.user,
            note=data.get("note", ""),
            reason=data.get("reason", ""),
        )

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        partner = self.get_object()
        page = self.paginate_queryset(selectors.partner_history(partner))
        return self.get_paginated_response(HistorySerializer(page, many=True).data)

    @extend_schema(responses=TaskSerializer(many=True))
    @action(detail=True, methods=["get"])
    def tasks(self, request, pk=None):
        partner = self.get_object()
        page = self.paginate_queryset(selectors.partner_tasks(partner))
        return self.get_paginated_response(TaskSerializer(page, many=True).data)


@extend_schema_view(
    retrieve=extend_schema(
        summary="Read a task",
        description="One task of a partner visible to the caller.",
    ),
    partial_update=extend_schema(
        summary="Mark a task done or not done",
        description=(
            'Send `{"done": true}` (or false). Every other field is read-only. A required '
            "task's completion may let the partner move on (complete_onboarding)."
        ),
    ),
)
class TaskViewSet(mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    queryset = Task.objects.none()  # for the schema; get_queryset decides visibility
    serializer_class = TaskSerializer
    http_method_names = ["get", "patch", "head", "options"]
    partner_roles = {"partial_update": WORKS_TASKS, "update": WORKS_TASKS}

    def get_queryset(self):
        return selectors.visible_tasks(self.request.user)


routes = [("partners", PartnerViewSet, "partner"), ("tasks", TaskViewSet, "task")]
