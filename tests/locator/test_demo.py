"""`make run`'s partner locator: active partners listed with their words, logos and reach."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from apps.locator.selectors import directory

pytestmark = pytest.mark.django_db


def test_the_demo_lists_active_partners_with_descriptions_and_logos(client):
    call_command("seed_demo", stdout=io.StringIO())
    listed = list(directory())
    assert len(listed) >= 4
    assert all(row.description and row.partner.countries for row in listed)
    assert sum(bool(row.logo) for row in listed) >= 3
    page = client.get("/partners/find/").content.decode()
    assert "Adventure Works Consulting" in page and "Woodgrove Systems" in page
    with_logo = next(row for row in listed if row.logo)
    logo = client.get(f"/partners/find/{with_logo.pk}/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
