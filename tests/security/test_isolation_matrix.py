"""Partner isolation and role answers for every URL, generated from the URL configuration."""

from __future__ import annotations

import pytest

from .conftest import MARKERS
from .matrix import MATRIX, url_for, url_names

pytestmark = pytest.mark.django_db


def _request(client, name: str, url: str):
    return getattr(client, MATRIX[name][2])(url)


def _leaks(response) -> list[str]:
    body = b"".join(response) if response.streaming else response.content
    text = body.decode(errors="replace")
    return [m for m in MARKERS if m.lower() in text.lower()]


def test_every_url_is_in_the_matrix():
    missing = sorted(url_names() - set(MATRIX))
    assert not missing, f"add these URL names to tests/security/matrix.py: {missing}"
    stale = sorted(set(MATRIX) - url_names())
    assert not stale, f"these matrix entries name no URL any more: {stale}"


@pytest.mark.parametrize(
    "name", sorted(n for n, e in MATRIX.items() if e[1] not in (None, "missing", "uuid"))
)
def test_another_company_cannot_tell_the_object_exists(name, world, client_for, api_for):
    """dave (Globex) asks for acme's object: the same answer as for one that does not exist, no
    success, and none of its content."""
    make = api_for if MATRIX[name][0] == "api" else client_for
    real = _request(make(_dave(world)), name, url_for(name, world, real=True))
    missing = _request(make(_dave(world)), name, url_for(name, world, real=False))
    assert real.status_code == missing.status_code, (name, real.status_code, missing.status_code)
    assert real.status_code >= 300, name
    assert not _leaks(real), name
    if MATRIX[name][0] in ("portal", "api", "login"):
        assert real.status_code in (403, 404, 405), (name, real.status_code)


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e[2] == "get"))
def test_no_page_or_list_shows_another_companys_data(name, world, client_for, api_for):
    make = api_for if MATRIX[name][0] == "api" else client_for
    response = make(_dave(world)).get(url_for(name, world))
    assert response.status_code < 500, name
    assert not _leaks(response), (name, _leaks(response))


# The documented answer per area and role, for every page (GET).
PAGE_ANSWERS = {
    #          anonymous      partner (own)  manager  admin
    "staff": ("login", "/portal/", 200, 200),
    "admin": ("login", "/portal/", 403, 200),
    "portal": ("login", 200, "/", "/"),
}


@pytest.mark.parametrize(
    "name",
    sorted(n for n, e in MATRIX.items() if e[0] in PAGE_ANSWERS and e[2] == "get"),
)
def test_each_role_gets_the_documented_answer(name, world, client, client_for, alice, bob):
    area, obj = MATRIX[name][0], MATRIX[name][1]
    url = url_for(name, world)
    charlie = world["partner"].users.get()
    for who, expected in zip(
        ("anonymous", "partner", "manager", "admin"), PAGE_ANSWERS[area], strict=True
    ):
        c = (
            client
            if who == "anonymous"
            else client_for({"partner": charlie, "manager": bob, "admin": alice}[who])
        )
        response = c.get(url)
        if obj in ("missing", "uuid") and expected == 200:
            expected = 404
        if expected == "login":
            assert response.status_code == 302, (name, who, response.status_code)
            assert response["Location"].startswith("/accounts/login/"), (name, who)
        elif isinstance(expected, str):
            assert response.status_code == 302, (name, who, response.status_code)
            assert response["Location"] == expected, (name, who, response["Location"])
        else:
            assert response.status_code == expected, (name, who, response.status_code)


@pytest.mark.parametrize("name", sorted(n for n, e in MATRIX.items() if e[0] == "api"))
def test_the_api_refuses_anonymous_callers(name, world, api_for):
    response = _request(api_for(None), name, url_for(name, world))
    assert response.status_code in (401, 403), (name, response.status_code)


def _dave(world):
    from apps.accounts.models import User

    return User.objects.get(username="dave")
