"""The people API (DESIGN.md section 13): a partner's contacts, invitations and their acceptance."""

from __future__ import annotations

from typing import cast

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from apps.accounts.models import PartnerRole, User
from apps.accounts.services import token_create
from apps.core.access import MANAGES_TEAM
from apps.core.params import query_id
from apps.core.serializers import RoleFieldsModelSerializer
from apps.core.throttles import ScopeThrottle
from apps.partners.models import Partner
from apps.partners.selectors import visible_partners

from .filters import InvitationFilter
from .models import Contact, ContactRole, Invitation
from .selectors import visible_contacts, visible_invitations
from .services import (
    CONTACT_FIELDS,
    contact_create,
    contact_delete,
    contact_update,
    invitation_accept,
    invitation_create,
    invitation_resend,
    invitation_revoke,
)


class ContactSerializer(RoleFieldsModelSerializer):
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=ContactRole.choices), required=False, max_length=6
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)

    class Meta:
        model = Contact
        fields = [
            "id", "partner", "name", "email", "phone", "title", "roles", "notes", "user",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["partner", "user", "created_at", "updated_at"]


class InvitationSerializer(RoleFieldsModelSerializer):
    """An invitation; `status` is what its link does now (an expired one says so)."""

    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(),
        required=False,
        help_text="Staff: required. A partner admin's own company, whatever is sent.",
    )
    partner_role = serializers.ChoiceField(choices=PartnerRole.choices)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.all(), required=False, allow_null=True
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id", "partner", "email", "partner_role", "contact", "status", "invited_by",
            "created_at", "sent_at", "expires_at", "accepted_at",
        ]  # fmt: skip
        read_only_fields = ["invited_by", "created_at", "sent_at", "expires_at", "accepted_at"]
        staff_only_input = ("partner",)
        validators: list[object] = []  # the service decides (one open invitation per address)

    def get_status(self, invitation) -> str:
        return invitation.state(timezone.now())


class AcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)
    # Untrimmed: " jana " is refused, as the pattern says, not read as "jana".
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150, trim_whitespace=False)
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenAnswer(serializers.Serializer):
    token = serializers.CharField()


class InvitationAcceptThrottle(ScopeThrottle):
    scope = "invitation_accept"


class ContactsOfPartner:
    """Finds the partner of /partners/{partner_pk}/contacts/ among those the caller sees."""

    def partner(self, request, partner_pk) -> Partner:
        partners = visible_partners(request.user)
        pk = query_id(str(partner_pk))
        return get_object_or_404(partners, pk=-1 if pk is None else pk)


@extend_schema_view(
    list=extend_schema(
        summary="List a partner's contacts",
        description="Staff: any partner's; a partner admin: their own company's.",
    ),
    create=extend_schema(
        summary="Add a contact to a partner",
        description="A person at the partner, with or without portal access; `roles` among "
        "primary, sales, technical, marketing, finance, executive. Staff: any partner; a partner "
        "admin: their own company.",
    ),
)
class PartnerContactViewSet(
    ContactsOfPartner, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ContactSerializer
    partner_roles = {"*": MANAGES_TEAM}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact.objects.none()
        partner = self.partner(self.request, self.kwargs["partner_pk"])
        return visible_contacts(self.request.user).filter(partner=partner)

    def create(self, request, *args, **kwargs):
        partner = self.partner(request, kwargs["partner_pk"])
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k in CONTACT_FIELDS}
        contact = contact_create(partner=partner, actor=request.user, **fields)
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(
        summary="Read a contact",
        description="One contact of a partner the caller may see (404 otherwise).",
    ),
    partial_update=extend_schema(
        summary="Change a contact",
        description="Only the fields sent change. Staff, or the partner admin of its company.",
    ),
    destroy=extend_schema(
        summary="Remove a contact",
        description="The contact is deleted; a portal user linked to it keeps their account.",
    ),
)
class ContactViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ContactSerializer
    http_method_names = ["get", "patch", "delete", "head", "options"]
    partner_roles = {"*": MANAGES_TEAM}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact.objects.none()
        return visible_contacts(self.request.user).select_related("partner")

    def partial_update(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = self.get_serializer(contact, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {k: v for k, v in serializer.validated_data.items() if k in CONTACT_FIELDS}
        contact = contact_update(contact=contact, actor=request.user, **fields)
        return Response(self.get_serializer(contact).data)

    def perform_destroy(self, instance):
        contact_delete(contact=instance, actor=cast(User, self.request.user))


@extend_schema_view(
    list=extend_schema(
        summary="List invitations",
        description="Staff: every partner's (filter ?partner=); a partner admin: their own "
        "company's. Newest first.",
    ),
    retrieve=extend_schema(
        summary="Read an invitation",
        description="Its address, partner role, state and expiry; never the link's token.",
    ),
    create=extend_schema(
        summary="Invite someone to a partner's portal",
        description="E-mails a single-use link that expires in 7 days. A partner admin invites "
        "into their own company whatever `partner` says.",
    ),
)
class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    partner_roles = {"*": MANAGES_TEAM}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Invitation.objects.none()
        # ?partner= is InvitationFilter's (the list's only).
        return visible_invitations(self.request.user).order_by("-created_at", "-id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        partner = request.user.partner if request.user.is_partner_user else data.get("partner")
        if partner is None:
            raise serializers.ValidationError({"partner": [_("Choose the partner.")]})
        invitation = invitation_create(
            partner=partner,
            email=data["email"],
            partner_role=data["partner_role"],
            contact=data.get("contact"),
            invited_by=request.user,
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Resend an invitation",
        description="A new link, valid 7 days; the old link no longer works.",
        request=None,
        responses=InvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        invitation = invitation_resend(invitation=self.get_object(), actor=request.user)
        return Response(self.get_serializer(invitation).data)

    @extend_schema(
        summary="Revoke an invitation",
        description="Its link no longer works.",
        request=None,
        responses=InvitationSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = invitation_revoke(invitation=self.get_object(), actor=request.user)
        return Response(self.get_serializer(invitation).data)

    @extend_schema(
        summary="Accept an invitation (anonymous)",
        description="The invitee chooses a username and password; the answer is an API token "
        "for the new partner user. A used, revoked, expired or unknown token answers 400.",
        request=AcceptSerializer,
        responses={201: TokenAnswer, 400: OpenApiResponse(description="Invalid input")},
        auth=[],
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[],
        authentication_classes=[],
        throttle_classes=[*api_settings.DEFAULT_THROTTLE_CLASSES, InvitationAcceptThrottle],
    )
    def accept(self, request):
        serializer = AcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = invitation_accept(**serializer.validated_data)
        return Response({"token": token_create(user)}, status=status.HTTP_201_CREATED)


routes = [
    (r"partners/(?P<partner_pk>[^/.]+)/contacts", PartnerContactViewSet, "partner-contact"),
    ("contacts", ContactViewSet, "contact"),
    ("invitations", InvitationViewSet, "invitation"),
]
