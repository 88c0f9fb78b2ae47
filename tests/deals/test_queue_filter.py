from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.partners.models import Stage
from tests.deals.factories import RegistrationFactory
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def _customers(response) -> list[str]:
    return [row["reg"].customer_name for row in response.context["rows"]]


def test_searching_a_partners_name_finds_its_registrations(client_for, bob):
    waiting = PartnerFactory(name="Waiting Works", stage=Stage.GROWTH)
    other = PartnerFactory(name="Other Outfit", stage=Stage.GROWTH)
    RegistrationFactory(partner=waiting, customer_name="Alpha Corp")
    RegistrationFactory(partner=other, customer_name="Beta Corp")
    response = client_for(bob).get("/registrations/", {"q": "waiting wor"})
    assert _customers(response) == ["Alpha Corp"]


def test_a_partner_link_narrows_the_queue_and_the_chip_widens_it_again(client_for, bob):
    waiting = PartnerFactory(name="Waiting Works", stage=Stage.GROWTH)
    other = PartnerFactory(name="Other Outfit", stage=Stage.GROWTH)
    RegistrationFactory(partner=waiting, customer_name="Alpha Corp")
    RegistrationFactory(partner=other, customer_name="Beta Corp")
    client = client_for(bob)
    page = client.get("/registrations/").content.decode()
    assert f'href="?status=submitted&amp;partner={waiting.pk}"' in page  # each row's partner
    response = client.get("/registrations/", {"status": "submitted", "partner": waiting.pk})
    assert _customers(response) == ["Alpha Corp"]
    html = response.content.decode()
    assert 'id="partner-chip"' in html and "Waiting Works" in html
    assert 'href="?status=submitted&amp;q="' in html  # show all partners again


def test_it_offers_no_list_of_every_partner_so_its_cost_does_not_grow_with_the_program(
    client_for, bob
):
    def queries(n_partners: int) -> int:
        for _ in range(n_partners):
            RegistrationFactory(partner=PartnerFactory(stage=Stage.GROWTH))
        client = client_for(bob)
        client.get("/registrations/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/registrations/")
        assert b'id="f-partner"' not in response.content
        return len(ctx.captured_queries)

    assert queries(2) == queries(30)
