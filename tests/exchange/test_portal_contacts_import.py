"""A partner admin imports their company's contacts from the portal: checked, previewed, all or
nothing, and only ever into their own company."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.exchange.models import ImportBatch
from apps.people.models import Contact
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _upload(client, text: str):
    return client.post(
        reverse("portal:team_contacts_import"),
        {"file": SimpleUploadedFile("contacts.csv", text.encode(), "text/csv")},
    )


def test_it_imports_into_the_admins_own_company_whatever_the_file_says(acme, globex):
    admin = PartnerUserFactory(partner=acme, partner_role="admin")
    client = _client(admin)
    # A partner column naming another company is not one of the portal file's columns: ignored.
    response = _upload(
        client,
        "name,email,roles,partner\nNancy Davolio,nancy@acme.example,primary sales,Globex\n"
        "Andrew Fuller,andrew@acme.example,executive,Globex\n",
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    body = preview.content.decode()
    assert preview.status_code == 200
    assert "Nancy Davolio" in body and "All 2 rows pass the checks" in body
    assert not Contact.objects.filter(name="Nancy Davolio").exists()  # nothing written yet
    done = client.post(response["Location"] + "confirm/")
    assert done.status_code == 302 and done["Location"] == reverse("portal:team")
    assert set(Contact.objects.filter(partner=acme).values_list("name", flat=True)) == {
        "Nancy Davolio",
        "Andrew Fuller",
    }
    assert not Contact.objects.filter(partner=globex).exists()
    assert Contact.objects.get(name="Nancy Davolio").roles == ["primary", "sales"]
    # A second confirmation imports nothing more.
    client.post(response["Location"] + "confirm/")
    assert Contact.objects.filter(partner=acme).count() == 2


def test_one_bad_row_shows_its_reason_and_nothing_is_imported(acme):
    admin = PartnerUserFactory(partner=acme, partner_role="admin")
    client = _client(admin)
    response = _upload(client, "name,email\nFine Person,fine@acme.example\nBroken,not-an-email\n")
    body = client.get(response["Location"]).content.decode()
    assert "1 row cannot be imported" in body and "Enter a valid e-mail address." in body
    client.post(response["Location"] + "confirm/")
    assert not Contact.objects.filter(partner=acme).exists()


def test_an_unreadable_file_is_refused_on_the_page_with_its_reason(acme):
    admin = PartnerUserFactory(partner=acme, partner_role="admin")
    response = _upload(_client(admin), "email\nnancy@acme.example\n")  # no name column
    assert response.status_code == 400
    assert 'id="import-problem"' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_another_companys_batch_does_not_exist_for_an_admin(acme, globex):
    acme_admin = PartnerUserFactory(partner=acme, partner_role="admin")
    globex_admin = PartnerUserFactory(partner=globex, partner_role="admin")
    response = _upload(_client(acme_admin), "name\nNancy Davolio\n")
    url = response["Location"]
    assert _client(globex_admin).get(url).status_code == 404
    assert _client(globex_admin).post(url + "confirm/").status_code == 404
    assert not Contact.objects.exists()


def test_members_and_finance_users_may_not_import(acme):
    for role in ("member", "finance"):
        user = PartnerUserFactory(partner=acme, partner_role=role)
        assert _client(user).get(reverse("portal:team_contacts_import")).status_code == 403
        assert _upload(_client(user), "name\nNancy\n").status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_template_has_no_partner_column(acme):
    admin = PartnerUserFactory(partner=acme, partner_role="admin")
    body = _client(admin).get(reverse("portal:team_contacts_import_template")).content.decode()
    assert body.lstrip("\ufeff").splitlines()[0] == "name,email,phone,title,roles,notes"


def test_an_overlong_cell_is_a_reason_on_its_row_not_a_server_error(acme):
    admin = PartnerUserFactory(partner=acme, partner_role="admin")
    client = _client(admin)
    response = _upload(client, f"name,title\nNancy,{'x' * 5000}\n")
    body = client.get(response["Location"]).content.decode()
    assert "1 row cannot be imported" in body and "At most" in body
