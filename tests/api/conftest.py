"""The OpenAPI document as integrators read it, generated once per session (no request, no
database: what GET /api/v1/schema/ serves, built by the same generator)."""

from __future__ import annotations

import json

import pytest


def openapi_document() -> dict:
    from drf_spectacular.renderers import OpenApiJsonRenderer
    from drf_spectacular.settings import spectacular_settings

    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    schema = generator.get_schema(request=None, public=True)
    # Through the JSON renderer, as served: lazy strings and decimals become JSON.
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


@pytest.fixture(scope="session")
def openapi() -> dict:
    return openapi_document()


def operations(document: dict):
    """(METHOD path, operation) for every operation of the document."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation
