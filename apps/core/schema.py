"""The OpenAPI schema (DESIGN.md section 8), as integrators and their generated clients read it.

- The error answers of every operation, here once rather than on each view: 400 invalid input,
  401 not authenticated, 403 role not allowed, 404 not visible, 409 state conflict, 429
  throttled — each where the operation can give it.
- Every transition of every state machine is its own operation (`SchemaGenerator`): its input
  (an empty object where it takes none), its answer (the updated object), its summary.
- An operation's description is written for it (`extend_schema`), never a view class's
  docstring (that is written for the code's readers); the token endpoint declares no security.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator as SpectacularSchemaGenerator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent, get_doc
from drf_spectacular.utils import OpenApiResponse
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


NO_INPUT = {
    "type": "object",
    "description": "This transition takes no input: send an empty JSON object, `{}`.",
    "properties": {},
}


class SchemaGenerator(SpectacularSchemaGenerator):
    """The one route POST …/{id}/transitions/{name}/ is listed once per transition name, with
    the literal name in the path — the very URL the server answers (the name is a path
    segment) — so each transition has its own input, answer, summary and examples, and a
    generated client one function per transition."""

    def _get_paths_and_endpoints(self):
        found = []
        # drf-spectacular's endpoints are 4-tuples (DRF's stubs say 3).
        for path, path_regex, method, callback in self.endpoints or []:  # type: ignore[misc]
            view = self.create_view(callback, method)
            path = self.coerce_path(path, method, view)
            if getattr(view, "action", None) != "run_transition":
                found.append((path, path_regex, method, view))
                continue
            for name in view.transition_names():
                one = self.create_view(callback, method)
                one.kwargs = {"name": name}
                found.append((path.replace("{name}", name), path_regex, method, one))
        return found


class AutoSchema(SpectacularAutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        for node in schema.get("properties", {}).values():
            # drf-spectacular splits a blank-allowed text into `oneOf` [the text, ""] and moves
            # its default ("") into the first branch, whose pattern refuses it: the default is
            # the property's.
            branches = node.get("oneOf") if isinstance(node, dict) else None
            if branches and isinstance(branches[0], dict) and "default" in branches[0]:
                node["default"] = branches[0].pop("default")
        if direction == "request":
            # A field marked `null_in_answers_only` is null for some readers (a lead's contact
            # before its partner accepts) but never what anyone may send.
            for name, field in serializer.fields.items():
                if getattr(field, "null_in_answers_only", False):
                    schema.get("properties", {}).get(name, {}).pop("nullable", None)
        return schema

    # --- one operation per transition (SchemaGenerator lists them) ------------------------------
    @property
    def machine(self) -> Any:
        """The view as a TransitionsMixin (core cannot import the view sets to say so)."""
        return self.view

    @property
    def transition_name(self) -> str | None:
        if getattr(self.view, "action", None) != "run_transition":
            return None
        return self.view.kwargs.get("name")

    def get_request_serializer(self):
        name = self.transition_name
        if name is None and getattr(self.view, "action", None) == "run_transition":
            # drf-spectacular's own generator lists the one templated route: its input
            # depends on the name, so it is not the view set's serializer.
            return None
        if name is None:
            return super().get_request_serializer()
        if name in self.machine.transition_inputs:
            return self.machine.transition_inputs[name]
        # By media type: a mapping is how drf-spectacular takes a schema as it is.
        return {"application/json": self._component("NoInput", NO_INPUT)}

    def get_response_serializers(self):
        if self.transition_name is None:
            return super().get_response_serializers()
        noun = self.machine.machine_model()._meta.verbose_name
        return {
            200: OpenApiResponse(
                response=self.machine.get_serializer_class(), description=f"The updated {noun}."
            )
        }

    def get_operation_id(self) -> str:
        name = self.transition_name
        if name is None:
            return super().get_operation_id()
        # deal_registrations_approve: the function a generated client offers.
        return f"{self._tokenize_path()[0].replace('-', '_')}_{name}"

    def get_summary(self) -> str | None:
        name = self.transition_name
        if name is not None:
            return self.machine.transition_summary(name)
        if getattr(self.view, "action", None) == "transitions":
            return f"What can happen next to this {self.machine.machine_model()._meta.verbose_name}"
        return None

    def get_description(self) -> str:  # type: ignore[override] # drf-spectacular's signature
        # An action's own docstring, never the view class's (written for the code's readers).
        name = self.transition_name
        if name is not None:
            return self.machine.transition_description(name)
        if getattr(self.view, "action", None) == "transitions":
            noun = self.machine.machine_model()._meta.verbose_name
            return (
                f"Every transition of the {noun}'s state machine, with the state it leads "
                f"to, whether the caller may run it now (`allowed`) and, if not, why "
                f"(`unmet`, sentences to show a user). Run one with POST "
                f"`…/transitions/{{name}}/` — each has its own operation below."
            )
        method = getattr(self.view, getattr(self.view, "action", "") or self.method.lower(), None)
        return get_doc(method) if method is not None else ""

    def get_examples(self):
        name = self.transition_name
        if name is None:
            return super().get_examples()
        return list(getattr(self.view, "transition_examples", {}).get(name, []))

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None and "security" not in operation:
            operation["security"] = []  # auth=[]: no authentication, said explicitly
        return operation

    # --- the error answers ------------------------------------------------------------------
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
        return self._component("ValidationError", VALIDATION_ERROR)

    def _component(self, name: str, schema: dict) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
        )
        self.registry.register_on_missing(component)
        return component.ref
