"""The library: sanitised Markdown, checked uploads with their history, adoption once per person
per day whatever the door, "new since your last visit", the manager pages and search."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.errors import InvalidInput, NotPermitted
from apps.enablement import selectors, services
from apps.enablement.models import Resource, ResourceOpen
from tests.factories import PartnerUserFactory

from .factories import ResourceFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

HOSTILE = (
    "Hello <script>alert(1)</script>\n\n"
    '<img src=x onerror="alert(2)">\n\n'
    "[click](javascript:alert(3)) and [ok](https://example.com)\n\n"
    '<a href="https://evil.example" onclick="steal()">raw</a>\n\n'
    "<iframe src=https://evil.example></iframe>\n"
)


def _prose(response) -> str:
    """The rendered Markdown of a page (the page's own scripts are the product's)."""
    html = response.content.decode()
    start = html.index('<div class="prose">')
    return html[start : html.index("</div>", start)]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def _assert_safe(html: str) -> None:
    """No element that runs anything: no script, frame or image, no event handler attribute,
    no javascript: link (escaped text showing such source is fine: it is only text)."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in {"script", "iframe", "img", "style", "object", "embed"}, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (attrs.get("href") or "").lower().startswith("javascript"), attrs
        assert attrs.get("href") != "https://evil.example", attrs


