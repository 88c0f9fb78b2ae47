"""No form speaks in field names: every `<label>` and `<legend>` of every page a role may open is
written, not the label Django generates from a field's name ("Review sla hours" for
review_sla_hours). Generated from the URLconf like the isolation matrix
(tests/security/matrix.py), with its world."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.security.conftest import (  # noqa: F401 — the security suite's world, Acme's objects
    acme,
    charlie,
    dave,
    globex,
    world,
)
from tests.security.matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db

# Who opens each area's pages: the admin also sees the staff pages with the admin's fields.
ROLES = {
    "public": [None],
    "login": ["bob", "charlie"],
    "staff": ["alice", "bob"],
    "admin": ["alice"],
    "portal": ["charlie"],
}
PAGES = sorted(
    (name, role)
    for name, (area, _obj, method, _extra) in MATRIX.items()
    if method == "get" and area in ROLES
    for role in ROLES[area]
)


class _Form(HTMLParser):
    """The texts of the labels and legends, and the names of the inputs."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.texts: list[str] = []
        self._open: list[list[str]] = []  # the label/legend being read (nested: the outer)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        shown = attrs.get("type") not in ("hidden", "submit", "button")
        if tag in ("input", "select", "textarea") and attrs.get("name") and shown:
            self.names.add(attrs["name"])
        if tag in ("label", "legend"):
            self._open.append([])

    def handle_endtag(self, tag):
        if tag in ("label", "legend") and self._open:
            self.texts.append(" ".join("".join(self._open.pop()).split()))

    def handle_data(self, data):
        if self._open:
            self._open[-1].append(data)


def generated(name: str) -> str:
    """Django's label for a field called `name` (a formset's "form-0-name" is "name")."""
    return name.rsplit("-", 1)[-1].replace("_", " ").capitalize()


def field_name_labels(html: str) -> list[str]:
    """The labels and legends of `html` that are a generated label of one of its inputs. A
    one-word name whose generated label is the written one ("Name", "Email") is fine."""
    parser = _Form()
    parser.feed(html)
    made = {generated(n) for n in parser.names if "_" in n.rsplit("-", 1)[-1]}
    return [t for t in (re.sub(r"\s*\*$", "", t) for t in parser.texts) if t in made]


def test_it_catches_a_generated_label():
    html = (
        '<form><label for="a">Review sla hours <span class="req">*</span></label>'
        '<input name="review_sla_hours"><label for="b">Review deadline (hours)</label>'
        '<input name="form-0-qbr_reminder_days"><legend>Qbr reminder days</legend></form>'
    )
    assert field_name_labels(html) == ["Review sla hours", "Qbr reminder days"]


@pytest.mark.parametrize(("name", "role"), PAGES)
def test_no_label_is_a_field_name(name, role, world, client_for, client, request):  # noqa: F811
    user = request.getfixturevalue(role) if role else None
    c = client_for(user) if user else client
    response = c.get(url_for(name, world))
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return  # a page this role may not open, a file or a JSON answer: no form to read
    assert field_name_labels(response.content.decode()) == [], name
