"""/api/v1/resources/: staff write, partner users read what their audience allows; filters
refuse unknown values; staff-only fields; the lists read a constant number of queries."""

from __future__ import annotations

import pytest

from apps.enablement.models import Resource
from tests.factories import PartnerUserFactory

from .factories import ResourceFactory


def test_staff_create_and_change_a_resource(bob, api_for):
    api = api_for(bob)
    response = api.post(
        "/api/v1/resources/",
        {
            "title": "Reseller pricing",
            "kind": "battlecard",
            "phase": "growth",
            "body": "Prices *by tier*.",
            "tags": ["pricing"],
            "partner_types": ["reseller"],
            "published": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["html"] == "<p>Prices <em>by tier</em>.</p>\n"
    assert data["version"] == 1 and data["published"] is True
    changed = api.patch(f"/api/v1/resources/{data['id']}/", {"body": "New"}, format="json")
    assert changed.json()["version"] == 2
    bad = api.post(
        "/api/v1/resources/",
        {"title": "X", "kind": "deck", "phase": "growth", "body": "x", "partner_types": ["nope"]},
        format="json",
    )
    assert bad.status_code == 400 and "partner_types" in bad.json()
    link = api.post(
        "/api/v1/resources/",
        {"title": "X", "kind": "deck", "phase": "growth", "content": "link"},
        format="json",
    )
    assert link.status_code == 400 and "url" in link.json()


def test_partner_users_read_but_never_write_nor_see_the_audience(acme, api_for):
    resource = ResourceFactory()
    charlie = PartnerUserFactory(partner=acme)
    api = api_for(charlie)
    data = api.get(f"/api/v1/resources/{resource.pk}/").json()
    assert set(data) == {
        "id", "title", "summary", "kind", "phase", "content", "html", "url", "file",
        "is_template", "tags", "published_at", "version",
    }  # fmt: skip
    assert (
        api.patch(f"/api/v1/resources/{resource.pk}/", {"title": "X"}, format="json").status_code
        == 403
    )
    assert api.post("/api/v1/resources/", {"title": "X"}, format="json").status_code == 403
    assert api.get(f"/api/v1/resources/{resource.pk}/adoption/").status_code == 403


@pytest.mark.parametrize("query", [{"phase": "nope"}, {"kind": "nope"}, {"published": "maybe"}])
def test_the_list_refuses_unknown_filter_values(bob, api_for, query):
    response = api_for(bob).get("/api/v1/resources/", query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_the_list_filters_by_phase_kind_tag_and_search(bob, api_for):
    hit = ResourceFactory(title="Exit checklist", phase="exit", kind="template", tags=["exit"])
    ResourceFactory(title="Exit deck", phase="exit", kind="deck")
    ResourceFactory(title="Growth checklist", phase="growth", kind="template")
    api = api_for(bob)

    def ids(**query):
        return [r["id"] for r in api.get("/api/v1/resources/", query).json()["results"]]

    assert ids(phase="exit", kind="template") == [hit.pk]
    assert ids(tag="exit") == [hit.pk]
    assert ids(q="exit checklist")[0] == hit.pk


@pytest.mark.parametrize("rows", [2, 50])
def test_the_resource_list_reads_a_constant_number_of_queries(
    rows, acme, bob, api_for, django_assert_max_num_queries
):
    for i in range(rows):
        ResourceFactory(title=f"Guide {i:03d}")
    charlie = PartnerUserFactory(partner=acme)
    # the count, the page (with the minimum tier)
    with django_assert_max_num_queries(2):
        staff = api_for(bob).get("/api/v1/resources/?page_size=200")
    assert staff.json()["count"] == rows
    # the partner (its type and tier, for the audience), the count, the page
    with django_assert_max_num_queries(3):
        partner = api_for(charlie).get("/api/v1/resources/?page_size=200")
    assert partner.json()["count"] == rows
    assert Resource.objects.count() == rows
