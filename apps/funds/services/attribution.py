"""Registrations and leads naming the fund request that produced them (the return on funds)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.core.errors import InvalidInput

from ..models import ATTRIBUTABLE_STATUSES, Attribution, FundRequest

NOT_FOUND = gettext_noop("Choose an approved fund request of this partner (none with this id).")


def attributable(partner_id: int | None) -> QuerySet[FundRequest]:
    """The requests a registration or lead of `partner_id` may name (None: any partner's, for
    staff naming a lead before it has a partner)."""
    qs = FundRequest.objects.filter(status__in=ATTRIBUTABLE_STATUSES).order_by("-created_at", "-id")
    return qs if partner_id is None else qs.filter(partner_id=partner_id)


def attribute(target: str, obj, value, *, partner_id: int | None, actor) -> int | None:
    """Link `obj` (a registration or a lead: `target`) to fund request `value` (an id or a
    FundRequest; None unlinks). A request the partner may not name — another partner's, one not
    approved, none — is refused on the field, worded as one that does not exist."""
    if value in (None, ""):
        Attribution.objects.filter(**{target: obj}).delete()
        return None
    request_id = value.pk if isinstance(value, FundRequest) else value
    if isinstance(request_id, bool) or not isinstance(request_id, int):
        raise InvalidInput({"fund_request": [_(NOT_FOUND)]})
    if not attributable(partner_id).filter(pk=request_id).exists():
        raise InvalidInput({"fund_request": [_(NOT_FOUND)]})
    Attribution.objects.update_or_create(
        **{target: obj}, defaults={"request_id": request_id, "actor": actor}
    )
    return request_id
