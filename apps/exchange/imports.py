"""Importing rows through the owning apps' services, all or nothing.

The same function validates (a dry run rolled back at the end, so the preview's errors are the
ones the real run would meet) and imports (committed only when no row failed).
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.numbers import NumberError, parse_int
from apps.deals.normalize import InvalidDomain, normalize_domain
from apps.deals.services import registration_create
from apps.leads.models import Source as LeadSource
from apps.leads.services import lead_create
from apps.partners.models import Partner
from apps.partners.services import partner_create
from apps.people.services import contact_create
from apps.program.models import PartnerType, Tier

from .models import Kind

COLUMNS: dict[str, list[str]] = {
    Kind.PARTNERS: ["name", "website", "partner_type", "tier", "manager"],
    Kind.REGISTRATIONS: [
        "partner", "customer_name", "customer_domain", "customer_country", "contact_name",
        "contact_email", "product", "estimated_value", "currency", "expected_close_date",
        "description",
    ],
    Kind.CONTACTS: ["partner", "name", "email", "phone", "title", "roles", "notes"],
    Kind.LEADS: [
        "company", "domain", "country", "contact_name", "contact_email", "product",
        "estimated_value", "currency", "description", "route",
    ],
}  # fmt: skip
REQUIRED = {
    Kind.PARTNERS: ["name", "partner_type"],
    Kind.REGISTRATIONS: ["partner", "customer_name", "customer_domain", "estimated_value"],
    Kind.CONTACTS: ["partner", "name"],
    Kind.LEADS: ["company", "country", "contact_email"],
}
EXAMPLES: dict[str, list[str]] = {
    Kind.PARTNERS: ["Northwind Traders", "https://northwind.example", "reseller", "Bronze", ""],
    Kind.REGISTRATIONS: [
        "Northwind Traders", "Initech LLC", "initech.example", "US", "Bill Lumbergh",
        "bill@initech.example", "Analytics suite", "125000.00", "USD", "2031-06-30",
        "Migrated from the old PRM",
    ],
    Kind.CONTACTS: [
        "Northwind Traders", "Nancy Davolio", "nancy@northwind.example", "(206) 555-0101",
        "Sales director", "primary sales", "Met at the partner summit",
    ],
    Kind.LEADS: [
        "Initech LLC", "initech.example", "US", "Bill Lumbergh", "bill@initech.example",
        "Analytics suite", "125000.00", "USD", "Asked for a demo at the trade show", "yes",
    ],
}  # fmt: skip


# A partner admin's own contacts (the portal's Team page): the partner column is theirs, not typed.
PORTAL_CONTACT_COLUMNS = [c for c in COLUMNS[Kind.CONTACTS] if c != "partner"]
PORTAL_CONTACT_REQUIRED = [c for c in REQUIRED[Kind.CONTACTS] if c != "partner"]
PORTAL_CONTACT_EXAMPLE = EXAMPLES[Kind.CONTACTS][1:]


def for_own_company(rows: list[dict], partner_id: int) -> list[dict]:
    """Rows of a portal upload, each naming the uploader's own company — whatever the file says."""
    return [dict(row, cells={**row["cells"], "partner": str(partner_id)}) for row in rows]


def all_for(rows: list[dict], partner_id: int) -> bool:
    return all(row["cells"].get("partner") == str(partner_id) for row in rows)


class _DryRun(Exception):
    pass


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, InvalidInput):
        return [
            f"{field.replace('_', ' ')}: {msg}" if field != "non_field_errors" else msg
            for field, msgs in exc.errors.items()
            for msg in msgs
        ]
    if isinstance(exc, (DomainError, NotPermitted)):
        return [exc.detail]
    raise exc


