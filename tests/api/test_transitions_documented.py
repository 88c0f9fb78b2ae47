"""Every transition of every state machine is its own documented operation (issue 25): the
view sets that run transitions (TransitionsMixin) and their models' django-fsm transitions,
against the schema — its path with the literal name, its input, its answer, its errors — and
the server answers that very path."""

from __future__ import annotations

import pytest
from django.urls import resolve

from apps.core.api import CONFLICT_CODES, TransitionsMixin

from .conftest import operations

CONTRACT_CODES = {
    "transition_not_allowed",
    "conditions_unmet",
    "concurrent_change",
    "domain_protected",
    "partner_inactive",
}


def machines():
    """(prefix, view set, transition name) for every transition the API runs."""
    from partneros.urls import router

    found = []
    for prefix, viewset, _basename in router.registry:
        if not issubclass(viewset, TransitionsMixin):
            continue
        model = viewset.machine_model()
        # Straight from django-fsm, not from the view set's own list.
        fsm = getattr(model(), f"get_all_{viewset.transition_field}_transitions")()
        found += [(prefix, viewset, name) for name in dict.fromkeys(t.name for t in fsm)]
    return found


def _component(document: dict, node: dict) -> tuple[str, dict]:
    name = node["$ref"].rsplit("/", 1)[1]
    return name, document["components"]["schemas"][name]


def state_machines():
    """(model, field) for every django-fsm field of every installed model: the machines there
    are, found in the models, not listed."""
    from django.apps import apps
    from django_fsm import FSMFieldMixin

    return {
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, FSMFieldMixin)
    }


# Machines no one runs by hand: their only transitions are a sweep's, so the API has no
# operation for them (it reads their state).
SWEEP_ONLY = {
    # a certification's one transition, `expire`, is the certification_expiry sweep's
    "enablement.Certification.status",
}


def test_the_sweep_only_machines_have_no_transition_a_person_may_run():
    from django.apps import apps

    for label in SWEEP_ONLY:
        app_model, field = label.rsplit(".", 1)
        model = apps.get_model(app_model)
        names = [t.name for t in getattr(model, f"get_all_{field}_transitions")(model())]
        assert names == ["expire"], f"{label} gained a transition a person runs: give it an API"


def test_the_api_runs_every_state_machine():
    """Every machine of every app (leads, fund requests, agreements, applications… and those
    added later) is run by a view set of the API, each of its transitions an operation."""
    from partneros.urls import router

    run = {
        (viewset.machine_model(), viewset.transition_field)
        for _prefix, viewset, _basename in router.registry
        if issubclass(viewset, TransitionsMixin)
    }
    machines_found = state_machines()
    assert len(machines_found) >= 8  # the discovery finds them (partners … leads, funds)
    missing = sorted(
        f"{model._meta.label}.{field}"
        for model, field in machines_found - run
        if f"{model._meta.label}.{field}" not in SWEEP_ONLY
    )
    assert not missing, f"state machines without their transitions in the API: {missing}"
    prefixes = {prefix for prefix, _v, _n in machines()}
    assert {"leads", "fund-requests", "agreements", "applications"} <= prefixes


@pytest.mark.parametrize(("prefix", "viewset", "name"), machines())
def test_each_transition_is_its_own_operation(openapi, prefix, viewset, name):
    path = f"/api/v1/{prefix}/{{id}}/transitions/{name}/"
    assert path in openapi["paths"], f"{name} of {prefix} is not documented"
    operation = openapi["paths"][path]["post"]
    where = f"POST {path}"

    # Written for integrators: a summary, and a description saying what it does.
    assert viewset.transition_docs.get(name), f"{where}: no transition_docs entry"
    summary, text = viewset.transition_docs[name]
    assert operation["summary"] == summary
    assert operation["description"].startswith(text)
    assert "**From**" in operation["description"]
    assert operation["tags"] == [prefix]

    # Its input, in JSON only: the transition's serializer, or an empty object.
    content = operation["requestBody"]["content"]
    assert list(content) == ["application/json"], where
    component, body = _component(openapi, content["application/json"]["schema"])
    expected = viewset.transition_inputs.get(name)
    if expected is None:
        assert component == "NoInput" and body["properties"] == {}, where
    else:
        assert set(body["properties"]) == set(expected().fields), where
        required = {f for f, field in expected().fields.items() if field.required}
        assert set(body.get("required", [])) == required, where

    # Its answer: the updated object, as the view set's other operations answer it.
    answered, _ = _component(
        openapi, operation["responses"]["200"]["content"]["application/json"]["schema"]
    )
    read = openapi["paths"][f"/api/v1/{prefix}/{{id}}/"]["get"]["responses"]["200"]
    assert answered == _component(openapi, read["content"]["application/json"]["schema"])[0]

    # Its refusals, in the error contract's shapes.
    for code in ("400", "401", "403", "404", "409"):
        assert "application/json" in operation["responses"][code]["content"], (where, code)
    _, conflict = _component(
        openapi, operation["responses"]["409"]["content"]["application/json"]["schema"]
    )
    code_schema = conflict["properties"]["code"]
    name, codes = _component(openapi, code_schema.get("allOf", [code_schema])[0])
    assert name == "ConflictCodeEnum"
    assert set(codes["enum"]) >= CONTRACT_CODES, where


@pytest.mark.parametrize(("prefix", "viewset", "name"), machines())
def test_the_server_answers_the_documented_path(prefix, viewset, name):
    """The literal path is the real URL: it routes to the view set's transition action with
    that name (the journeys in test_generated_client.py call it over HTTP)."""
    match = resolve(f"/api/v1/{prefix}/7/transitions/{name}/")
    assert match.func.cls is viewset
    assert match.func.actions == {"post": "run_transition"}
    assert match.kwargs == {"pk": "7", "name": name}


def test_no_templated_transition_operation_is_left(openapi):
    assert not [where for where, _op in operations(openapi) if "{name}" in where]


def test_the_conflict_codes_include_the_contract():
    assert {code for code, _label in CONFLICT_CODES} >= CONTRACT_CODES
