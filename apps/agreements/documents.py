"""Agreement documents: a template's text with its merge fields filled in, rendered as a PDF, and
the signature certificate appended when the partner signs.

Both are written in the partner signer's language, whoever causes the rendering (a manager
sending the agreement in English still sends a German partner a German document): see
`signer_language` and docs/localisation.md ("PDFs").

Merge fields are a tiny `{{ name }}` substitution, not Django's template engine: an admin's text
can name only the fields listed in MERGE_FIELDS (anything else is refused when the template is
saved), and every value is HTML-escaped before it reaches the renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.http import FileResponse, Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import PartnerRole, Role
from apps.core.formatting import format_date, format_number
from apps.core.markdown import render_markdown
from apps.core.pdf import join_pdfs, render_pdf, sha256

from .models import Agreement, AgreementTemplate

FIELD = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
# A token the Markdown renderer passes through untouched, replaced by the escaped value after.
_SLOT = "MERGEFIELD{}X"

MERGE_FIELDS: dict[str, object] = {
    "partner_name": gettext_lazy("The partner's company name"),
    "partner_address": gettext_lazy("The partner's registered address (on the agreement)"),
    "partner_website": gettext_lazy("The partner's website"),
    "agreement_title": gettext_lazy("The agreement's title"),
    "agreement_kind": gettext_lazy("The kind of agreement, in words"),
    "start_date": gettext_lazy("The date the agreement starts"),
    "end_date": gettext_lazy("The date it ends (or “no fixed end date”)"),
    "auto_renew": gettext_lazy("Whether it renews itself at the end of a term, in words"),
    "notice_period_days": gettext_lazy("The notice period, in days"),
    "tier_name": gettext_lazy("The partner's tier (or “no tier yet”)"),
    "tier_benefits": gettext_lazy("The tier's benefits: discount, protection, QBR cadence"),
    "exit_clauses": gettext_lazy("The agreement's exit clauses"),
    "issue_date": gettext_lazy("The date the document is generated"),
}


class UnknownMergeField(ValueError):
    pass


def field_names(body: str) -> list[str]:
    return [m.group(1) for m in FIELD.finditer(body or "")]


def unknown_fields(body: str) -> list[str]:
    """The merge fields a text names that do not exist, in order, each once."""
    seen: list[str] = []
    for name in field_names(body):
        if name not in MERGE_FIELDS and name not in seen:
            seen.append(name)
    return seen


def unknown_fields_message(unknown: list[str]) -> str:
    return _("Unknown merge field(s): %(unknown)s. The fields are: %(known)s.") % {
        "unknown": ", ".join(f"{{{{ {name} }}}}" for name in unknown),
        "known": ", ".join(MERGE_FIELDS),
    }


def sample_values() -> dict[str, str]:
    """What the preview fills in: an example partner, not a real one."""
    return {
        "partner_name": "Example Partner Ltd",
        "partner_address": "1 Harbour Street, Bristol BS1 4RN, United Kingdom",
        "partner_website": "https://partner.example",
        "agreement_title": _("Example partner agreement"),
        "agreement_kind": _("Reseller agreement"),
        "start_date": _day(date(2027, 1, 1)),
        "end_date": _day(date(2029, 12, 31)),
        "auto_renew": _("renews automatically for another term"),
        "notice_period_days": "60",
        "tier_name": "Gold",
        "tier_benefits": tier_benefits(
            SimpleNamespace(
                discount_percent=Decimal("20"),
                protection_days=120,
                qbr_cadence_months=3,
                description="",
            )
        ),
        "exit_clauses": _("Either side may end the agreement with 60 days' written notice."),
        "issue_date": _day(timezone.localdate()),
    }


def _day(value: date | None) -> str:
    return format_date(value, style="long") if value else ""  # a contract spells its dates out


def tier_benefits(tier) -> str:
    if tier is None:
        return _("No tier benefits apply yet.")
    lines = [
        _("Discount on list price: %(p)s%%") % {"p": format_number(tier.discount_percent)},
        _("Deal registration protection: %(d)s days") % {"d": tier.protection_days},
        _("Business reviews every %(m)s months") % {"m": tier.qbr_cadence_months},
    ]
    if tier.description:
        lines.append(tier.description)
    return "\n".join(lines)


def merge_values(agreement: Agreement, *, today: date | None = None) -> dict[str, str]:
    """The value of every merge field for this agreement (plain text, not yet escaped)."""
    partner = agreement.partner
    tier = partner.tier
    return {
        "partner_name": partner.name,
        "partner_address": agreement.partner_address or _("(no address given)"),
        "partner_website": partner.website,
        "agreement_title": agreement.title,
        "agreement_kind": str(agreement.get_kind_display()),
        "start_date": _day(agreement.start_date),
        "end_date": _day(agreement.end_date) or _("no fixed end date"),
        "auto_renew": _("renews automatically for another term")
        if agreement.auto_renew
        else _("does not renew automatically"),
        "notice_period_days": str(agreement.notice_period_days),
        "tier_name": tier.name if tier else _("no tier yet"),
        "tier_benefits": tier_benefits(tier),
        "exit_clauses": agreement.exit_clauses or _("No further exit clauses."),
        "issue_date": _day(today or timezone.localdate()),
    }


def render_body(body: str, values: dict[str, str]) -> str:
    """Safe HTML of a template's text with the values filled in (escaped; line breaks kept)."""
    unknown = unknown_fields(body)
    if unknown:
        raise UnknownMergeField(", ".join(unknown))
    slots: dict[str, str] = {}

    def slot(match: re.Match) -> str:
        token = _SLOT.format(len(slots))
        value = values[match.group(1)]
        slots[token] = "<br>".join(escape(line) for line in value.splitlines())
        return token

    html = render_markdown(FIELD.sub(slot, body))
    for token, value in slots.items():
        html = html.replace(token, value)
    return html


