"""/api/v1/docs/: Swagger UI served from this site (drf-spectacular-sidecar), under the same
Content-Security-Policy as every page, with no inline script."""

from __future__ import annotations

import re

import pytest

from apps.core.middleware import CSP

pytestmark = pytest.mark.django_db
DOCS = "/api/v1/docs/"


def _assets(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_the_docs_page_loads_everything_from_this_site(client):
    r = client.get(DOCS)
    assert r.status_code == 200
    html = r.content.decode()
    assert not re.search(r"https?://", html), "no address on another host"
    assert "<script>" not in html, "no inline script"
    assets = _assets(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for url in assets:
        assert url.startswith("/"), url
        answer = client.get(url)
        assert answer.status_code == 200, url
        answer.close()


def test_the_docs_page_has_the_normal_content_security_policy(client):
    assert client.get(DOCS)["Content-Security-Policy"] == CSP


def test_the_start_up_script_is_a_file_pointing_at_the_schema(client):
    r = client.get(DOCS, {"script": ""})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/javascript")
    assert '"/api/v1/schema/"' in r.content.decode()
