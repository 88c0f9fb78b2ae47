"""The partner admin's Directory listing page in the portal (opt in, public words, logo) and
the manager's view of it on the partner page."""

from __future__ import annotations

import pytest

from apps.locator.models import Listing
from apps.partners.models import Stage
from tests.factories import PartnerUserFactory

from .factories import ListingFactory, png, png_upload

pytestmark = pytest.mark.django_db
URL = "/portal/listing/"


@pytest.fixture
def acme(db):
    from tests.factories import PartnerFactory

    return PartnerFactory(
        name="Acme Resellers", stage=Stage.GROWTH, countries=["DE"], specializations=["Retail"]
    )


def _post(client, **overrides):
    data = {
        "listed": "on",
        "public_name": "Acme",
        "description": "Retail roll-outs.",
        **overrides,
    }
    return client.post(URL, data)


def test_the_admin_opts_in_and_the_company_appears_in_the_directory(client_for, client, acme_admin):
    c = client_for(acme_admin)
    assert c.get(URL).status_code == 200
    response = _post(c, logo=png_upload())
    assert response.status_code == 302 and response["Location"] == URL
    acme = acme_admin.partner
    acme.refresh_from_db()
    listing = Listing.objects.get(partner=acme)
    assert acme.listed_in_locator
    assert (listing.public_name, listing.description) == ("Acme", "Retail roll-outs.")
    assert listing.logo_type == "image/png" and listing.updated_by == acme_admin
    assert "acme" not in listing.logo.name.lower()  # stored under a random name
    page = client.get("/partners/find/").content.decode()
    assert "Retail roll-outs." in page and f"/partners/find/{listing.pk}/logo/" in page
    # The preview shows what buyers see.
    assert "Retail roll-outs." in c.get(URL).content.decode()


def test_opting_out_takes_the_company_out_of_the_directory(client_for, client, acme_admin):
    c = client_for(acme_admin)
    _post(c)
    assert "Retail roll-outs." in client.get("/partners/find/").content.decode()
    _post(c, listed="")
    acme_admin.partner.refresh_from_db()
    assert not acme_admin.partner.listed_in_locator
    assert "Retail roll-outs." not in client.get("/partners/find/").content.decode()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (png_upload("logo.png", b"<svg onload=alert(1)>"), "not accepted"),
        (png_upload("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "not accepted"),
        (png_upload("big.png", png() + b"\0" * (1024 * 1024)), "too large"),
        (png_upload("doc.png", b"%PDF-1.4 not an image"), "not accepted"),
    ],
)
def test_a_logo_that_is_no_small_image_is_refused(client_for, acme_admin, upload, message):
    response = _post(client_for(acme_admin), logo=upload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Listing.objects.exists()
    acme_admin.partner.refresh_from_db()
    assert not acme_admin.partner.listed_in_locator


def test_a_new_logo_replaces_the_old_one_and_it_can_be_removed(
    client_for, acme_admin, django_capture_on_commit_callbacks
):
    c = client_for(acme_admin)
    _post(c, logo=png_upload())
    first = Listing.objects.get().logo
    storage, first_name = first.storage, first.name
    with django_capture_on_commit_callbacks(execute=True):  # the old file goes after commit
        _post(c, logo=png_upload(content=png(colour="#ff0000")))
    second = Listing.objects.get().logo.name
    assert second != first_name and not storage.exists(first_name) and storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        _post(c, remove_logo="on")
    listing = Listing.objects.get()
    assert not listing.logo and listing.logo_type == ""
    assert not storage.exists(second)


def test_the_admin_sees_their_own_logo_before_being_listed(client_for, acme_admin, client):
    c = client_for(acme_admin)
    _post(c, listed="", logo=png_upload())
    listing = Listing.objects.get()
    response = c.get(f"/locator/listings/{listing.pk}/logo/")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/partners/find/{listing.pk}/logo/").status_code == 404


def test_only_the_partner_admin_keeps_the_listing(client_for, acme_member, acme_finance):
    own = ListingFactory(partner=acme_member.partner, logo=png_upload(), logo_type="image/png")
    for user in (acme_member, acme_finance):
        c = client_for(user)
        assert c.get(URL).status_code == 403
        assert _post(c, public_name="Changed").status_code == 403
        assert c.get(f"/locator/listings/{own.pk}/logo/").status_code == 403
    own.refresh_from_db()
    assert own.public_name != "Changed"


def test_an_admin_edits_their_own_company_only(client_for, acme_admin, globex):
    other = ListingFactory(partner=globex, public_name="Globex Public")
    _post(client_for(acme_admin), public_name="Mine")
    other.refresh_from_db()
    assert other.public_name == "Globex Public"
    assert Listing.objects.get(partner=acme_admin.partner).public_name == "Mine"


def test_the_portal_bar_links_the_page_for_admins_only(client_for, acme_admin, acme_member):
    assert 'href="/portal/listing/"' in client_for(acme_admin).get("/portal/").content.decode()
    assert 'href="/portal/listing/"' not in client_for(acme_member).get("/portal/").content.decode()


def test_the_manager_sees_the_listing_on_the_partner_page(client_for, bob, alice):
    listing = ListingFactory(public_name="Shown Name", description="Our words.", logo=png_upload(),
                             logo_type="image/png")  # fmt: skip
    unlisted = ListingFactory(partner__listed_in_locator=False, public_name="Quiet Co")
    page = client_for(bob).get(f"/partners/{listing.partner_id}/").content.decode()
    assert "Partner locator" in page and "Shown Name" in page and "Our words." in page
    assert "Listed in the public directory" in page
    assert client_for(bob).get(f"/locator/listings/{listing.pk}/logo/").status_code == 200
    other = client_for(alice).get(f"/partners/{unlisted.partner_id}/").content.decode()
    assert "Quiet Co" in other and "Not listed" in other


def test_another_partners_admin_cannot_read_an_unlisted_logo(client_for, globex):
    listing = ListingFactory(logo=png_upload(), logo_type="image/png",
                             partner__listed_in_locator=False)  # fmt: skip
    dave = PartnerUserFactory(username="dave", partner=globex)
    response = client_for(dave).get(f"/locator/listings/{listing.pk}/logo/")
    assert response.status_code == 404
