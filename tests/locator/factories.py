"""The locator's factories: a listed partner (active, opted in, with its reach) and its listing."""

from __future__ import annotations

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.locator.models import Listing
from apps.partners.models import Stage
from tests.factories import PartnerFactory


class ListedPartnerFactory(PartnerFactory):
    stage = Stage.GROWTH
    listed_in_locator = True
    countries = factory.LazyFunction(lambda: ["DE", "AT"])
    specializations = factory.LazyFunction(lambda: ["Retail", "Cloud migration"])


class ListingFactory(factory.django.DjangoModelFactory):
    """ListingFactory() for a listed partner's listing; ListingFactory(partner=...) for another."""

    class Meta:
        model = Listing

    partner = factory.SubFactory(ListedPartnerFactory)
    public_name = factory.Sequence(lambda n: f"Public Partner {n:03d}")
    description = "Implementation and support for retailers."


def png(size: int = 8, colour: str = "#3b5bdb") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


def png_upload(name: str = "logo.png", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else png(), "image/png")
