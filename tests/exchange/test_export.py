from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from apps.exchange.csvio import cell
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory
from tests.qbrs.factories import QBRFactory

pytestmark = pytest.mark.django_db


def read(response) -> list[dict]:
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_it_neutralises_formula_cells(text):
    assert cell(text) == "'" + text


def test_it_keeps_plain_cells_and_numbers():
    from decimal import Decimal

    assert cell("Acme") == "Acme"
    assert cell(Decimal("-5.00")) == "-5.00"
    assert cell(None) == ""


def test_it_exports_partners_with_the_list_filters_and_safe_cells(client_for, bob):
    PartnerFactory(name='=HYPERLINK("http://evil")', stage="growth")
    PartnerFactory(name="Plain Growth", stage="growth")
    PartnerFactory(name="Still Recruiting", stage="recruitment")

    rows = read(client_for(bob).get(reverse("exchange:partners_csv"), {"stage": "growth"}))

    assert [r["name"] for r in rows] == ['\'=HYPERLINK("http://evil")', "Plain Growth"]
    assert rows[1]["stage"] == "growth" and rows[1]["partner_type"] == "reseller"


def test_it_exports_registrations_with_the_queue_filters(client_for, bob):
    a = RegistrationFactory(customer_name="@evil Inc", customer_domain="evil.example")
    RegistrationFactory(
        approved=True, customer_name="Approved Co", customer_domain="approved.example"
    )

    rows = read(client_for(bob).get(reverse("exchange:registrations_csv"), {"status": "submitted"}))

    assert [(r["id"], r["customer_name"]) for r in rows] == [(str(a.pk), "'@evil Inc")]
    # No status: the waiting ones, as the queue page shows them; "all" lists every status.
    assert len(read(client_for(bob).get(reverse("exchange:registrations_csv")))) == 1
    everything = client_for(bob).get(reverse("exchange:registrations_csv"), {"status": "all"})
    assert len(read(everything)) == 2


def test_it_exports_qbrs_with_the_list_filters(client_for, bob):
    from datetime import timedelta

    from django.utils import timezone

    QBRFactory(partner=PartnerFactory(stage="growth", manager=bob, name="Mine"))
    QBRFactory(
        partner=PartnerFactory(stage="growth", name="Theirs"),
        scheduled_for=timezone.now() - timedelta(days=2),
    )

    assert [
        r["partner"] for r in read(client_for(bob).get(reverse("exchange:qbrs_csv"), {"mine": "1"}))
    ] == ["Mine"]
    overdue = read(client_for(bob).get(reverse("exchange:qbrs_csv"), {"status": "overdue"}))
    assert [r["partner"] for r in overdue] == ["Theirs"]


def test_it_lets_partner_users_export_only_their_own_registrations(client_for, charlie, dave):
    mine = RegistrationFactory(partner=charlie.partner)
    RegistrationFactory(partner=dave.partner, customer_name="Globex Secret Customer")

    response = client_for(charlie).get(
        reverse("portal:registrations_csv"), {"partner": dave.partner.pk}
    )
    rows = read(response)

    assert [r["id"] for r in rows] == [str(mine.pk)]
    assert b"Globex" not in b"".join(response.streaming_content)


def test_it_keeps_partner_users_out_of_the_manager_exports(client_for, charlie, client):
    for name in (
        "exchange:partners_csv",
        "exchange:registrations_csv",
        "exchange:qbrs_csv",
        "exchange:index",
    ):
        response = client_for(charlie).get(reverse(name))
        assert response.status_code == 302 and response.url == reverse("portal:home")
        assert client.get(reverse(name)).status_code == 302  # anonymous: to the login


def test_it_sends_managers_away_from_the_portal_export(client_for, bob):
    assert client_for(bob).get(reverse("portal:registrations_csv")).status_code == 302


def test_it_streams_a_large_export_in_constant_queries(client_for, bob, django_assert_num_queries):
    from tests.factories import PartnerFactory as PF

    for _ in range(2):
        PF(stage="growth")
    client = client_for(bob)
    # session, user, partner types, tiers, staff users (the filter form), the partners (one
    # chunk of the iterator)
    with django_assert_num_queries(6):
        assert len(read(client.get(reverse("exchange:partners_csv")))) == 2
    for _ in range(48):
        PF(stage="growth")
    with django_assert_num_queries(6):
        assert len(read(client.get(reverse("exchange:partners_csv")))) == 50


def test_the_export_page_offers_each_lists_own_filters(client_for, bob):
    html = client_for(bob).get(reverse("exchange:index")).content.decode()
    partners = html[html.index(f'action="{reverse("exchange:partners_csv")}"') :]
    partners = partners[: partners.index("</form>")]
    for name in ("stage", "partner_type", "tier", "manager", "search", "sort"):
        assert f'name="{name}"' in partners, name
    assert 'id="partners_csv-stage"' in partners and "?stage=growth" not in html
    registrations = html[html.index(f'action="{reverse("exchange:registrations_csv")}"') :]
    registrations = registrations[: registrations.index("</form>")]
    assert 'name="status"' in registrations and 'value="approved"' in registrations
    qbrs = html[html.index(f'action="{reverse("exchange:qbrs_csv")}"') :]
    assert 'name="status"' in qbrs[: qbrs.index("</form>")]


def test_an_export_filtered_through_the_page_controls_holds_only_matching_rows(client_for, bob):
    from tests.factories import TierFactory

    gold = TierFactory(name="Goldish", rank=50)
    PartnerFactory(name="Match", stage="growth", tier=gold, manager=bob)
    PartnerFactory(name="Other tier", stage="growth", manager=bob)
    PartnerFactory(name="Other stage", stage="recruitment", tier=gold, manager=bob)
    c = client_for(bob)
    # What the page's partner form submits: every control, the untouched ones empty.
    params = {
        "search": "",
        "stage": "growth",
        "partner_type": "",
        "tier": gold.pk,
        "manager": bob.pk,
        "sort": "name",
    }
    rows = read(c.get(reverse("exchange:partners_csv"), params))
    assert [r["name"] for r in rows] == ["Match"]

    partner = PartnerFactory(stage="growth")
    RegistrationFactory(partner=partner, customer_name="Waiting Co")
    RegistrationFactory(partner=partner, customer_name="Approved Co", approved=True)
    rows = read(c.get(reverse("exchange:registrations_csv"), {"status": "approved", "search": ""}))
    assert [r["customer_name"] for r in rows] == ["Approved Co"]
