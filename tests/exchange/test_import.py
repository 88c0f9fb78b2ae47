from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.deals.models import DealRegistration
from apps.exchange.csvio import MAX_ROWS
from apps.exchange.models import ImportBatch
from apps.partners.models import Partner
from tests.factories import ManagerFactory, PartnerFactory, PartnerTypeFactory, TierFactory

pytestmark = pytest.mark.django_db

HEADER = "name,website,partner_type,tier,manager\n"


def upload(client, text: str | bytes, kind: str = "partners", name: str = "file.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        reverse("exchange:upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:500]
    return ImportBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_it_offers_a_template_that_imports_cleanly(client_for, bob):
    PartnerTypeFactory(key="reseller", name="Reseller")
    TierFactory(name="Bronze", rank=1)
    client = client_for(bob)
    response = client.get(reverse("exchange:template", args=["partners"]))
    assert response.status_code == 200
    assert response.content.decode().lstrip("\ufeff").startswith("name,website,partner_type")
    batch = batch_of(upload(client, response.content))
    assert batch.error_count == 0 and Partner.objects.count() == 0
    assert client.get(reverse("exchange:template", args=["nonsense"])).status_code == 404


def test_it_round_trips_partners_through_export_and_import(client_for, bob):
    gold = TierFactory(name="Gold", rank=3)
    oem = PartnerTypeFactory(key="oem", name="OEM", onboarding_days=120)
    PartnerFactory(name="Acme Resellers", website="https://acme.example", manager=bob, tier=gold)
    PartnerFactory(
        name="+Plus Systems", partner_type=oem, website=""
    )  # a name a spreadsheet would run
    client = client_for(bob)
    exported = b"".join(client.get(reverse("exchange:partners_csv")).streaming_content)
    before = sorted(
        Partner.objects.values_list(
            "name", "website", "partner_type__key", "tier__name", "manager__username"
        )
    )
    Partner.objects.all().delete()

    batch = batch_of(upload(client, exported))
    assert batch.error_count == 0, batch.rows
    assert Partner.objects.count() == 0  # the preview writes nothing
    response = client.post(reverse("exchange:confirm", args=[batch.pk]))

    assert response.status_code == 302 and response.url == reverse("partners:list")
    after = sorted(
        Partner.objects.values_list(
            "name", "website", "partner_type__key", "tier__name", "manager__username"
        )
    )
    assert after == before
    assert set(Partner.objects.values_list("stage", flat=True)) == {"recruitment"}
    batch.refresh_from_db()
    assert (batch.state, batch.imported_count) == ("imported", 2)


