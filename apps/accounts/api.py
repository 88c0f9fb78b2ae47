from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.settings import api_settings

from apps.core.access import HasAccess, IsAdminRole
from apps.core.serializers import RoleFieldsModelSerializer
from apps.core.throttles import ScopeThrottle

from .models import Role, User
from .services import user_create


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
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "password", "role", "partner"]

    def create(self, validated_data):
        return user_create(
            username=validated_data["username"],
            email=validated_data.get("email", ""),
            password=validated_data["password"],
            role=validated_data["role"],
            partner=validated_data.get("partner"),
        )


class MeSerializer(RoleFieldsModelSerializer):
    role = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "role", "partner"]

    def get_role(self, user) -> str:
        return Role.ADMIN if user.is_admin else user.role


class UserViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    queryset = User.objects.none()
    serializer_class = UserSerializer
    permission_classes = [IsAdminRole]

    @extend_schema(responses=MeSerializer)
    # Its own permissions for every method of its address, so that an unsupported one is
    # answered 405 (permission_classes=None left none to check: a TypeError, a 500).
    @action(detail=False, methods=["get"], permission_classes=[HasAccess])
    def me(self, request):
        return Response(MeSerializer(request.user).data)


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


class SignInThrottle(ScopeThrottle):
    """Sign-in attempts per client: one counter with the login page's."""

    scope = "sign_in"


class ObtainToken(ObtainAuthToken):
    """A token for a username and password. The same door as the login page, so the same guards:
    django-axes' lockout per username and address (answered 403 with the reason, where DRF's
    view would only say the credentials are wrong), and the anonymous rate and the sign-in
    rate per address, which DRF's view switches off and which slow spraying many usernames."""

    # The stubs type the settings as the dotted paths they are configured with; at runtime
    # api_settings has imported them into the classes themselves. DRF's view names its own
    # parsers: the project's (JSON nesting bounded) instead.
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, SignInThrottle]  # type: ignore[list-item]
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # type: ignore[assignment]

    @extend_schema(responses=TokenResponse, auth=[])
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        django_request = request._request  # noqa: SLF001 — axes reads Django's own request
        if AxesProxyHandler.is_locked(django_request, {"username": data.get("username")}):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise PermissionDenied(
                f"Too many failed sign-in attempts for this username from this address. "
                f"Try again in {minutes} minutes."
            )
        response = super().post(request, *args, **kwargs)
        return Response({"token": response.data["token"]})


routes = [("users", UserViewSet, "user")]
