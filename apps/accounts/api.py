from __future__ import annotations

from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from knox.models import AuthToken
from rest_framework import mixins, renderers, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.core.access import MANAGES_TEAM, HasAccess
from apps.core.serializers import RoleFieldsModelSerializer
from apps.core.throttles import ScopeThrottle

from .authentication import PartnershipEnded
from .models import PartnerRole, Role, User
from .selectors import team_users, token_list
from .services import (
    token_create,
    token_revoke,
    user_create,
    user_deactivate,
    user_partner_role_set,
    user_password_change,
    user_reactivate,
)


class UserSerializer(RoleFieldsModelSerializer):
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=Role.choices)
    # The partner model through the foreign key: accounts sits below partners and names no app
    # above it (docs/ARCHITECTURE.md).
    partner = serializers.PrimaryKeyRelatedField(
        queryset=User.partner.field.related_model._default_manager.all(),
        allow_null=True,
        required=False,
    )
    # Untrimmed: " jana " is refused, as the pattern says, not read as "jana".
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150, trim_whitespace=False)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    partner_role = serializers.ChoiceField(
        choices=PartnerRole.choices,
        required=False,
        allow_blank=True,
        help_text="Partner users only: admin if the company's first portal user, else member, "
        "unless said.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "password",
            "role",
            "partner",
            "partner_role",
            "is_active",
            "last_login",
        ]
        read_only_fields = ["is_active", "last_login"]

    def create(self, validated_data):
        return user_create(
            username=validated_data["username"],
            email=validated_data.get("email", ""),
            password=validated_data["password"],
            role=validated_data["role"],
            partner=validated_data.get("partner"),
            partner_role=validated_data.get("partner_role") or None,
        )


class UserUpdateSerializer(serializers.Serializer):
    """What a PATCH changes: whether the user is active, a partner user's partner role."""

    is_active = serializers.BooleanField(required=False)
    partner_role = serializers.ChoiceField(choices=PartnerRole.choices, required=False)


class MeSerializer(RoleFieldsModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "role", "partner", "partner_role"]

    def get_role(self, user) -> str:
        return Role.ADMIN if user.is_admin else user.role


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


class TokenSerializer(RoleFieldsModelSerializer):
    """One of the caller's API tokens: its prefix names it; the key itself is never shown.
    Every field is the owner's own, whatever the role."""

    id = serializers.CharField(source="token_key", help_text="The token's first characters.")

    class Meta:
        model = AuthToken
        fields = ["id", "created", "expiry"]


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )
    new_password = serializers.CharField(
        max_length=128, trim_whitespace=False, style={"input_type": "password"}
    )


