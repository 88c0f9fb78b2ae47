"""API plumbing shared by every app: pagination, the error contract, the transitions endpoints."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import Resolver404, resolve
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from . import transitions
from .errors import DomainError, InvalidInput, NotPermitted


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    unmet = serializers.ListField(child=serializers.CharField(), required=False)
    registration = serializers.IntegerField(
        required=False, help_text="duplicate_registration: the caller's open registration of it"
    )


def exception_handler(exc, context):
    view, request = context.get("view"), context.get("request")
    if (
        isinstance(exc, PermissionDenied)
        and view is not None
        and request is not None
        and request.method not in view.allowed_methods
    ):
        # A method the address does not take is refused as such, whatever the caller's role
        # (DRF checks the role first); an anonymous caller still gets 401.
        exc = MethodNotAllowed(request.method)
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, InvalidInput):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotPermitted):
        return Response({"detail": exc.detail}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        # Django's own answer would be an HTML page; the API answers in JSON.
        return Response(
            {"detail": "The request is too large (too many bytes, fields or files)."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        body = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


class TransitionRow(serializers.Serializer):
    name = serializers.CharField()
    target = serializers.CharField()
    allowed = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


class TransitionsMixin(viewsets.GenericViewSet):
    """Adds GET {id}/transitions/ and POST {id}/transitions/{name}/ to a ModelViewSet.

    The view set names its state field, its input serializer per transition, and implements
    `perform_transition(obj, name, data)` by calling its app's one transition service.
    """

    transition_field = "status"
    transition_inputs: dict[str, type[serializers.Serializer]] = {}

    def state_label(self, state: str) -> str:
        return transitions.state_label(self.get_queryset().model, self.transition_field, state)

    def perform_transition(self, obj, name: str, data: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    @extend_schema(responses={200: TransitionRow(many=True)}, request=None)
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self, request, *args, **kwargs):
        obj = self.get_object()
        rows = transitions.describe(obj, self.transition_field, self.state_label, request.user)
        return Response(rows)

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(description="The updated object"),
            400: OpenApiResponse(description="Invalid input"),
            409: ConflictSerializer,
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[a-z_]+)",
        url_name="run-transition",
    )
    def run_transition(self, request, name: str, *args, **kwargs):
        obj = self.get_object()
        if name not in transitions.names(obj, self.transition_field):
            raise NotFound(f"There is no transition called “{name}”.")
        input_class = self.transition_inputs.get(name)
        data = {}
        if input_class is not None:
            serializer = input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        obj = self.perform_transition(obj, name, data)
        return Response(self.get_serializer(obj).data)


class NoSuchEndpoint(APIView):
    """Every method on an address under /api/v1/ that names no endpoint: a JSON 404 in the
    error contract's shape (DESIGN.md section 8), not the site's HTML page; after the usual
    authentication and throttling, for anonymous callers too (the public schema lists every
    endpoint anyway)."""

    schema = None  # not an operation
    permission_classes: list = []

    @property
    def default_response_headers(self):
        # No method is allowed here: no Allow header naming OPTIONS.
        return {k: v for k, v in super().default_response_headers.items() if k != "Allow"}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        detail = f"There is no API endpoint at {request.path}."
        try:
            match = resolve(f"{request.path}/")
        except Resolver404:
            match = None
        if match is not None and getattr(match.func, "cls", None) is not NoSuchEndpoint:
            detail += f" Addresses end with a slash: {request.path}/"
        raise NotFound(detail)


class JSONErrorsMixin:
    """An API view whose answers are in another format (the schema's YAML, the docs' HTML) still
    answers its errors — a 404 for an unknown ?format=, a 405 — in JSON, in the error
    contract's shape, like every other address under /api/v1/."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)  # type: ignore[misc]
        self.request.accepted_renderer = JSONRenderer()  # type: ignore[attr-defined]
        self.request.accepted_media_type = JSONRenderer.media_type  # type: ignore[attr-defined]
        return response


class SchemaView(JSONErrorsMixin, SpectacularAPIView):
    pass


class DocsView(JSONErrorsMixin, SpectacularSwaggerSplitView):
    pass
