"""Leads CSV import (issue 22): previewed, all or nothing, through the leads service (source
`import`, the customer's registrable domain, optional routing by the rules)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.exchange import imports
from apps.exchange.models import ImportBatch, Kind
from apps.leads.models import Lead, Source, Status
from apps.partners.models import Stage
from tests.factories import PartnerFactory
from tests.leads.factories import RuleFactory

pytestmark = pytest.mark.django_db

COLUMNS = imports.COLUMNS[Kind.LEADS]


def leads_csv(rows: list[list[str]], header: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def row(**cells) -> list[str]:
    base = {
        "company": "Initech LLC",
        "domain": "initech.example",
        "country": "US",
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.example",
        "product": "Analytics suite",
        "estimated_value": "125000.00",
        "currency": "USD",
        "description": "",
        "route": "",
    }
    base.update(cells)
    return [base[c] for c in COLUMNS]


def upload(client, data: bytes):
    return client.post(
        reverse("exchange:upload"),
        {"kind": "leads", "file": SimpleUploadedFile("leads.csv", data, content_type="text/csv")},
    )


def batch_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content.decode()[:800]
    return ImportBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def errors_by_line(batch: ImportBatch) -> dict[int, str]:
    return {r["line"]: " ".join(r["errors"]) for r in batch.rows}


def test_the_template_previews_cleanly_and_imports_a_routed_lead(client_for, bob):
    partner = PartnerFactory(name="Acme Resellers", stage=Stage.GROWTH, countries=["US"])
    RuleFactory(countries=["US"])
    client = client_for(bob)
    template = client.get(reverse("exchange:template", args=["leads"]))
    assert template.status_code == 200
    assert template.content.decode().lstrip("\ufeff").startswith(",".join(COLUMNS))

    batch = batch_of(upload(client, template.content))
    assert batch.error_count == 0, batch.rows
    assert not Lead.objects.exists()  # the preview writes nothing

    response = client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert response.status_code == 302 and response.url == reverse("leads:board")
    lead = Lead.objects.get()
    assert (lead.source, lead.status, lead.partner) == (Source.IMPORT, Status.ASSIGNED, partner)
    assert lead.created_by == bob and lead.assignments.get().explanation
    batch.refresh_from_db()
    assert (batch.state, batch.imported_count) == ("imported", 1)


def test_the_preview_is_the_result(client_for, bob):
    """What the preview accepted is exactly what the import writes: registrable domains, the
    contact's e-mail domain for an empty domain, Decimal values, unrouted unless asked."""
    client = client_for(bob)
    data = leads_csv(
        [
            row(company="Initech", domain="https://WWW.Sales.Initech.co.uk/about"),
            row(company="Umbrella", domain="", contact_email="Ada@Mail.Umbrella.example"),
            row(company="Hooli", domain="hooli.example", estimated_value="", currency=""),
        ]
    )
    batch = batch_of(upload(client, data))
    assert batch.error_count == 0, batch.rows
    assert [r["cells"]["company"] for r in batch.rows] == ["Initech", "Umbrella", "Hooli"]
    page = client.get(reverse("exchange:preview", args=[batch.pk]))
    assert page.status_code == 200
    assert reverse("exchange:confirm", args=[batch.pk]) in page.content.decode()

    client.post(reverse("exchange:confirm", args=[batch.pk]))
    got = sorted(
        Lead.objects.values_list(
            "company", "domain", "contact_email", "estimated_value", "status", "source"
        )
    )
    assert [(c, d, e, str(v) if v is not None else None, s, src) for c, d, e, v, s, src in got] == [
        ("Hooli", "hooli.example", "bill@initech.example", None, "new", "import"),
        ("Initech", "initech.co.uk", "bill@initech.example", "125000.00", "new", "import"),
        ("Umbrella", "umbrella.example", "ada@mail.umbrella.example", "125000.00", "new", "import"),
    ]


