"""`make run`'s partner locator: active partners listed with their public words, logos, the
countries they serve and their specializations (seed_demo runs it after apps/demo/, found like
every app's module: this app's floor is the demo's, which imports none of it)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from apps.partners.models import Partner
from apps.partners.services import partner_update

from .services import listing_save

# partner name → (public name, description, logo colour or None, countries, specializations)
LISTINGS = {
    "Adventure Works": (
        "Adventure Works Consulting",
        "Nationwide reseller and implementation partner for mid-sized retailers: licences, "
        "roll-out in weeks, and a support desk in your language.",
        "#2f9e44",
        ["DE", "AT", "CH"],
        ["Retail", "Cloud migration", "Managed services"],
    ),
    "Woodgrove Systems": (
        "Woodgrove Systems",
        "Embedded analytics for manufacturers. We build our devices on the platform and "
        "integrate it with your shop floor.",
        "#1c7ed6",
        ["US", "CA", "MX"],
        ["Manufacturing", "IoT", "Analytics"],
    ),
    "Northwind Traders": (
        "Northwind",
        "Value-added reseller for logistics and wholesale: sizing, licensing and first-line "
        "support from offices in London and Dublin.",
        "#e8590c",
        ["GB", "IE"],
        ["Logistics", "Retail"],
    ),
    "Proseware": (
        "",
        "Technology partner: connectors for the major CRMs and ERPs, built and maintained by "
        "our team of 40 engineers.",
        None,
        ["FR", "BE", "LU"],
        ["Integration", "CRM", "ERP"],
    ),
    "Alpine Ski House": (
        "Alpine Ski House IT",
        "Small team, quick answers: we set up, train and support hospitality businesses across "
        "the Alps.",
        "#ae3ec9",
        ["AT", "CH", "IT"],
        ["Hospitality", "Training"],
    ),
}


def _logo(name: str, colour: str) -> SimpleUploadedFile:
    """A square PNG with the name's first letter: the demo's stand-in for a real logo."""
    image = Image.new("RGB", (160, 160), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 30, 130, 130), outline="white", width=10)
    draw.text((66, 58), name[:1].upper(), fill="white", font_size=48)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile("logo.png", out.getvalue(), content_type="image/png")


def seed(ctx: dict) -> None:
    staff = ctx["admin"]
    for partner in Partner.objects.filter(name__in=LISTINGS):
        public_name, description, colour, countries, specializations = LISTINGS[partner.name]
        # The leads demo may already have given a partner its reach: keep what it set.
        reach = {}
        if not partner.countries:
            reach["countries"] = countries
        if not partner.specializations:
            reach["specializations"] = specializations
        if reach:
            partner_update(partner=partner, actor=staff, **reach)
        listing_save(
            partner=partner,
            actor=staff,
            public_name=public_name,
            description=description,
            listed=True,
            logo=_logo(public_name or partner.name, colour) if colour else None,
        )
