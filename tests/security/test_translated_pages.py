"""Every page a partner user opens renders in every offered language: a translation that broke
a page (a placeholder the template does not give, a stray %) would fail only for that
language's users. Generated from the URLconf like the isolation matrix."""

from __future__ import annotations

import pytest
from django.conf import settings

from .matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

PAGES = sorted(n for n, e in MATRIX.items() if e[0] in ("portal", "login") and e[2] == "get")
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("name", PAGES)
def test_the_page_renders_in_each_language(name, language, world, client_for):
    charlie = world["user"]  # acme's partner admin
    charlie.language = language
    charlie.save(update_fields=["language"])
    response = client_for(charlie).get(url_for(name, world))
    assert response.status_code < 500, (name, response.status_code)
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        if "<html" in html:
            assert f'<html lang="{language}">' in html, name
