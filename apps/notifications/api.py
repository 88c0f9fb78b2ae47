from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.core.serializers import RoleFieldsModelSerializer

from .models import Notification
from .selectors import notifications_for
from .services import mark_read


class NotificationSerializer(RoleFieldsModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "subject", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary="List your notifications",
        description="The caller's own notifications, newest first; `read_at` is null if unread.",
    ),
    retrieve=extend_schema(
        summary="Read a notification", description="One of the caller's own notifications."
    ),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Notification.objects.none()
        return notifications_for(self.request.user)

    @extend_schema(
        summary="Mark a notification read",
        description="Sets `read_at` (once; marking it again keeps the first time).",
        request=None,
        responses=NotificationSerializer,
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return Response(self.get_serializer(mark_read(notification=self.get_object())).data)


routes = [("notifications", NotificationViewSet, "notification")]
