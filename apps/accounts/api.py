from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.access import IsAdminRole
from apps.partners.models import Partner

from .models import Role, User
from .services import user_create


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, max_length=128, style={"input_type": "password"}
    )
    role = serializers.ChoiceField(choices=Role.choices)
    partner = serializers.PrimaryKeyRelatedField(
        queryset=Partner.objects.all(), allow_null=True, required=False
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


class MeSerializer(serializers.ModelSerializer):
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
    @action(detail=False, methods=["get"], permission_classes=None)
    def me(self, request):
        return Response(MeSerializer(request.user).data)

    def get_permissions(self):
        if self.action == "me":
            from apps.core.access import HasAccess

            return [HasAccess()]
        return super().get_permissions()


class TokenResponse(serializers.Serializer):
    token = serializers.CharField()


class ObtainToken(ObtainAuthToken):
    @extend_schema(responses=TokenResponse, auth=[])
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        return Response({"token": response.data["token"]})


routes = [("users", UserViewSet, "user")]
