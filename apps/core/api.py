"""API plumbing shared by every app: pagination, the error contract, the transitions endpoints."""

from __future__ import annotations

import functools

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed, NotFound, PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from . import transitions
from .errors import DomainError, InvalidInput, NotPermitted

# The 409 answer's `code` (DESIGN.md section 8), and those a service adds for its own refusals.
CONFLICT_CODES = [
    ("transition_not_allowed", "The object's state does not allow this."),
    ("conditions_unmet", "A condition does not hold: `unmet` lists each in words."),
    ("concurrent_change", "Someone changed the object meanwhile: read it again and retry."),
    ("domain_protected", "Another partner's approved registration protects the customer."),
    ("partner_inactive", "The partner has exited the program."),
    ("duplicate_registration", "The caller already has an open registration of it."),
    ("conflict", "Any other refusal because of the state of things."),
    (
        "insufficient_funds",
        "A fund allocation's remaining funds cannot hold the amount approved.",
    ),
    ("over_allocated", "A fund period's budget cannot cover the allocation."),
]


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What was refused and why, to show a user.")
    code = serializers.ChoiceField(choices=CONFLICT_CODES, help_text="What a program acts on.")
    unmet = serializers.ListField(child=serializers.CharField(), required=False)
    registration = serializers.IntegerField(
        required=False, help_text="duplicate_registration: the caller's open registration of it"
    )


def answered_before_commit(view):
    """An API write runs in one transaction that also builds its answer, and commits only then.

    A client is told "done" only for what was stored, and "nothing was done" only for what was
    not: the restart drill saw a registration stored and answered 503 "try again" because its
    answer was read after the commit, when the connection was gone (a retry would have made a
    second claim). Now a connection lost before the commit rolls everything back (503
    `database_unavailable`); one lost during the COMMIT itself is the one ambiguous moment, and
    says so (503 `outcome_unknown`, apps/core/middleware.py). An answer of 400 or more rolls back
    whatever the request wrote before it was refused (one service done, the next refused: not
    half of it), unless the view keeps a refusal's own record (`keeps_writes_when_refused`: a
    failed sign-in counts toward the lockout). Reads run as before."""
    if getattr(view, "answered_before_commit", False):
        return view
    keeps = getattr(getattr(view, "cls", None), "keeps_writes_when_refused", False)

    @functools.wraps(view)  # keeps what DRF and the schema read: cls, actions, csrf_exempt
    def write(request, *args, **kwargs):
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            if response.status_code >= 400 and not keeps:
                transaction.set_rollback(True)
        return response

    write.answered_before_commit = True  # type: ignore[attr-defined]
    return write


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
            {"detail": _("The request is too large (too many bytes, fields or files).")},
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
    `perform_transition(obj, name, data)` by calling its app's one transition service. For the
    schema, where each transition is its own operation (apps/core/schema.py), it says in
    `transition_docs` what each does for an integrator — {name: (summary, description)} — and
    may give `transition_examples` ({name: [OpenApiExample]}).
    """

    transition_field = "status"
    transition_inputs: dict[str, type[serializers.Serializer]] = {}
    transition_docs: dict[str, tuple[str, str]] = {}
    transition_examples: dict[str, list] = {}
    swagger_fake_view = False  # drf-spectacular sets it on the views it builds for the schema

    @classmethod
    def machine_model(cls) -> type[models.Model]:
        """The model whose state machine the view set runs (without a request)."""
        if cls.queryset is not None:
            return cls.queryset.model
        view = cls()
        view.swagger_fake_view = True  # the view sets answer .none() without a user
        return view.get_queryset().model

    @classmethod
    def transition_names(cls) -> list[str]:
        return transitions.names(cls.machine_model(), cls.transition_field)

    def state_label(self, state: str) -> str:
        return transitions.state_label(self.machine_model(), self.transition_field, state)

    def transition_summary(self, name: str) -> str:
        summary, _ = self.transition_docs.get(name, ("", ""))
        return summary or transitions.transition_label(
            self.machine_model()(), self.transition_field, name
        )

    def transition_description(self, name: str) -> str:
        """What the transition does (its docs), between which states, on which conditions, and
        what the caller gets back, from the state machine itself."""
        model = self.machine_model()
        noun = model._meta.verbose_name
        variants = [
            t
            for t in getattr(model(), f"get_all_{self.transition_field}_transitions")()
            if t.name == name
        ]
        sources = ", ".join(dict.fromkeys(self.state_label(t.source) for t in variants))
        target = self.state_label(variants[0].target)
        conditions = dict.fromkeys(
            getattr(c, "unmet_message", c.__name__) for t in variants for c in t.conditions
        )
        _, text = self.transition_docs.get(name, ("", ""))
        parts = [text, f"**From** {sources} **to** {target}."]
        if conditions:
            parts.append(
                "**Refused while** (409 `conditions_unmet`, each listed in `unmet`):\n"
                + "\n".join(f"- {message}" for message in conditions)
            )
        parts.append(
            f"Answers 200 with the updated {noun}. 409 `transition_not_allowed` when the {noun} "
            f"is in another state, `concurrent_change` when someone changed it meanwhile; 403 "
            f"when the caller's role may not run it; 404 when the {noun} is not visible to the "
            f"caller; 400 names each invalid input field."
        )
        return "\n\n".join(p for p in parts if p)

    def perform_transition(self, obj, name: str, data: dict):  # pragma: no cover - abstract
        raise NotImplementedError

    @extend_schema(responses={200: TransitionRow(many=True)}, request=None)
    @action(detail=True, methods=["get"], url_path="transitions", pagination_class=None)
    def transitions(self, request, *args, **kwargs):
        obj = self.get_object()
        rows = transitions.describe(obj, self.transition_field, self.state_label, request.user)
        return Response(rows)

    # Its schema (input, answer, one operation per name): apps/core/schema.py.
    @action(
        detail=True,
        methods=["post"],
        url_path=r"transitions/(?P<name>[a-z_]+)",
        url_name="run-transition",
    )
    def run_transition(self, request, name: str, *args, **kwargs):
        obj = self.get_object()
        if name not in transitions.names(obj, self.transition_field):
            raise NotFound(_("There is no transition called “%(name)s”.") % {"name": name})
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
        detail = _("There is no API endpoint at %(path)s.") % {"path": request.path}
        try:
            match = resolve(f"{request.path}/")
        except Resolver404:
            match = None
        if match is not None and getattr(match.func, "cls", None) is not NoSuchEndpoint:
            detail += " " + _("Addresses end with a slash: %(path)s/") % {"path": request.path}
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
