"""Reads of the locator: the public directory (only opted-in partners in an active stage, only
their public fields) and a partner's own listing."""

from __future__ import annotations

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf

from apps.partners.models import ACTIVE_STAGES, Partner

from .models import Listing

# Every column the directory reads, and nothing else: a private field (a figure, the manager,
# a note) is not even loaded, so no template or serializer can show it by mistake.
PUBLIC_COLUMNS = (
    "id",
    "public_name",
    "description",
    "logo",
    "logo_type",
    "partner__name",
    # Read by the partner's state machine when it is loaded (ConcurrentTransitionMixin), never shown.
    "partner__stage",
    "partner__countries",
    "partner__specializations",
    "partner__tier__name",
    "partner__tier__rank",
)


def listed() -> QuerySet[Listing]:
    """The listings the public may see: the partner's admin opted in, and the partnership is
    active (a partner in recruitment or one that exited is not offered to buyers)."""
    return Listing.objects.filter(partner__listed_in_locator=True, partner__stage__in=ACTIVE_STAGES)


def directory() -> QuerySet[Listing]:
    """The directory's rows with their public fields only, the highest tiers first."""
    return (
        listed()
        .select_related("partner__tier")
        .only(*PUBLIC_COLUMNS)
        .annotate(display_name=Coalesce(NullIf(F("public_name"), Value("")), F("partner__name")))
        .order_by(F("partner__tier__rank").desc(nulls_last=True), "display_name", "id")
    )


def directory_entry(pk: int) -> Listing | None:
    """One listed partner's directory card, or None (not listed, or no such listing)."""
    return directory().filter(pk=pk).first()


def directory_choices() -> tuple[list[str], list[str]]:
    """(countries, specializations) offered by listed partners: the search's options, in one
    query."""
    countries: set[str] = set()
    specializations: set[str] = set()
    for served, specialized in listed().values_list(
        "partner__countries", "partner__specializations"
    ):
        countries.update(served or ())
        specializations.update(specialized or ())
    return sorted(countries), sorted(specializations, key=str.casefold)


def visible_listings(user) -> QuerySet[Listing]:
    """Every listing for the vendor's staff; a partner user's own company's only."""
    if user.is_partner_user:
        return Listing.objects.filter(partner_id=user.partner_id)
    return Listing.objects.all()


def listing_of(partner: Partner) -> Listing | None:
    return Listing.objects.filter(partner=partner).first()