def test_it_shows_every_rows_errors_before_writing_anything(client_for, bob):
    PartnerTypeFactory(key="reseller", name="Reseller")
    PartnerFactory(name="Existing Co")
    text = HEADER + (
        "Good One,https://good.example,reseller,,\n"
        "Bad Type,,nonsense,,\n"
        "Good One,,reseller,,\n"  # duplicate of line 2
        "=cmd|' /C calc'!A0,,reseller,,\n"
        "Existing Co,,reseller,,\n"
        "No Tier,,reseller,Platinum,\n"
        "No Manager,,reseller,,nobody\n"
        "Bad Site,not a url,reseller,,\n"
        ",,reseller,,\n"
    )
    client = client_for(bob)
    batch = batch_of(upload(client, text))
    errors = {row["line"]: " ".join(row["errors"]) for row in batch.rows}

    assert errors[2] == ""
    assert "not a partner type" in errors[3]
    assert "Duplicate of line 2" in errors[4]
    assert "formula" in errors[5]
    assert "already exists" in errors[6]
    assert "no tier named" in errors[7]
    assert "no active partner manager" in errors[8]
    assert "website" in errors[9].lower()
    assert "name" in errors[10]
    assert Partner.objects.count() == 1

    page = client.get(reverse("exchange:preview", args=[batch.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "8 rows cannot be imported" in html and "Duplicate of line 2" in html
    assert reverse("exchange:confirm", args=[batch.pk]) not in html
    # confirming anyway imports nothing
    client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert Partner.objects.count() == 1


def test_it_imports_all_or_nothing(client_for, bob):
    PartnerTypeFactory(key="reseller", name="Reseller")
    client = client_for(bob)
    batch = batch_of(upload(client, HEADER + "First Co,,reseller,,\nSecond Co,,reseller,,\n"))
    assert batch.error_count == 0
    PartnerFactory(name="Second Co")  # someone adds it between preview and confirm

    response = client.post(reverse("exchange:confirm", args=[batch.pk]))

    assert response.status_code == 302
    assert not Partner.objects.filter(name="First Co").exists()  # rolled back with the rest
    batch.refresh_from_db()
    assert batch.state == "previewed" and batch.error_count == 1
    assert "Nothing was imported" in client.get(response.url).content.decode()


def test_it_imports_a_previewed_file_once_and_only_for_its_uploader(client_for, bob, alice):
    PartnerTypeFactory(key="reseller", name="Reseller")
    client = client_for(bob)
    batch = batch_of(upload(client, HEADER + "Only Co,,reseller,,\n"))

    other = client_for(ManagerFactory())
    assert other.get(reverse("exchange:preview", args=[batch.pk])).status_code == 404
    assert other.post(reverse("exchange:confirm", args=[batch.pk])).status_code == 404
    assert client.get(reverse("exchange:confirm", args=[batch.pk])).status_code == 405

    # the client cannot substitute rows: the confirmation imports what the preview stored
    client.post(reverse("exchange:confirm", args=[batch.pk]), {"rows": "Evil Co,,reseller,,"})
    client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert list(Partner.objects.values_list("name", flat=True)) == ["Only Co"]


def test_it_expires_an_old_preview(client_for, bob):
    PartnerTypeFactory(key="reseller", name="Reseller")
    client = client_for(bob)
    batch = batch_of(upload(client, HEADER + "Late Co,,reseller,,\n"))
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert client.get(reverse("exchange:preview", args=[batch.pk])).status_code == 410
    client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert not Partner.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (HEADER.encode() + "Caf\u00e9 Co,,reseller,,\n".encode("cp1252"), "not UTF-8"),
        (HEADER.encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"website,tier\nhttps://x.example,\n", "Required columns are missing: name, partner_type"),
        (HEADER.encode(), "no rows"),
        (b"name,name,partner_type\nA,B,reseller\n", "twice"),
        (b'name,partner_type\n"unterminated,reseller\n', "not valid CSV"),
    ],
)
def test_it_refuses_unreadable_files_with_a_clear_message(client_for, bob, data, message):
    response = upload(client_for(bob), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_refuses_oversized_files(client_for, bob, settings):
    big = HEADER.encode() + b"x" * (5 * 1024 * 1024)
    response = upload(client_for(bob), big)
    assert response.status_code == 400 and "larger than 5 MB" in response.content.decode()


def test_it_refuses_too_many_rows(client_for, bob):
    rows = "".join(f"P{i},,reseller,,\n" for i in range(MAX_ROWS + 1))
    response = upload(client_for(bob), HEADER + rows)
    assert response.status_code == 400 and "more than 10,000 rows" in response.content.decode()


def test_it_reads_a_bom_and_an_escaped_formula_from_our_own_export(client_for, bob):
    PartnerTypeFactory(key="reseller", name="Reseller")
    text = "\ufeff" + HEADER + "'=Equals Co,,reseller,,\n"
    batch = batch_of(upload(client_for(bob), text))
    assert batch.error_count == 0 and batch.rows[0]["cells"]["name"] == "=Equals Co"


def test_it_refuses_a_missing_file_or_kind(client_for, bob):
    client = client_for(bob)
    assert client.post(reverse("exchange:upload"), {"kind": "partners"}).status_code == 400
    response = upload(client, HEADER + "A,,reseller,,\n", kind="agreements")
    assert response.status_code == 400


def test_it_keeps_partner_users_out_of_imports(client_for, charlie):
    response = upload(client_for(charlie), HEADER + "A,,reseller,,\n")
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert not ImportBatch.objects.exists()


def _registrations_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "partner",
            "customer_name",
            "customer_domain",
            "customer_country",
            "contact_name",
            "contact_email",
            "product",
            "estimated_value",
            "currency",
            "expected_close_date",
            "description",
        ]  # fmt: skip
    )
    writer.writerows(rows)
    return out.getvalue()


def test_it_imports_registrations_through_the_deals_service(client_for, bob):
    acme = PartnerFactory(name="Acme Resellers", stage="growth")
    PartnerFactory(name="Prospect Co", stage="recruitment")
    close = (timezone.localdate() + timedelta(days=60)).isoformat()
    base = ["US", "Jo Buyer", "jo@x.example", "Suite", "1000.00", "USD", close, ""]
    text = _registrations_csv(
        [
            ["Acme Resellers", "Initech", "https://www.Initech.example/about", *base],
            [str(acme.pk), "Umbrella", "umbrella.example", *base],
            ["Acme Resellers", "Initech again", "initech.example", *base],  # duplicate domain
            ["Prospect Co", "Hooli", "hooli.example", *base],  # not an active partner
            ["Nobody Inc", "Hooli", "hooli.example", *base],
            [
                "Acme Resellers",
                "Vandelay",
                "vandelay.example",
                "US",
                "Art",
                "art@x.example",
                "Latex",
                "-5",
                "USD",
                close,
                "",
            ],
        ]
    )
    client = client_for(bob)
    batch = batch_of(upload(client, text, kind="registrations"))
    errors = {row["line"]: " ".join(row["errors"]) for row in batch.rows}
    assert errors[2] == "" and errors[3] == ""
    assert "Duplicate of line 2" in errors[4]
    assert "active" in errors[5]
    assert "no partner" in errors[6]
    assert "estimated value" in errors[7]
    assert not DealRegistration.objects.exists()

    good = batch_of(upload(client, _registrations_csv([
        ["Acme Resellers", "Initech", "https://www.Initech.example/about", *base],
        [str(acme.pk), "Umbrella", "umbrella.example", *base],
    ]), kind="registrations"))  # fmt: skip
    response = client.post(reverse("exchange:confirm", args=[good.pk]))
    assert response.url == reverse("deals:queue")
    regs = DealRegistration.objects.order_by("customer_name")
    assert [(r.customer_name, r.customer_domain, r.status, r.submitted_by) for r in regs] == [
        ("Initech", "initech.example", "submitted", bob),
        ("Umbrella", "umbrella.example", "submitted", bob),
    ]
    assert all(r.events.filter(transition="submit").exists() for r in regs)