class UserPermission(HasAccess):
    """Admins create users; staff and partner admins (their own company's users: the queryset)
    list, read and update them; every user reaches their own `me` addresses."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if view.action == "create":
            self.message = _("Only admins may do this.")
            return request.user.is_admin
        return True


@extend_schema_view(
    list=extend_schema(
        summary="List users",
        description="Admins: every user; managers: the partner users; a partner admin: their "
        "own company's users.",
        tags=["users"],
    ),
    retrieve=extend_schema(
        summary="Read a user",
        description="One user the caller may list (admins: any; managers: partner users; a "
        "partner admin: their own company's).",
        tags=["users"],
    ),
    create=extend_schema(
        summary="Create a user (admins)",
        description=(
            "Admins create an account. `partner` (an id) is required exactly when `role` is "
            "`partner`: the user then sees only that company's data. `partner_role` defaults to "
            "admin for a company's first portal user, else member."
        ),
        tags=["users"],
    ),
    partial_update=extend_schema(
        summary="Deactivate a user or change their partner role",
        description='`{"is_active": false}` ends the user\'s sessions and tokens at once. A '
        "company's last partner admin is neither demoted nor deactivated (409).",
        request=UserUpdateSerializer,
        responses=UserSerializer,
        tags=["users"],
    ),
)
class UserViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = User.objects.none()
    serializer_class = UserSerializer
    permission_classes = [UserPermission]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    partner_roles = {action: MANAGES_TEAM for action in ("list", "retrieve", "partial_update")}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        return team_users(cast(User, self.request.user))

    def partial_update(self, request, *args, **kwargs):
        user = self.get_object()
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "partner_role" in data:
            user = user_partner_role_set(
                user=user, partner_role=data["partner_role"], actor=request.user
            )
        if data.get("is_active") is False:
            user = user_deactivate(user=user, actor=request.user)
        elif data.get("is_active") is True:
            user = user_reactivate(user=user, actor=request.user)
        return Response(UserSerializer(user, context={"request": request}).data)

    @extend_schema(
        summary="Who you are",
        description="The caller's own account: username, e-mail, role and partner.",
        responses=MeSerializer,
    )
    # Its own permissions for every method of its address, so that an unsupported one is
    # answered 405 (permission_classes=None left none to check: a TypeError, a 500).
    @action(detail=False, methods=["get"], permission_classes=[HasAccess])
    def me(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(summary="List your API tokens", responses=TokenSerializer(many=True))
    @action(
        detail=False,
        methods=["get"],
        url_path="me/tokens",
        pagination_class=None,
        permission_classes=[HasAccess],
    )
    def tokens(self, request):
        """The caller's own API tokens that have not expired, newest first."""
        return Response(TokenSerializer(token_list(request.user), many=True).data)

    @extend_schema(
        summary="Revoke one of your API tokens",
        request=None,
        parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)],
        responses={204: OpenApiResponse(description="The token is revoked.")},
    )
    @action(
        detail=False,
        methods=["delete"],
        url_path=r"me/tokens/(?P<id>[^/.]+)",
        permission_classes=[HasAccess],
    )
    def token_revoke(self, request, id: str):  # noqa: A002 — the path's name for it
        """Revoke one of the caller's own tokens (another user's answers 404)."""
        if not token_revoke(user=request.user, token_key=id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Change your password",
        request=PasswordChangeSerializer,
        responses=TokenResponse,
    )
    @action(detail=False, methods=["post"], url_path="me/password", permission_classes=[HasAccess])
    def password(self, request):
        """Change the caller's password: every other session and every token ends; the answer
        is a new token."""
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Signed in by the browser session: that session stays (under the new password).
        session = (
            request._request.session  # noqa: SLF001 — Django's own request
            if isinstance(request.successful_authenticator, SessionAuthentication)
            else None
        )
        user, token = user_password_change(
            request.user,
            old_password=serializer.validated_data["old_password"],
            new_password=serializer.validated_data["new_password"],
            keep_session_key=session.session_key if session is not None else None,
        )
        if session is not None:
            # The browser the change was made in stays signed in under the new password.
            update_session_auth_hash(request._request, user)  # noqa: SLF001
        return Response({"token": token})


class SignInThrottle(ScopeThrottle):
    """Sign-in attempts per client: one counter with the login page's."""

    scope = "sign_in"


class ObtainToken(APIView):
    """A token for a username and password. The same door as the login page, so the same guards:
    django-axes' lockout per username and address (answered 403 with the reason, where DRF's
    view would only say the credentials are wrong), and the anonymous rate and the sign-in
    rate per address, which DRF's view switches off and which slow spraying many usernames."""

    # The stubs type the settings as the dotted paths they are configured with; at runtime
    # api_settings has imported them into the classes themselves. The project's parsers (JSON
    # nesting bounded), as every API view.
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, SignInThrottle]  # type: ignore[list-item]
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # type: ignore[assignment]
    permission_classes = ()
    renderer_classes = (renderers.JSONRenderer,)
    # A refused sign-in stays recorded: django-axes counts it toward the lockout
    # (apps/core/api.py answered_before_commit rolls back other refused writes).
    keeps_writes_when_refused = True

    @extend_schema(
        summary="Get an API token",
        description=(
            "Exchange a username and password for a token; send it on every other request as "
            "`Authorization: Token <token>`. Takes no authentication. Wrong credentials answer "
            "400; too many failed attempts for a username from one address answer 403 (locked "
            "for a while), too many requests 429. A user whose partnership has ended is refused."
        ),
        request=AuthTokenSerializer,
        responses=TokenResponse,
        auth=[],
        examples=[
            OpenApiExample(
                "Sign in",
                value={"username": "jana.weber", "password": "correct horse battery staple"},
                request_only=True,
            ),
            OpenApiExample(
                "The token",
                value={"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b8f3a2c1d0e5f6a7b8c9d0e1f"},
                response_only=True,
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        django_request = request._request  # noqa: SLF001 — axes reads Django's own request
        if AxesProxyHandler.is_locked(django_request, {"username": data.get("username")}):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise PermissionDenied(
                _(
                    "Too many failed sign-in attempts for this username from this address. "
                    "Try again in %(minutes)s minutes."
                )
                % {"minutes": minutes}
            )
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user.partnership_ended:
            raise PartnershipEnded()
        return Response({"token": token_create(user)})


routes = [("users", UserViewSet, "user")]
