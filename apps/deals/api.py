"""/api/v1/deal-registrations/ (DESIGN.md section 8)."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from apps.core import extra_fields
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
from apps.core.uploads import download
from apps.partners.models import Partner

from .filters import RegistrationFilter
from .models import (
    MAX_COMMENT,
    MAX_VALUE,
    DealRegistration,
    RegistrationAttachment,
    RegistrationComment,
    no_control_characters,
)
from .selectors import (
    attachments_of,
    comments_visible_to,
    conflict_row,
    find_conflicts,
    partner_told_of_conflict,
    registrations_for,
    stored_conflict_counts,
    stored_conflict_rows,
)
from .services import (
    CREATE_FIELDS,
    EXTENDED,
    attachment_add,
    comment_create,
    registration_create,
    registration_transition,
)

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

    def get_fields(self):
        # Fields the apps above add (funds: `fund_request`, the activity that produced it).
        return {**super().get_fields(), **extra_fields.serializer_fields(EXTENDED)}

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
                raise serializers.ValidationError({"partner": [_("Choose the partner.")]})
        return registration_create(partner=partner, submitted_by=user, data=validated_data)


class RejectInput(serializers.Serializer):
    reason_code = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The id of one of the admin-kept rejection reasons (optional).",
    )
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="The manager's own words; required unless `reason_code` is given.",
    )


class ExtendInput(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=90)
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Told to the partner; required when granting fewer days than their waiting "
        "extension request asked for.",
    )


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


class RequestInfoInput(serializers.Serializer):
    question = serializers.CharField(max_length=MAX_COMMENT)


class ProvideInfoInput(serializers.Serializer):
    answer = serializers.CharField(max_length=MAX_COMMENT)


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


class CommentSerializer(RoleFieldsModelSerializer):
    """A comment of the registration's conversation. Partner users never read an internal note
    (the list leaves them out), nor the `internal` field, and may not write one (400)."""

    staff_only_fields = ("internal",)

    author_name = serializers.SerializerMethodField(help_text="Who wrote it.")
    body = serializers.CharField(max_length=MAX_COMMENT)
    internal = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Staff only (absent for partner users): an internal note the partner never "
        "sees. A partner user sending true is answered 400.",
    )

    class Meta:
        model = RegistrationComment
        fields = ["id", "kind", "body", "internal", "author_name", "created_at"]
        read_only_fields = ["id", "kind", "author_name", "created_at"]

    def get_author_name(self, obj) -> str:
        return _person(obj.author)


class AttachmentSerializer(RoleFieldsModelSerializer):
    uploaded_by_name = serializers.SerializerMethodField(help_text="Who added it.")
    download = serializers.SerializerMethodField(
        help_text="GET it (with the same credentials) for the file itself."
    )

    class Meta:
        model = RegistrationAttachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "uploaded_by_name",
            "created_at",
            "download",
        ]
        read_only_fields = fields

    def get_uploaded_by_name(self, obj) -> str:
        return _person(obj.uploaded_by)

    def get_download(self, obj) -> str:
        return f"/api/v1/deal-registrations/{obj.registration_id}/attachments/{obj.pk}/"


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
INFO_REQUESTED = {**SUBMITTED, "status": "info_requested"}
COMMENT = {
    "id": 88021,
    "kind": "comment",
    "body": "The customer's procurement meets on Thursday; we expect their go-ahead then.",
    "internal": False,
    "author_name": "Jana Weber",
    "created_at": "2026-12-05T08:30:00Z",
}
ATTACHMENT = {
    "id": 90114,
    "name": "acme-requirements.pdf",
    "content_type": "application/pdf",
    "size": 182_044,
    "uploaded_by_name": "Jana Weber",
    "created_at": "2026-12-05T08:31:00Z",
    "download": "/api/v1/deal-registrations/4211/attachments/90114/",
}


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
        "request_info": RequestInfoInput,
        "provide_info": ProvideInfoInput,
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
            "A manager turns a submitted registration down, giving the partner the `reason`, "
            "or one of the admin-kept reasons (`reason_code`), or both: the partner reads "
            "`rejection_reason`, the reason's words followed by the manager's "
            "(“Insufficient information — no contact named”).",
        ),
        "withdraw": (
            "Withdraw a deal registration",
            "The registering partner takes back a registration still waiting for review (or "
            "for the partner's answer to a question).",
        ),
        "request_info": (
            "Ask the partner for more information",
            "A manager asks the registering partner a `question` before deciding: the "
            "registration waits on the partner (`info_requested`) and the review SLA clock "
            "stops until they answer. The question becomes a comment of the conversation "
            "and the partner's users are told; they are reminded after 3 days.",
        ),
        "provide_info": (
            "Answer the manager's question",
            "The registering partner's users answer with `answer`: the registration is "
            "`submitted` again and the review SLA clock restarts where it stopped (the time "
            "spent asking does not count). The answer becomes a comment of the conversation "
            "and the owning manager is told.",
        ),
        "extend": (
            "Extend a deal registration's protection",
            "A manager adds `days` (1–90) to an approved registration's `expires_at`, up to "
            "the program's maximum number of extensions (`extensions_used` counts them). It "
            "grants the partner's waiting extension request, if any; granting fewer days than "
            "it asked for needs a `reason`, which the partner is told.",
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
            OpenApiExample(
                "A manager picks a listed reason and adds words",
                value={"reason_code": 2, "reason": "No contact named."},
                request_only=True,
            ),
            OpenApiExample("The rejected registration", value=REJECTED, response_only=True),
        ],
        "request_info": [
            OpenApiExample(
                "A manager asks a question",
                value={"question": "Which departments take part in the pilot?"},
                request_only=True,
            ),
            OpenApiExample("Waiting on the partner", value=INFO_REQUESTED, response_only=True),
        ],
        "provide_info": [
            OpenApiExample(
                "The partner answers",
                value={"answer": "Logistics and finance, 40 users in total."},
                request_only=True,
            ),
            OpenApiExample("Back in review", value=SUBMITTED, response_only=True),
        ],
    }

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return DealRegistration.objects.none()
        return extra_fields.annotate(
            EXTENDED, registrations_for(self.request.user).order_by("-submitted_at", "-id")
        )

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

    def perform_transition(self, obj, name, data):
        return registration_transition(
            registration=obj, name=name, actor=self.request.user, via="API", **data
        )

    def get_serializer_class(self):
        if self.action == "comments":
            return CommentSerializer
        if self.action in ("attachments", "attachment"):
            return AttachmentSerializer
        return DealRegistrationSerializer

    # --- the conversation ----------------------------------------------------------------------
    def _page(self, qs, serializer_class):
        page = self.paginate_queryset(qs)
        context = self.get_serializer_context()
        return self.get_paginated_response(serializer_class(page, many=True, context=context).data)

    @extend_schema(
        methods=["get"],
        summary="A deal registration's conversation",
        description=(
            "The comments on a registration the caller sees, oldest first: those the partner "
            "and the vendor share, the manager's questions (`kind` question) and the partner's "
            "answers (`kind` answer); staff also read the internal notes (`internal` true), "
            "which partner users never get."
        ),
        responses={200: CommentSerializer(many=True)},
        request=None,
    )
    @extend_schema(
        methods=["post"],
        summary="Comment on a deal registration",
        description=(
            "Staff and the registering partner's users (admin and member roles) add a comment "
            "`body`; the other side is told (the partner's users, or the owning manager). Staff "
            "may send `internal: true` for a note only staff read, which tells nobody; a partner "
            "user sending `internal: true` is refused with 400."
        ),
        request=CommentSerializer,
        responses={201: CommentSerializer},
        examples=[
            OpenApiExample(
                "A comment",
                value={"body": COMMENT["body"], "internal": False},
                request_only=True,
            ),
            OpenApiExample("The comment", value=COMMENT, response_only=True, status_codes=["201"]),
        ],
    )
    @action(detail=True, methods=["get", "post"], url_path="comments")
    def comments(self, request, pk=None):
        reg = self.get_object()
        if request.method == "POST":
            data = CommentSerializer(data=request.data, context=self.get_serializer_context())
            data.is_valid(raise_exception=True)
            # A partner user's `internal` is not dropped unread: sending true is refused (400).
            internal = (
                data.validated_data.get("internal", False)
                if request.user.is_staff_role
                else request.data.get("internal", False)
            )
            comment = comment_create(
                registration=reg,
                author=request.user,
                body=data.validated_data["body"],
                internal=internal,
            )
            return Response(
                CommentSerializer(comment, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        return self._page(comments_visible_to(reg, request.user), CommentSerializer)

    @extend_schema(
        methods=["get"],
        summary="A deal registration's attachments",
        description="The files on a registration the caller sees, oldest first.",
        responses={200: AttachmentSerializer(many=True)},
        request=None,
    )
    @extend_schema(
        methods=["post"],
        summary="Attach a file to a deal registration",
        description=(
            "Staff and the registering partner's users (admin and member roles) upload one "
            "`file` as multipart/form-data — the API's only body that is not JSON. Accepted: "
            "PDF, PNG, JPEG, GIF, WebP, DOCX, XLSX, PPTX, checked by content, at most 10 MB; "
            "anything else is answered 400 with the reason under `file`."
        ),
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={201: AttachmentSerializer},
        examples=[
            OpenApiExample(
                "The stored file", value=ATTACHMENT, response_only=True, status_codes=["201"]
            )
        ],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="attachments",
        parser_classes=[MultiPartParser],
    )
    def attachments(self, request, pk=None):
        reg = self.get_object()
        if request.method == "POST":
            attachment = attachment_add(
                registration=reg, uploader=request.user, upload=request.FILES.get("file")
            )
            return Response(
                AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
                status=status.HTTP_201_CREATED,
            )
        return self._page(attachments_of(reg), AttachmentSerializer)

    @extend_schema(
        summary="Download a deal registration's attachment",
        description=(
            "The file itself, as an attachment (`X-Content-Type-Options: nosniff`), for whoever "
            "sees the registration; 404 for anyone else."
        ),
        parameters=[OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="The file")},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})",
        url_name="attachment",
        pagination_class=None,
    )
    def attachment(self, request, pk=None, attachment_id=None):
        reg = self.get_object()
        item = get_object_or_404(attachments_of(reg), pk=int(attachment_id or 0))
        return download(item.file, filename=item.name, content_type=item.content_type)


routes = [("deal-registrations", DealRegistrationViewSet, "deal-registration")]
