"""The "Export CSV" link on each list page: it carries the page's filters, and the export it
opens holds exactly the rows the page lists (the expectations are worked out by hand)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.deals.factories import RegistrationFactory, registration_in
from tests.factories import ManagerFactory, PartnerFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db


def export_href(response, link_id: str) -> str:
    """The href of the export link with id `link_id` on a rendered page."""
    body = response.content.decode()
    found = re.search(rf'<a class="btn" id="{link_id}" href="([^"]*)"', body)
    assert found, f"no export link #{link_id} on the page"
    return html.unescape(found.group(1))


def query_of(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query, keep_blank_values=True)


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))


# --- partners -----------------------------------------------------------------------------------
def test_it_exports_the_partners_the_filtered_list_shows(client_for, bob):
    other = ManagerFactory(username="olga")
    PartnerFactory(name="Alpha Growth", stage="growth", manager=bob)
    PartnerFactory(name="Beta Growth", stage="growth", manager=bob)
    PartnerFactory(name="Gamma Growth", stage="growth", manager=other)  # someone else's
    PartnerFactory(name="Delta Onboarding", stage="onboarding", manager=bob)  # other stage
    PartnerFactory(name="Beta Recruit", stage="recruitment", manager=bob)  # other stage
    client = client_for(bob)
    filters = {"stage": "growth", "manager": str(bob.pk), "sort": "-name", "search": "a"}

    page = client.get(reverse("partners:list"), {**filters, "page": "1"})

    expected = ["Beta Growth", "Alpha Growth"]  # bob's growth partners, Z–A
    assert [row["partner"].name for row in page.context["rows"]] == expected
    href = export_href(page, "partners-export")
    assert href.startswith(reverse("exchange:partners_csv") + "?")
    assert query_of(href) == {k: [v] for k, v in filters.items()}  # the filters, not the page
    assert [r["name"] for r in csv_rows(client.get(href))] == expected


def test_it_keeps_the_partners_export_link_in_step_with_htmx_filtering(client_for, bob):
    PartnerFactory(name="Alpha Growth", stage="growth")
    PartnerFactory(name="Delta Onboarding", stage="onboarding")
    client = client_for(bob)

    # The filter form swaps only the table; the link in the page head comes along out of band.
    partial = client.get(reverse("partners:list"), {"stage": "onboarding"}, HTTP_HX_REQUEST="true")

    body = partial.content.decode()
    assert 'id="partners-export"' in body and 'hx-swap-oob="true"' in body
    href = export_href(partial, "partners-export")
    assert query_of(href) == {"stage": ["onboarding"]}
    assert [r["name"] for r in csv_rows(client.get(href))] == ["Delta Onboarding"]
    # A full page has the link once, and not out of band.
    full = client.get(reverse("partners:list")).content.decode()
    assert full.count('id="partners-export"') == 1 and "hx-swap-oob" not in full


def test_it_exports_every_partner_from_the_unfiltered_list(client_for, bob):
    PartnerFactory(name="Beta")
    PartnerFactory(name="Alpha")
    client = client_for(bob)
    page = client.get(reverse("partners:list"))
    href = export_href(page, "partners-export")
    assert href == reverse("exchange:partners_csv")
    assert [r["name"] for r in csv_rows(client.get(href))] == ["Alpha", "Beta"]


# --- the review queue ---------------------------------------------------------------------------
@pytest.fixture
def queue_data(acme, globex):
    now = timezone.now()
    regs = {
        "old": RegistrationFactory(
            partner=acme,
            customer_name="Initech Old",
            customer_domain="initech-old.example",
            submitted_at=now - timedelta(days=3),
        ),
        "new": RegistrationFactory(
            partner=acme,
            customer_name="Initech New",
            customer_domain="initech-new.example",
            submitted_at=now - timedelta(days=1),
        ),
        "other_name": RegistrationFactory(
            partner=acme,
            customer_name="Hooli",
            customer_domain="hooli.example",
            submitted_at=now - timedelta(days=2),
        ),
        "other_partner": RegistrationFactory(
            partner=globex,
            customer_name="Initech Globex",
            customer_domain="initech-globex.example",
            submitted_at=now - timedelta(days=4),
        ),
        "approved": registration_in(
            "approved",
            partner=acme,
            customer_name="Initech Approved",
            customer_domain="initech-approved.example",
            submitted_at=now - timedelta(days=5),
        ),
        "won": registration_in(
            "won",
            partner=acme,
            customer_name="Initech Won",
            customer_domain="initech-won.example",
            submitted_at=now - timedelta(days=6),
        ),
    }
    return regs


def test_it_exports_the_registrations_the_filtered_queue_shows(client_for, bob, acme, queue_data):
    regs = queue_data
    client = client_for(bob)
    filters = {"partner": str(acme.pk), "q": "initech"}

    page = client.get(reverse("deals:queue"), filters)

    # No status: the waiting ones — acme's submitted Initech registrations, oldest first.
    expected = [regs["old"].pk, regs["new"].pk]
    assert [row["reg"].pk for row in page.context["rows"]] == expected
    href = export_href(page, "registrations-export")
    assert href.startswith(reverse("exchange:registrations_csv") + "?")
    assert query_of(href) == {"partner": [str(acme.pk)], "q": ["initech"]}
    assert [int(r["id"]) for r in csv_rows(client.get(href))] == expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("approved", ["approved"]),
        ("won", ["won"]),
        # every status, newest submission first
        ("all", ["new", "other_name", "old", "approved", "won"]),
    ],
)
def test_it_exports_the_queue_in_any_status_as_the_page_lists_it(
    client_for, bob, acme, queue_data, status, expected
):
    client = client_for(bob)
    page = client.get(reverse("deals:queue"), {"status": status, "partner": acme.pk})
    want = [queue_data[name].pk for name in expected]
    assert [row["reg"].pk for row in page.context["rows"]] == want
    href = export_href(page, "registrations-export")
    assert query_of(href) == {"status": [status], "partner": [str(acme.pk)]}
    assert [int(r["id"]) for r in csv_rows(client.get(href))] == want


# --- QBRs ---------------------------------------------------------------------------------------
def test_it_exports_the_qbrs_the_filtered_list_shows(client_for, bob):
    now = timezone.now()
    olga = ManagerFactory(username="olga")
    mine_a = PartnerFactory(name="Acme Mine", stage="growth", manager=bob)
    mine_b = PartnerFactory(name="Acme Also Mine", stage="growth", manager=bob)
    mine_c = PartnerFactory(name="Zenith Mine", stage="growth", manager=bob)
    theirs = PartnerFactory(name="Acme Theirs", stage="growth", manager=olga)
    late = QBRFactory(partner=mine_a, scheduled_for=now - timedelta(days=3))
    later = QBRFactory(partner=mine_b, scheduled_for=now - timedelta(days=1))
    QBRFactory(partner=mine_c, scheduled_for=now - timedelta(days=5))  # name does not match
    QBRFactory(partner=theirs, scheduled_for=now - timedelta(days=4))  # not bob's partner
    QBRFactory(
        partner=mine_a,
        status="completed",
        outcome="continue",
        scheduled_for=now - timedelta(days=90),
        completed_at=now - timedelta(days=89),
    )  # not overdue
    client = client_for(bob)
    filters = {"status": "overdue", "mine": "1", "q": "acme"}

    page = client.get(reverse("qbrs:list"), filters)

    expected = [late.pk, later.pk]  # bob's overdue Acme QBRs, longest overdue first
    assert [q.pk for q in page.context["page"].object_list] == expected
    href = export_href(page, "qbrs-export")
    assert href.startswith(reverse("exchange:qbrs_csv") + "?")
    assert query_of(href) == {k: [v] for k, v in filters.items()}
    assert [int(r["id"]) for r in csv_rows(client.get(href))] == expected


def test_it_reads_the_qbr_search_alike_on_the_list_and_in_the_export(client_for, bob):
    QBRFactory(partner=PartnerFactory(name="Acme", stage="growth"))
    QBRFactory(partner=PartnerFactory(name="Globex", stage="growth"))
    client = client_for(bob)
    # Padded search text: the list trims it, so must the export (it once searched " acme ").
    params = {"q": "  acme  "}
    shown = [q.partner.name for q in client.get(reverse("qbrs:list"), params).context["page"]]
    exported = [r["partner"] for r in csv_rows(client.get(reverse("exchange:qbrs_csv"), params))]
    assert shown == exported == ["Acme"]


# --- the portal ---------------------------------------------------------------------------------
def test_it_exports_a_partner_users_filtered_registrations_and_nobody_elses(
    client_for, charlie, dave, acme, globex
):
    now = timezone.now()
    first = RegistrationFactory(
        partner=acme,
        customer_name="Hooli One",
        customer_domain="hooli-one.example",
        submitted_at=now - timedelta(days=2),
    )
    second = RegistrationFactory(
        partner=acme,
        customer_name="Hooli Two",
        customer_domain="hooli-two.example",
        submitted_at=now - timedelta(days=1),
    )
    registration_in(
        "approved",
        partner=acme,
        customer_name="Hooli Approved",
        customer_domain="hooli-approved.example",
    )
    RegistrationFactory(
        partner=acme, customer_name="Pied Piper", customer_domain="pied-piper.example"
    )
    RegistrationFactory(
        partner=globex,
        customer_name="Hooli Globex Secret",
        customer_domain="hooli-globex-secret.example",
    )
    client = client_for(charlie)
    filters = {"status": "submitted", "q": "hooli"}

    page = client.get(reverse("portal:deals"), filters)

    expected = [second.pk, first.pk]  # acme's submitted Hooli registrations, newest first
    assert [row["reg"].pk for row in page.context["rows"]] == expected
    href = export_href(page, "registrations-export")
    assert href.startswith(reverse("portal:registrations_csv") + "?")
    assert query_of(href) == {k: [v] for k, v in filters.items()}
    assert [int(r["id"]) for r in csv_rows(client.get(href))] == expected

    # Whatever the query asks, another partner's rows never come out.
    for params in ({}, {"status": "all"}, {"partner": str(globex.pk)}, {"q": "globex"}):
        response = client.get(reverse("portal:registrations_csv"), params)
        rows = csv_rows(response)
        assert {r["partner"] for r in rows} <= {acme.name}, params
        assert all("Globex" not in r["customer_name"] for r in rows), params
    assert csv_rows(client.get(reverse("portal:registrations_csv"), {"q": "globex"})) == []
    # And the other partner's user gets only theirs.
    theirs = csv_rows(client_for(dave).get(reverse("portal:registrations_csv")))
    assert [r["customer_name"] for r in theirs] == ["Hooli Globex Secret"]


def test_it_links_the_exchange_page_to_every_registration(client_for, bob, queue_data):
    # The page's registrations form, submitted as it opens: every registration.
    page = client_for(bob).get(reverse("exchange:index")).content.decode()
    form = page[page.index(f'action="{reverse("exchange:registrations_csv")}"') :]
    form = form[: form.index("</form>")]
    status = re.search(r'<option value="([^"]*)" selected', form).group(1)
    rows = csv_rows(
        client_for(bob).get(reverse("exchange:registrations_csv"), {"status": status, "search": ""})
    )
    assert sorted(int(r["id"]) for r in rows) == sorted(r.pk for r in queue_data.values())
