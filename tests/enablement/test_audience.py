"""Audience gating: a partner user outside a resource's audience gets 404 — page, file, API,
open, search — and inside it gets the resource. Drafts and vendor-only resources reach no
partner."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.enablement import services
from apps.partners.models import Stage
from apps.program.models import Tier
from tests.factories import PartnerFactory, PartnerTypeFactory, PartnerUserFactory

from .factories import ResourceFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _doors(resource, client, api):
    """Every door a partner user may use to reach a resource, and the status each answers."""
    return {
        "page": client.get(f"/portal/library/{resource.pk}/").status_code,
        "file": client.get(f"/portal/library/{resource.pk}/file/").status_code,
        "api": api.get(f"/api/v1/resources/{resource.pk}/").status_code,
        "open": api.post(f"/api/v1/resources/{resource.pk}/open/").status_code,
    }


def _listed(resource, client, api, q):
    page = client.get("/portal/library/", {"q": q}).content.decode()
    ids = [r["id"] for r in api.get("/api/v1/resources/", {"q": q}).json()["results"]]
    return (resource.title in page, resource.pk in ids)


@pytest.fixture
def gold(db):
    return Tier.objects.get(rank=3)


@pytest.fixture
def bronze(db):
    return Tier.objects.get(rank=1)


@pytest.mark.parametrize(
    "audience",
    [
        {"partner_types": ["technology"]},
        {"stages": [Stage.GROWTH]},
        {"min_tier_rank": 3},
        {"published": False},
        {"internal": True},
    ],
    ids=["partner type", "stage", "minimum tier", "draft", "vendor only"],
)
def test_it_hides_a_resource_outside_the_audience_behind_404_everywhere(
    audience, acme, bronze, gold, client_for, api_for, bob
):
    acme.tier = bronze
    acme.save()
    user = PartnerUserFactory(partner=acme)
    rank = audience.pop("min_tier_rank", None)
    upload = SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf")
    resource = services.resource_create(
        actor=bob,
        upload=upload,
        title="Zebra integration guide",
        kind="training",
        phase="onboarding",
        content="file",
        min_tier=gold if rank else None,
        published=audience.pop("published", True),
        **audience,
    )
    client, api = client_for(user), api_for(user)
    assert _doors(resource, client, api) == {"page": 404, "file": 404, "api": 404, "open": 404}
    assert _listed(resource, client, api, "zebra") == (False, False)
    assert _listed(resource, client, api, "") == (False, False)
    assert not resource.opens.exists()


def test_it_shows_a_resource_inside_the_audience_everywhere(gold, client_for, api_for, bob):
    partner = PartnerFactory(
        stage=Stage.GROWTH, tier=gold, partner_type=PartnerTypeFactory(key="technology")
    )
    user = PartnerUserFactory(partner=partner)
    upload = SimpleUploadedFile("guide.pdf", PDF, content_type="application/pdf")
    resource = services.resource_create(
        actor=bob,
        upload=upload,
        title="Zebra integration guide",
        kind="training",
        phase="onboarding",
        content="file",
        partner_types=["technology"],
        stages=[Stage.GROWTH],
        min_tier=Tier.objects.get(rank=2),
        published=True,
    )
    client, api = client_for(user), api_for(user)
    assert _doors(resource, client, api) == {"page": 200, "file": 200, "api": 200, "open": 200}
    assert _listed(resource, client, api, "zebra") == (True, True)


def test_another_partner_never_sees_a_shared_document(acme, globex, client_for, bob):
    from .factories import PartnerDocumentFactory

    doc = PartnerDocumentFactory(partner=acme, shared_with_partner=True)
    draft = PartnerDocumentFactory(partner=acme, shared_with_partner=False)
    acme_user = PartnerUserFactory(partner=acme)
    globex_user = PartnerUserFactory(partner=globex)
    assert client_for(acme_user).get(f"/portal/documents/{doc.pk}/pdf/").status_code == 200
    assert client_for(acme_user).get(f"/portal/documents/{draft.pk}/pdf/").status_code == 404
    assert client_for(globex_user).get(f"/portal/documents/{doc.pk}/pdf/").status_code == 404


def test_a_partner_without_type_or_tier_sees_only_what_is_for_everyone(client_for, api_for):
    partner = PartnerFactory(partner_type=None)
    user = PartnerUserFactory(partner=partner)
    everyone = ResourceFactory(title="For everyone")
    typed = ResourceFactory(title="For resellers", partner_types=["reseller"])
    tiered = ResourceFactory(title="For Silver", min_tier=Tier.objects.get(rank=2))
    ids = {r["id"] for r in api_for(user).get("/api/v1/resources/").json()["results"]}
    assert ids == {everyone.pk}
    assert typed.pk not in ids and tiered.pk not in ids
