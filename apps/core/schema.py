"""The OpenAPI schema documents the error answers of every operation (DESIGN.md section 8), here
once rather than on each view: 400 invalid input, 401 not authenticated, 403 role not allowed,
404 not visible, 409 state conflict, 429 throttled — each where the operation can give it."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# {"field": ["message"]}; a request that cannot be parsed says why in "detail"; a list field
# names the failing item ({"days": {"0": ["message"]}}).
VALIDATION_ERROR = {
    "type": "object",
    "description": "What is wrong with the input, by field (`non_field_errors` for the whole).",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}


class ErrorDetail(serializers.Serializer):
    detail = serializers.CharField()


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, (description, body) in self._error_answers().items():
            documented = responses.get(code)
            if documented is None or "content" not in documented:
                answer = self._get_response_for_code(body, code)
                responses[code] = {**answer, "description": description}
        return responses

    def _error_answers(self) -> dict[str, tuple[str, object]]:
        from .api import ConflictSerializer  # api.py's decorators read DEFAULT_SCHEMA_CLASS

        view, method = self.view, self.method
        detail_path = "{" in self.path
        # A paginated list: a page past the end is a 404; a bad ?page=/?page_size= or a bad
        # value of one of its filters is refused (400).
        listing = method == "GET" and self._is_list_view() and self._get_paginator() is not None
        takes_input = method in ("PUT", "PATCH") or (
            method == "POST" and self.get_request_serializer() is not None
        )
        answers: dict[str, tuple[str, object]] = {}
        if takes_input or listing or getattr(view, "action", None) == "run_transition":
            answers["400"] = ("Invalid input or query parameters.", self._validation_error())
        answers["401"] = ("Not authenticated (or the token is not valid).", ErrorDetail)
        answers["403"] = (
            "The caller's role may not do this (or the CSRF check failed).",
            ErrorDetail,
        )
        if detail_path or listing:
            answers["404"] = ("Not visible to the caller (or no such page).", ErrorDetail)
        # Any write on the product's objects runs a service that may refuse on their state (or
        # on a concurrent change); the token endpoint writes none.
        if method in UNSAFE and isinstance(view, GenericAPIView):
            answers["409"] = ("The object's state does not allow this.", ConflictSerializer)
        if view.get_throttles():
            answers["429"] = ("Too many requests: try again later.", ErrorDetail)
        return answers

    def _validation_error(self) -> dict:
        component = ResolvedComponent(
            name="ValidationError",
            type=ResolvedComponent.SCHEMA,
            schema=VALIDATION_ERROR,
            object="ValidationError",
        )
        self.registry.register_on_missing(component)
        return component.ref
