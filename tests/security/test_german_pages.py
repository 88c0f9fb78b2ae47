"""Every page a partner user opens renders in German: a translation that broke a page (a
placeholder the template does not give, a stray %) would fail only for German users. Generated
from the URLconf like the isolation matrix."""

from __future__ import annotations

import pytest

from .matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

PAGES = sorted(n for n, e in MATRIX.items() if e[0] in ("portal", "login") and e[2] == "get")


@pytest.mark.parametrize("name", PAGES)
def test_the_page_renders_in_german(name, world, client_for):
    charlie = world["user"]  # acme's partner admin
    charlie.language = "de"
    charlie.save(update_fields=["language"])
    response = client_for(charlie).get(url_for(name, world))
    assert response.status_code < 500, (name, response.status_code)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        if "<html" in html:
            assert '<html lang="de">' in html, name