def _lookups_partners(rows: list[dict]) -> dict:
    cells = [r["cells"] for r in rows]
    names = {c["name"].casefold() for c in cells if c["name"]}
    users = {c["manager"].casefold() for c in cells if c["manager"]}
    existing = set(
        Partner.objects.annotate(key=Lower("name"))
        .filter(key__in={n.lower() for n in names})
        .values_list("key", flat=True)
    )
    managers = {}
    for u in get_user_model().objects.filter(
        Q(username__in=[c["manager"] for c in cells if c["manager"]])
        | Q(email__in=[c["manager"] for c in cells if c["manager"]]),
        role__in=["admin", "manager"],
        is_active=True,
    ):
        managers[u.username.casefold()] = u
        if u.email:
            managers[u.email.casefold()] = u
    return {
        "types": {t.key: t for t in PartnerType.objects.all()},
        "tiers": {t.name.casefold(): t for t in Tier.objects.all()},
        "managers": {k: v for k, v in managers.items() if k in users},
        "existing": {n.casefold() for n in existing},
    }


def _partner_row(cells: dict, seen: dict, line: int, found: dict, *, actor, now) -> list[str]:
    errors = []
    key = cells["name"].casefold()
    if not cells["name"]:
        errors.append(_("%(column)s: this cell is required.") % {"column": "name"})
    elif key in seen:
        errors.append(
            _("Duplicate of line %(line)s: the same partner name appears twice.")
            % {"line": seen[key]}
        )
    elif key in found["existing"]:
        errors.append(_("A partner named “%(name)s” already exists.") % {"name": cells["name"]})
    else:
        seen[key] = line
    partner_type = found["types"].get(cells["partner_type"].strip().lower())
    if partner_type is None:
        errors.append(
            _("partner_type: “%(value)s” is not a partner type; use one of %(types)s.")
            % {"value": cells["partner_type"], "types": ", ".join(sorted(found["types"]))}
        )
    tier = None
    if cells["tier"]:
        tier = found["tiers"].get(cells["tier"].casefold())
        if tier is None:
            errors.append(_("tier: there is no tier named “%(value)s”.") % {"value": cells["tier"]})
    manager = None
    if cells["manager"]:
        manager = found["managers"].get(cells["manager"].casefold())
        if manager is None:
            errors.append(
                _("manager: no active partner manager “%(value)s”.") % {"value": cells["manager"]}
            )
    if errors:
        return errors
    try:
        partner_create(
            actor=actor,
            name=cells["name"],
            website=cells["website"],
            partner_type=partner_type,
            tier=tier,
            manager=manager,
        )
    except (InvalidInput, DomainError, NotPermitted) as exc:
        return _messages(exc)
    return []


def _partner_key(ref: str) -> int | str:
    """A partner cell names a partner by id (a number, read by the shared parser) or by name."""
    try:
        return parse_int(ref, min_value=1)
    except NumberError:
        return ref.casefold()


def _lookups_partner_refs(rows: list[dict]) -> dict:
    refs = {r["cells"]["partner"].strip() for r in rows if r["cells"]["partner"].strip()}
    ids = {key for key in map(_partner_key, refs) if isinstance(key, int)}
    partners: dict[int | str, Partner] = {}
    for p in Partner.objects.filter(Q(pk__in=ids) | Q(name__in=refs)):
        partners[p.pk] = p
        partners[p.name.casefold()] = p
    return {"partners": partners}


def _registration_row(cells: dict, seen: dict, line: int, found: dict, *, actor, now) -> list[str]:
    ref = cells["partner"].strip()
    partner = found["partners"].get(_partner_key(ref))
    if partner is None:
        return [_("partner: no partner “%(value)s” (use its exact name or id).") % {"value": ref}]
    try:
        key = (partner.pk, normalize_domain(cells["customer_domain"]))
    except InvalidDomain:
        key = None
    if key is not None:
        if key in seen:
            return [
                _("Duplicate of line %(line)s: the same partner and customer domain.")
                % {"line": seen[key]}
            ]
        seen[key] = line
    data = {k: v for k, v in cells.items() if k != "partner"}
    data = {k: (v if v != "" or k == "description" else None) for k, v in data.items()}
    try:
        registration_create(partner=partner, submitted_by=actor, data=data, now=now)
    except (InvalidInput, DomainError, NotPermitted) as exc:
        return _messages(exc)
    return []