@dataclass
class Generated:
    content: bytes
    sha256: str


def signer_language(agreement: Agreement) -> str:
    """The language the partner's signer reads: once signed, the signing partner user's own
    choice (User.language); before, that of the partner's active portal admins, who are the
    ones who may sign (the oldest account that chose a language). Otherwise, or when a manager
    recorded the signature for the partner, the program's LANGUAGE_CODE."""
    signer = agreement.signed_by
    if signer is not None and signer.partner_id == agreement.partner_id:
        chosen = [signer.language]
    else:
        chosen = list(
            agreement.partner.users.filter(
                is_active=True, role=Role.PARTNER, partner_role=PartnerRole.ADMIN
            )
            .exclude(language="")
            .order_by("date_joined", "pk")
            .values_list("language", flat=True)[:1]
        )
    offered = {code for code, _name in settings.LANGUAGES}
    return next((code for code in chosen if code in offered), settings.LANGUAGE_CODE)


def generate(agreement: Agreement, template: AgreementTemplate, *, today: date) -> Generated:
    with translation.override(signer_language(agreement)):
        html = render_to_string(
            "agreements/document.html",
            {
                "title": agreement.title,
                "body": render_body(template.body, merge_values(agreement, today=today)),
            },
        )
        content = render_pdf(html, title=agreement.title)
    return Generated(content, sha256(content))


def certificate(agreement: Agreement, *, now: datetime) -> bytes:
    """The signature certificate page: who signed what, when, from where."""
    with translation.override(signer_language(agreement)):
        html = render_to_string(
            "agreements/certificate.html", {"agreement": agreement, "generated_at": now}
        )
        return render_pdf(html, title=_("Signature certificate"))


def with_certificate(document: bytes, agreement: Agreement, *, now: datetime) -> bytes:
    return join_pdfs([document, certificate(agreement, now=now)])


def response(agreement: Agreement, *, download: bool) -> FileResponse:
    """The agreement's PDF (once signed, with its certificate) for a caller already checked."""
    stored = agreement.signed_document or agreement.document
    if not stored:
        raise Http404(_("This agreement has no document."))
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The document file is missing.")) from exc
    result = FileResponse(
        handle,
        content_type="application/pdf",
        as_attachment=download,
        filename=f"agreement-{agreement.pk}.pdf",
    )
    result.headers["X-Content-Type-Options"] = "nosniff"
    result.headers["Cache-Control"] = "private, no-store"
    # Shown inline in this origin's own pages before signing (never framed elsewhere); the PDF
    # loads nothing. Not `sandbox`: the browser's PDF viewer does not draw in a sandboxed frame.
    result.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return result
