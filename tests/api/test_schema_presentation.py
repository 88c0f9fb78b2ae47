"""The schema as integrators and their tools read it (issue 25): JSON request bodies only,
a summary and a description of its own for every operation, tags by resource, the token
endpoint without security, servers, licence and contact, examples for the main calls."""

from __future__ import annotations

import inspect

from .conftest import operations

# The exceptions: file uploads are multipart/form-data (documented on their operations).
MULTIPART = {
    "POST /api/v1/deal-registrations/{id}/attachments/": ["multipart/form-data"],
    "POST /api/v1/fund-requests/{id}/files/": ["multipart/form-data"],
}


def test_request_bodies_are_json_only(openapi):
    """Generated clients then send JSON (so they can send null), never multipart — except the
    file uploads listed in MULTIPART."""
    bodies = {w: op["requestBody"] for w, op in operations(openapi) if "requestBody" in op}
    assert len(bodies) > 30
    wrong = {
        w: list(b["content"])
        for w, b in bodies.items()
        if list(b["content"]) != MULTIPART.get(w, ["application/json"])
    }
    assert not wrong


def test_every_operation_has_a_summary_and_a_description_of_its_own(openapi):
    from partneros.urls import router

    class_docs = {inspect.getdoc(viewset) for _p, viewset, _b in router.registry} - {None}
    class_docs |= {inspect.getdoc(cls) for _p, v, _b in router.registry for cls in v.__mro__}
    missing, borrowed = [], []
    for where, operation in operations(openapi):
        if not operation.get("summary") or not operation.get("description"):
            missing.append(where)
        elif operation["description"] in class_docs:
            borrowed.append(where)
    assert not missing
    assert not borrowed, "a view class's docstring is not an operation's description"
    ids = [op["operationId"] for _w, op in operations(openapi)]
    assert len(ids) == len(set(ids))


def test_tags_group_operations_by_resource(openapi):
    declared = {tag["name"] for tag in openapi["tags"]}
    for where, operation in operations(openapi):
        resource = where.split(" ")[1].split("/")[3]
        assert operation["tags"] == [resource], where
        assert resource in declared, where
    assert all(tag.get("description") for tag in openapi["tags"])


def test_the_token_endpoint_takes_no_authentication(openapi):
    token = openapi["paths"]["/api/v1/auth/token/"]["post"]
    assert token["security"] == []
    me = openapi["paths"]["/api/v1/users/me/"]["get"]
    assert {"tokenAuth": []} in me["security"]


def test_servers_licence_and_contact_are_declared(openapi):
    assert openapi["servers"] and openapi["servers"][0]["url"]
    assert openapi["info"]["license"]["name"]
    assert openapi["info"]["contact"]["email"]


def _examples(operation: dict, where: str) -> dict[str, dict]:
    found = {}
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    for name, example in body.get("examples", {}).items():
        found[f"request {name}"] = example["value"]
    for code, answer in operation["responses"].items():
        content = answer.get("content", {}).get("application/json", {})
        for name, example in content.get("examples", {}).items():
            found[f"{code} {name}"] = example["value"]
    assert found, f"{where} has no examples"
    return found


def test_the_main_requests_and_answers_have_examples(openapi):
    paths = openapi["paths"]
    register = _examples(paths["/api/v1/deal-registrations/"]["post"], "register")
    assert register["request APartnerRegistersADeal"]["customer_domain"]
    assert register["201 TheNewRegistration"]["status"] == "submitted"
    approve = _examples(
        paths["/api/v1/deal-registrations/{id}/transitions/approve/"]["post"], "approve"
    )
    assert approve["200 TheApprovedRegistration"]["status"] == "approved"
    reject = _examples(
        paths["/api/v1/deal-registrations/{id}/transitions/reject/"]["post"], "reject"
    )
    assert reject["request AManagerRejectsWithAReason"] == {"reason": "Already in our pipeline."}
    assert reject["200 TheRejectedRegistration"]["status"] == "rejected"
    token = _examples(paths["/api/v1/auth/token/"]["post"], "token")
    assert set(token["request SignIn"]) == {"username", "password"}
    assert set(token["200 TheToken"]) == {"token"}


def test_the_examples_match_their_schemas(openapi):
    """An example is a promise: each validates against the schema it illustrates."""
    from openapi_schema_validator import OAS30Validator

    def check(example, schema, where):
        validator = OAS30Validator({**schema, "components": openapi["components"]})
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, (where, errors)

    for where, operation in operations(openapi):
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        for example in body.get("examples", {}).values():
            check(example["value"], body["schema"], where)
        for code, answer in operation["responses"].items():
            content = answer.get("content", {}).get("application/json", {})
            for example in content.get("examples", {}).values():
                check(example["value"], content["schema"], f"{where} {code}")