def _contact_row(cells: dict, seen: dict, line: int, found: dict, *, actor, now) -> list[str]:
    """A contact of the partner named (exact name or id); roles separated by spaces, commas or
    semicolons; an e-mail address once per partner, in the file as in the database."""
    ref = cells["partner"].strip()
    partner = found["partners"].get(_partner_key(ref))
    if partner is None:
        return [_("partner: no partner “%(value)s” (use its exact name or id).") % {"value": ref}]
    email = cells["email"].strip().lower()
    if email:
        if (partner.pk, email) in seen:
            return [
                _("Duplicate of line %(line)s: the same partner and e-mail.")
                % {"line": seen[partner.pk, email]}
            ]
        seen[partner.pk, email] = line
    roles = [r for r in cells["roles"].replace(",", " ").replace(";", " ").split() if r]
    fields = {k: cells[k] for k in ("name", "email", "phone", "title", "notes")}
    try:
        contact_create(partner=partner, actor=actor, roles=roles, **fields)
    except (InvalidInput, DomainError, NotPermitted) as exc:
        return _messages(exc)
    return []


ROUTE_VALUES = {
    "": False,
    "no": False,
    "false": False,
    "0": False,
    "yes": True,
    "true": True,
    "1": True,
}


def _no_lookups(rows: list[dict]) -> dict:
    return {}


def _lead_row(cells: dict, seen: dict, line: int, found: dict, *, actor, now) -> list[str]:
    """A lead (source `import`) through the leads service: the customer is its registrable
    domain (the contact's e-mail domain when the domain cell is empty); `route` yes routes it by
    the rules at once. The same customer, contact and product twice in a file is a mistake."""
    route = ROUTE_VALUES.get(cells["route"].strip().lower())
    if route is None:
        return [_("route: “%(value)s” is not yes or no.") % {"value": cells["route"]}]
    data = {k: v for k, v in cells.items() if k != "route"}
    customer = data["domain"] or data["contact_email"]
    try:
        customer = normalize_domain(customer)
    except InvalidDomain:
        customer = customer.casefold()  # the service says what is wrong with it
    key = (customer, data["contact_email"].lower(), data["product"].casefold())
    if key in seen:
        return [
            _("Duplicate of line %(line)s: the same customer, contact and product.")
            % {"line": seen[key]}
        ]
    seen[key] = line
    try:
        lead_create(data=data, source=LeadSource.IMPORT, actor=actor, route=route, now=now)
    except (InvalidInput, DomainError, NotPermitted) as exc:
        return _messages(exc)
    return []


HANDLERS = {
    Kind.PARTNERS: (_lookups_partners, _partner_row),
    Kind.REGISTRATIONS: (_lookups_partner_refs, _registration_row),
    Kind.CONTACTS: (_lookups_partner_refs, _contact_row),
    Kind.LEADS: (_no_lookups, _lead_row),
}


def run(kind: str, rows: list[dict], *, actor, now: datetime, commit: bool) -> tuple[list, int]:
    """Import `rows` (as parsed by csvio.parse) in one transaction. Returns (rows with their
    errors, rows created). With commit=False, or when any row fails, nothing is written."""
    lookups, handle = HANDLERS[Kind(kind)]
    checked = [dict(row, errors=list(row.get("parse_errors", []))) for row in rows]
    created = 0
    try:
        with transaction.atomic():
            found = lookups(rows)
            seen: dict = {}
            for row in checked:
                if row["errors"]:
                    continue
                with transaction.atomic():  # a savepoint: one failing row leaves no trace
                    row["errors"] = handle(
                        row["cells"], seen, row["line"], found, actor=actor, now=now
                    )
                    if row["errors"]:
                        transaction.set_rollback(True)
                    else:
                        created += 1
            if not commit or any(row["errors"] for row in checked):
                raise _DryRun
    except _DryRun:
        pass  # rolled back: a preview, or a failed row — all or nothing
    return checked, created
