from __future__ import annotations

import pytest

from apps.partners.models import Stage
from tests.factories import AdminFactory, AgreementFactory, PartnerFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_it_opens_the_django_admin_pages_without_touching_the_stage(client_for):
    root = AdminFactory(username="root", is_superuser=True)
    partner = PartnerFactory(stage=Stage.GROWTH)
    TaskFactory(partner=partner)
    agreement = AgreementFactory(partner=partner, status="active")
    c = client_for(root)
    for url in [
        "/admin/partners/partner/",
        f"/admin/partners/partner/{partner.pk}/change/",
        "/admin/partners/task/",
        f"/admin/agreements/agreement/{agreement.pk}/change/",
        "/admin/program/playbooktasktemplate/",
        "/admin/program/programsettings/",
    ]:
        assert c.get(url).status_code == 200, url
    response = c.post(
        f"/admin/partners/partner/{partner.pk}/change/",
        {
            "name": "Renamed in admin",
            "website": "",
            "partner_type": partner.partner_type_id,
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    partner.refresh_from_db()
    assert (partner.name, partner.stage) == ("Renamed in admin", Stage.GROWTH)