def test_markdown_is_sanitised_on_every_door(acme, bob, client_for, api_for):
    resource = ResourceFactory(body=HOSTILE)
    charlie = PartnerUserFactory(partner=acme)
    page = _prose(client_for(charlie).get(f"/portal/library/{resource.pk}/"))
    manager_page = _prose(client_for(bob).get(f"/library/{resource.pk}/"))
    api_html = api_for(charlie).get(f"/api/v1/resources/{resource.pk}/").json()["html"]
    opened = api_for(charlie).post(f"/api/v1/resources/{resource.pk}/open/").json()["html"]
    for html in (page, manager_page, api_html, opened):
        _assert_safe(html)
    assert 'href="https://example.com"' in api_html  # a safe link survives
    assert "&lt;script&gt;" in api_html  # raw HTML is shown as text, never run


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("notes.pdf", b"MZ\x90\x00 not a pdf", "not accepted"),
        ("evil.html", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_an_upload_is_checked_by_its_content(bob, name, content, message):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(InvalidInput) as exc:
        services.resource_create(
            actor=bob, upload=upload, title="X", kind="deck", phase="growth", content="file"
        )
    assert message in " ".join(exc.value.errors["file"])
    assert not Resource.objects.exists()


def test_an_upload_too_large_is_refused(bob, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILE_BYTES", 100)
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 200, content_type="application/pdf")
    with pytest.raises(InvalidInput) as exc:
        services.resource_create(
            actor=bob, upload=upload, title="X", kind="deck", phase="growth", content="file"
        )
    assert "too large" in exc.value.errors["file"][0]


def test_a_file_is_stored_under_a_random_name_and_served_as_a_download(bob, client_for):
    upload = SimpleUploadedFile("../../etc/Deck \x00<b>.pdf", PDF, content_type="text/html")
    resource = services.resource_create(
        actor=bob, upload=upload, title="Deck", kind="deck", phase="growth", content="file"
    )
    assert "etc" not in resource.file.name and "Deck" not in resource.file.name
    assert resource.file_name == "Deck _b_.pdf"
    assert resource.file_type == "application/pdf"
    response = client_for(bob).get(f"/library/{resource.pk}/file/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")


def test_replacing_a_file_keeps_the_old_one_in_the_history(bob, client_for):
    first = SimpleUploadedFile("v1.pdf", PDF, content_type="application/pdf")
    resource = services.resource_create(
        actor=bob, upload=first, title="Deck", kind="deck", phase="growth", content="file"
    )
    old_name = resource.file.name
    second = SimpleUploadedFile("v2.png", PNG, content_type="image/png")
    resource = services.resource_update(resource=resource, actor=bob, upload=second)
    assert resource.version == 2
    assert resource.file_name == "v2.png" and resource.file_type == "image/png"
    [version] = resource.versions.all()
    assert (version.version, version.file.name, version.file_name) == (1, old_name, "v1.pdf")
    response = client_for(bob).get(f"/library/{resource.pk}/versions/{version.pk}/file/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    page = client_for(bob).get(f"/library/{resource.pk}/").content.decode()
    assert "Earlier files" in page and "v1.pdf" in page


def test_only_staff_write_the_library(acme):
    charlie = PartnerUserFactory(partner=acme)
    with pytest.raises(NotPermitted):
        services.resource_create(actor=charlie, title="X", kind="deck", phase="growth", body="x")


def test_an_open_counts_once_per_person_per_day_across_page_and_api(acme, bob, client_for, api_for):
    resource = ResourceFactory()
    charlie = PartnerUserFactory(partner=acme)
    erin = PartnerUserFactory(partner=acme)
    assert client_for(charlie).get(f"/portal/library/{resource.pk}/").status_code == 200
    assert api_for(charlie).post(f"/api/v1/resources/{resource.pk}/open/").status_code == 200
    assert client_for(charlie).get(f"/portal/library/{resource.pk}/").status_code == 200
    assert ResourceOpen.objects.filter(resource=resource).count() == 1
    api_for(erin).post(f"/api/v1/resources/{resource.pk}/open/")
    # the next day counts again
    services.resource_open(resource=resource, user=charlie, now=timezone.now() + timedelta(days=1))
    # staff reading it is not adoption
    client_for(bob).get(f"/library/{resource.pk}/")
    api_for(bob).post(f"/api/v1/resources/{resource.pk}/open/")
    figures = selectors.adoption(resource)
    assert (figures["opens"], figures["people"], figures["partners"]) == (3, 2, 1)
    adoption = api_for(bob).get(f"/api/v1/resources/{resource.pk}/adoption/").json()
    assert (adoption["opens"], adoption["people"], adoption["partners"]) == (3, 2, 1)
    assert adoption["last_opened"] is not None


def test_the_adoption_csv_lists_every_open(acme, alice, client_for):
    resource = ResourceFactory(title="=HYPERLINK(evil)")
    charlie = PartnerUserFactory(partner=acme, username="charlie")
    services.resource_open(resource=resource, user=charlie)
    response = client_for(alice).get("/exchange/library-adoption.csv", {"phase": "onboarding"})
    body = b"".join(response.streaming_content).decode()
    assert "charlie" in body and acme.name in body
    assert "'=HYPERLINK(evil)" in body  # a formula is defused
    assert client_for(charlie).get("/exchange/library-adoption.csv").status_code == 302


def test_new_since_the_last_visit(acme, client_for):
    charlie = PartnerUserFactory(partner=acme)
    now = timezone.now()
    old = ResourceFactory(title="Old guide", published_at=now - timedelta(days=10))
    assert services.library_visit(user=charlie, now=now - timedelta(days=2)) is None
    fresh = ResourceFactory(title="Fresh guide", published_at=now - timedelta(days=1))
    since = services.library_visit(user=charlie, now=now)
    new = list(selectors.new_since(selectors.visible_resources(charlie), since))
    assert new == [fresh] and old not in new
    # a second look within the same sitting still shows it
    assert services.library_visit(user=charlie, now=now + timedelta(minutes=5)) == since
    page = client_for(charlie).get("/portal/library/").content.decode()
    assert "New since your last visit" in page and "Fresh guide" in page


def test_the_starter_kit_is_the_stage_s_resources_on_the_portal_home(acme, client_for):
    charlie = PartnerUserFactory(partner=acme)  # acme is in recruitment
    ResourceFactory(title="Pitch for recruits", phase="recruitment")
    ResourceFactory(title="Checklist for onboarding", phase="onboarding")
    page = client_for(charlie).get("/portal/").content.decode()
    assert "Your starter kit" in page
    assert "Pitch for recruits" in page and "Checklist for onboarding" not in page


def test_managers_create_edit_publish_and_search(bob, client_for):
    client = client_for(bob)
    response = client.post(
        "/library/new/",
        {
            "title": "Battlecard against Initech",
            "summary": "How we win",
            "kind": "battlecard",
            "phase": "growth",
            "content": "markdown",
            "body": "Initech is slow to **integrate**.",
            "tags": "competition, initech",
        },
    )
    assert response.status_code == 302
    resource = Resource.objects.get(title="Battlecard against Initech")
    assert resource.tags == ["competition", "initech"] and not resource.published
    client.post(f"/library/{resource.pk}/publish/", {"published": "1"})
    resource.refresh_from_db()
    assert resource.published and resource.published_at is not None
    ResourceFactory(title="Something else", body="nothing relevant")
    page = client.get("/library/", {"q": "integrating"}).content.decode()
    assert "Battlecard against Initech" in page and "Something else" not in page
    page = client.get("/library/", {"tag": "initech"}).content.decode()
    assert "Battlecard against Initech" in page and "Something else" not in page
    bad = client.post(f"/library/{resource.pk}/edit/", {"title": "", "kind": "nope"})
    assert bad.status_code == 400
    assert client.get("/library/", {"phase": "nope"}).status_code == 400  # refused, not a 500


def test_search_ranks_title_above_body(bob):
    body_hit = ResourceFactory(title="Guide", body="mentions pricing once")
    title_hit = ResourceFactory(title="Pricing guide", body="other words")
    found = list(selectors.search(Resource.objects.all(), "pricing"))
    assert found == [title_hit, body_hit]


@pytest.mark.parametrize("rows", [2, 50])
def test_the_library_pages_read_a_constant_number_of_queries(
    rows, acme, bob, client_for, django_assert_max_num_queries
):
    for i in range(rows):
        ResourceFactory(title=f"Guide {i:03d}", phase="recruitment")
    charlie = PartnerUserFactory(partner=acme)
    manager, partner = client_for(bob), client_for(charlie)
    # session, user; the page of resources with adoption annotations, its count; adoption by
    # phase; the nav's and context's own reads (notifications bell)
    with django_assert_max_num_queries(9):
        assert manager.get("/library/").status_code == 200
    # session, user, partner (portal access), partner (audience), the visit (select for
    # update, update), count, page, new since, shared documents, savepoints
    with django_assert_max_num_queries(14):
        assert partner.get("/portal/library/").status_code == 200
