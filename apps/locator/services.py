"""Writes of the locator: a partner's public listing (`listing_save`) and the public's requests
to be put in touch (`contact_request`), which become leads routed by the leads app."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.access import MANAGES_COMPANY, PARTNER_ROLE_REFUSED, partner_role_allows
from apps.core.errors import InvalidInput, NotPermitted
from apps.core.uploads import IMAGES, MB, validate_upload
from apps.leads.models import Lead, Source
from apps.leads.services import lead_create
from apps.partners.models import Partner
from apps.partners.services import partner_set_listed

from . import selectors
from .models import MAX_DESCRIPTION, Listing

MAX_LOGO_BYTES = 1 * MB
# The lead's fields that the contact forms fill under another name.
LEAD_TO_FORM = {"description": "need", "product": "need", "domain": "contact_email"}
MAX_PRODUCT = 200  # Lead.product
LOGO_KINDS = IMAGES  # PNG, JPEG, GIF, WebP by their content; never SVG (it can carry script)


def _may_edit(actor, partner: Partner) -> None:
    """The partner's own admin, or the vendor's staff."""
    if getattr(actor, "is_partner_user", False):
        if actor.partner_id != partner.pk:
            raise NotPermitted()
        if not partner_role_allows(actor, MANAGES_COMPANY):
            raise NotPermitted(PARTNER_ROLE_REFUSED)
    elif not getattr(actor, "is_staff_role", False):
        raise NotPermitted()


def validate_logo(upload) -> str:
    """The logo's content type when it is an image of at most 1 MB (by its content)."""
    return validate_upload(upload, kinds=LOGO_KINDS, max_bytes=MAX_LOGO_BYTES).content_type


def listing_save(
    *,
    partner: Partner,
    actor,
    public_name: str,
    description: str,
    listed: bool,
    logo=None,
    remove_logo: bool = False,
) -> Listing:
    """The partner's public listing as its admin words it, and whether to be listed at all (the
    opt-in is the partner's own consent: it takes effect at once, partners.partner_set_listed)."""
    _may_edit(actor, partner)
    errors: dict[str, list[str]] = {}
    public_name = " ".join((public_name or "").split())
    description = (description or "").strip()
    if len(public_name) > 200:
        errors["public_name"] = [_("Keep it under %(n)s characters.") % {"n": 200}]
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Keep it under %(n)s characters.") % {"n": MAX_DESCRIPTION}]
    logo_type = ""
    if logo is not None:
        try:
            logo_type = validate_logo(logo)
        except ValidationError as exc:
            errors["logo"] = list(exc.messages)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        listing, _created = Listing.objects.select_for_update().get_or_create(partner=partner)
        old_logo: str = (listing.logo.name or "") if listing.logo else ""
        listing.public_name = public_name
        listing.description = description
        listing.updated_by = actor
        if logo is not None:
            listing.logo.save(logo.name, logo, save=False)
            listing.logo_type = logo_type
        elif remove_logo:
            listing.logo = ""
            listing.logo_type = ""
        listing.save()
        if bool(listed) != partner.listed_in_locator:
            partner_set_listed(partner=partner, actor=actor, listed=listed)
        if old_logo and old_logo != ((listing.logo.name or "") if listing.logo else ""):
            storage = listing.logo.storage
            transaction.on_commit(lambda: storage.delete(old_logo))
    return listing


def contact_request(*, fields: dict, listing_id: int | None, now: datetime | None = None) -> Lead:
    """A buyer asks to be put in touch: a lead from the locator, offered first to the listed
    partner named (`listing_id`), else — none named, or one not (or no longer) listed — to the
    partner the routing rules choose. The caller answers the same in every case.
    Raises InvalidInput when the leads app refuses the input (the buyer's own, so it is said)."""
    partner = None
    if listing_id is not None:
        listing = selectors.listed().select_related("partner").filter(pk=listing_id).first()
        partner = listing.partner if listing is not None else None
    data = {
        "company": fields["company"],
        "country": fields["country"],
        "contact_name": fields["contact_name"],
        "contact_email": fields["contact_email"],
        # The inbox lists a lead by its product or need: the need on one line, cut to fit.
        "product": " ".join(fields["need"].split())[:MAX_PRODUCT],
        "description": fields["need"],
    }
    try:
        return lead_create(
            data=data, source=Source.LOCATOR, requested_partner=partner, route=True, now=now
        )
    except InvalidInput as exc:
        # Named as the buyer's form names them: the customer's domain is read from the e-mail.
        raise InvalidInput({LEAD_TO_FORM.get(k, k): v for k, v in exc.errors.items()}) from None
