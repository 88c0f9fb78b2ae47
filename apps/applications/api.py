"""/api/v1/applications/ (DESIGN.md section 13): anyone applies (202 {"status": "received"},
the same whoever applies); staff list, read, and accept or decline through the transitions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from apps.accounts.models import User
from apps.core.access import IsStaffRole
from apps.core.api import TransitionsMixin
from apps.core.errors import InvalidInput
from apps.core.serializers import (
    WEBSITE,
    CountryCodeField,
    KeyField,
    RoleFieldsModelSerializer,
    WebAddressField,
)
from apps.core.throttles import ScopeThrottle
from apps.program.models import PartnerType

from . import selectors, services
from .filters import ApplicationFilter
from .models import Application
from .services import MAX_REASON

TAGS = ["applications"]


class PublicFormThrottle(ScopeThrottle):
    scope = "public_form"


class ApplicationSerializer(RoleFieldsModelSerializer):
    # Staff only: the whole resource refuses partner users (tests/security/test_partner_fields).

    partner_type: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="key", read_only=True
    )

    class Meta:
        model = Application
        fields = [
            "id",
            "company",
            "website",
            "domain",
            "country",
            "partner_type",
            "contact_name",
            "contact_email",
            "answers",
            "fit_score",
            "status",
            "decline_reason",
            "partner",
            "decided_by",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class ApplyInput(serializers.Serializer):
    company = serializers.CharField(max_length=200)
    website = WebAddressField(
        WEBSITE,
        max_length=300,
        help_text=_(
            "The company's website: `acme.com` or an http(s) address (ASCII; an international "
            "name in its `xn--` form). A public suffix alone (`co.uk`) is refused (400)."
        ),
    )
    country = CountryCodeField()
    partner_type = KeyField(slug_field="key", queryset=PartnerType.objects.all())
    contact_name = serializers.CharField(max_length=200)
    contact_email = serializers.EmailField(max_length=254)
    answers = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("{question id: choice id} for each question of the ideal partner profile."),
    )


class AcceptInput(serializers.Serializer):
    manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role__in=["admin", "manager"], is_active=True),
        required=False,
        allow_null=True,
        help_text=_("The partner manager of the new partner; the caller when left out."),
    )


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON)


Received = inline_serializer("ApplicationReceived", {"status": serializers.CharField()})


@extend_schema_view(
    list=extend_schema(
        summary=_("List applications"),
        description=_("The applications queue, newest first; `?status=` filters (staff)."),
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary=_("Read an application"),
        description=_("One application with its answers and fit score (staff)."),
        tags=TAGS,
    ),
    transitions=extend_schema(
        summary=_("An application's transitions"),
        description=_("accept and decline, whether each is allowed now and why not."),
        tags=TAGS,
    ),
)
class ApplicationViewSet(
    TransitionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    transition_field = "status"
    transition_inputs = {"accept": AcceptInput, "decline": DeclineInput}
    transition_docs = {
        "accept": (
            "Accept an application",
            "Staff accept a received application: the partner is created in recruitment with "
            "`manager` (the caller when left out), the applicant becomes its primary contact and "
            "is invited to the portal as its partner admin.",
        ),
        "decline": (
            "Decline an application",
            "Staff decline a received application; `reason` is e-mailed to the applicant.",
        ),
    }
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return [IsStaffRole()]

    def get_throttles(self):
        if self.action == "create":
            return [*super().get_throttles(), PublicFormThrottle()]
        return super().get_throttles()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Application.objects.none()
        return selectors.application_queue()  # ?status= is ApplicationFilter's

    @extend_schema(
        summary=_("Apply to become a partner"),
        description=_(
            'Anyone, no sign-in. Always 202 {"status": "received"} for valid input, whether '
            "or not the company is known; the applicant is e-mailed an acknowledgement."
        ),
        tags=TAGS,
        request=ApplyInput,
        responses={202: Received},
        auth=[],
    )
    def create(self, request, *args, **kwargs):
        data = ApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        try:
            services.application_submit(
                fields=values,
                partner_type=values.pop("partner_type"),
                answers={str(k): v for k, v in values.pop("answers", {}).items()},
            )
        except InvalidInput as exc:
            raise InvalidInput(_api_errors(exc.errors)) from None
        return Response({"status": "received"}, status=status.HTTP_202_ACCEPTED)

    def perform_transition(self, obj, name: str, data: dict):
        return services.application_transition(
            application=obj, name=name, actor=self.request.user, **data
        )


def _api_errors(errors: dict) -> dict:
    """The form's errors as the API names its inputs: a question's error (`q_<id>`) under
    `answers`, by question id."""
    out = {k: v for k, v in errors.items() if not k.startswith("q_")}
    answers = {k[2:]: v for k, v in errors.items() if k.startswith("q_")}
    if answers:
        out["answers"] = answers
    return out


routes = [("applications", ApplicationViewSet, "application")]