def test_every_rows_errors_are_shown_by_line_and_column_and_nothing_is_written(client_for, bob):
    client = client_for(bob)
    data = leads_csv(
        [
            row(company="Good Co", domain="good.example"),
            row(company="Bad Country", domain="c.example", country="XX"),
            row(company="Bad Mail", domain="m.example", contact_email="not an address"),
            row(company='=HYPERLINK("http://evil.example")', domain="f.example"),
            row(company="Bad Value", domain="v.example", estimated_value="lots"),
            row(company="No Currency", domain="n.example", currency=""),
            row(company="Bad Route", domain="r.example", route="maybe"),
            row(company="Good Co", domain="www.good.example"),  # duplicate of line 2
            row(company="Bad Domain", domain="co.uk"),
            row(company=""),
        ]
    )
    batch = batch_of(upload(client, data))
    errors = errors_by_line(batch)
    assert errors[2] == ""
    assert errors[3].startswith("country:")
    assert errors[4].startswith("contact email:")
    assert "formula" in errors[5]
    assert errors[6].startswith("estimated value:")
    assert errors[7].startswith("currency:")
    assert errors[8].startswith("route:")
    assert "Duplicate of line 2" in errors[9]
    assert errors[10].startswith("domain:") and "shared by many sites" in errors[10]
    assert errors[11].startswith("company:")
    assert batch.error_count == 9
    assert not Lead.objects.exists()

    page = client.get(reverse("exchange:preview", args=[batch.pk])).content.decode()
    assert "9 rows cannot be imported" in page and "Duplicate of line 2" in page
    assert reverse("exchange:confirm", args=[batch.pk]) not in page
    client.post(reverse("exchange:confirm", args=[batch.pk]))  # confirming anyway
    assert not Lead.objects.exists()


def test_one_row_failing_at_the_import_writes_nothing(client_for, bob):
    """All or nothing: when a row that passed the preview fails at the import, the rows before
    it are rolled back too (the stored row is changed here, as if the data had moved on)."""
    client = client_for(bob)
    batch = batch_of(upload(client, leads_csv([row(domain="a.example"), row(domain="b.example")])))
    assert batch.error_count == 0
    batch.rows[1]["cells"]["country"] = "XX"
    ImportBatch.objects.filter(pk=batch.pk).update(rows=batch.rows)

    response = client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert not Lead.objects.exists()  # the good first row was rolled back with the bad one
    batch.refresh_from_db()
    assert batch.state == "previewed" and batch.error_count == 1
    assert "Nothing was imported" in client.get(response.url).content.decode()


def test_the_import_is_the_staffs_alone(client_for, bob, alice, charlie):
    data = leads_csv([row()])
    response = upload(client_for(charlie), data)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    assert client_for(charlie).get(reverse("exchange:template", args=["leads"])).status_code == 302
    anonymous = upload(Client(), data)
    assert anonymous.status_code == 302 and "/login" in anonymous.url
    assert not ImportBatch.objects.exists()

    batch = batch_of(upload(client_for(bob), data))
    # Another manager's (or admin's) preview does not exist for this user.
    other = client_for(alice)
    assert other.get(reverse("exchange:preview", args=[batch.pk])).status_code == 404
    assert other.post(reverse("exchange:confirm", args=[batch.pk])).status_code == 404
    charlie_client = client_for(charlie)
    charlie_client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert not Lead.objects.exists()


def test_hostile_cells_are_refused_or_shown_as_text(client_for, bob):
    client = client_for(bob)
    data = leads_csv(
        [
            row(company="<script>alert(1)</script>", domain="x.example"),
            row(company="@SUM(1+1)", domain="y.example"),
            row(company="Long", domain="z.example", description="d" * 6000),
            row(company="Control\x07Co", domain="w.example"),
        ]
    )
    batch = batch_of(upload(client, data))
    errors = errors_by_line(batch)
    assert errors[2] == ""
    assert "formula" in errors[3]
    assert "longer than" in errors[4]
    assert errors[5].startswith("company:")
    page = client.get(reverse("exchange:preview", args=[batch.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert not Lead.objects.exists()


def test_a_leads_file_missing_a_required_column_is_refused(client_for, bob):
    response = upload(client_for(bob), b"company,country\nInitech,US\n")
    assert response.status_code == 400
    assert "contact_email" in response.content.decode()
    assert not ImportBatch.objects.exists()
