"""CSV export (streamed, filters as on the lists) and import (upload → preview → confirm)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_POST

from apps.core.access import (
    MANAGES_TEAM,
    partner_role_required,
    portal_required,
    staff_required,
)
from apps.core.errors import InvalidInput
from apps.core.formatting import format_number
from apps.funds.models import BatchStatus, PayoutBatch

from . import csvio, exports, imports
from .forms import ImportForm, PortalContactsForm
from .models import ImportBatch, Kind

PREVIEW_TTL = timedelta(days=1)
PREVIEW_LIMIT = 500  # rows shown on the preview page (errors always shown first)


def _csv_response(
    name: str, header: list[str], rows_of: Callable[..., Iterator[list]], *args
) -> HttpResponseBase:
    """The rows of a list as CSV; a filter value the list refuses answers 400 naming it (as the
    list page and the API do), never the rows without that filter."""
    try:
        found = rows_of(*args)
    except InvalidInput as exc:
        text = "\n".join(f"{field}: {m}" for field, msgs in exc.errors.items() for m in msgs)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    response = StreamingHttpResponse(
        csvio.stream(header, found), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def index(request, form=None, problem=None, status=200):
    return render(
        request,
        "exchange/index.html",
        {
            "form": form or ImportForm(),
            "problem": problem,
            "kinds": Kind.choices,
            "exports": exports.export_forms(request.user),
        },
        status=status,
    )


@staff_required
def export_partners(request):
    return _csv_response(
        "partners", exports.PARTNER_COLUMNS, exports.partner_rows, request.user, request.GET
    )


@staff_required
def export_registrations(request):
    return _csv_response(
        "registrations",
        exports.REGISTRATION_COLUMNS,
        exports.registration_rows,
        request.user,
        request.GET,
    )


@staff_required
def export_contacts(request):
    return _csv_response(
        "contacts", exports.CONTACT_COLUMNS, exports.contact_rows, request.user, request.GET
    )


@staff_required
def export_adoption(request):
    return _csv_response(
        "library-adoption",
        exports.ADOPTION_COLUMNS,
        exports.adoption_rows,
        request.user,
        request.GET,
    )


@portal_required
@partner_role_required(MANAGES_TEAM)
def portal_contacts(request):
    """A partner admin's own company's contacts."""
    return _csv_response(
        "our-contacts", exports.CONTACT_COLUMNS, exports.contact_rows, request.user, {}
    )


@staff_required
def export_qbrs(request):
    return _csv_response("qbrs", exports.QBR_COLUMNS, exports.qbr_rows, request.user, request.GET)


@portal_required
def portal_registrations(request):
    """A partner user's own company's registrations, with the portal list's filters."""
    return _csv_response(
        "my-registrations",
        exports.REGISTRATION_COLUMNS,
        exports.registration_rows,
        request.user,
        request.GET,
    )


@staff_required
def template_csv(request, kind: str):
    if kind not in Kind.values:
        raise Http404
    body = "".join(csvio.stream(imports.COLUMNS[kind], [imports.EXAMPLES[kind]]))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


def _checked_batch(request, kind: str, upload_file, columns, required, *, own_partner=None):
    """Parse an upload and check every row (a dry run); the stored batch, or the problem's text."""
    try:
        data = csvio.read_upload(upload_file)
        rows = csvio.parse(data, columns, required)
    except csvio.CsvProblem as exc:
        return str(exc)
    if own_partner is not None:
        rows = imports.for_own_company(rows, own_partner)
    checked, _ = imports.run(kind, rows, actor=request.user, now=timezone.now(), commit=False)
    return ImportBatch.objects.create(
        kind=kind, created_by=request.user, filename=(upload_file.name or "")[:200], rows=checked
    )


@staff_required
@require_POST
def upload(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, form=form, status=400)
    kind = form.cleaned_data["kind"]
    batch = _checked_batch(
        request, kind, form.cleaned_data["file"], imports.COLUMNS[kind], imports.REQUIRED[kind]
    )
    if isinstance(batch, str):
        return index(request, form=form, problem=batch, status=400)
    return redirect("exchange:preview", pk=batch.pk)


def _batch(request, pk) -> ImportBatch:
    # Someone else's upload does not exist for this user.
    return get_object_or_404(ImportBatch, pk=pk, created_by=request.user)


def _expired(batch: ImportBatch) -> bool:
    return (
        batch.state == ImportBatch.State.PREVIEWED
        and batch.created_at < timezone.now() - PREVIEW_TTL
    )


def _preview(request, batch: ImportBatch, columns: list[str], urls: dict):
    rows = sorted(batch.rows, key=lambda r: (not r["errors"], r["line"]))
    # Each cell with its column's name: on a phone a row is a card that labels its values.
    shown = [dict(row, shown=[(c, row["cells"].get(c, "")) for c in columns]) for row in rows]
    return render(
        request,
        "exchange/preview.html",
        {
            "batch": batch,
            "columns": columns,
            "rows": shown[:PREVIEW_LIMIT],
            "hidden": max(0, len(rows) - PREVIEW_LIMIT),
            "total": len(rows),
            "errors": batch.error_count,
            "expired": _expired(batch),
            **urls,
        },
        status=410 if _expired(batch) else 200,
    )


def _confirm(request, batch: ImportBatch) -> str | None:
    """Import a previewed batch (the caller holds its row lock): None when every row was
    imported, else the reason nothing was (said on the page by the caller)."""
    if batch.state != ImportBatch.State.PREVIEWED:
        return "imported"
    if _expired(batch):
        return "expired"
    now = timezone.now()
    checked, created = imports.run(batch.kind, batch.rows, actor=request.user, now=now, commit=True)
    failed = sum(1 for row in checked if row["errors"])
    batch.rows = checked
    if failed:
        batch.save(update_fields=["rows"])
        messages.error(
            request,
            ngettext(
                "Nothing was imported: %(n)s row no longer passes the checks (the data "
                "changed since the preview).",
                "Nothing was imported: %(n)s rows no longer pass the checks (the data changed "
                "since the preview).",
                failed,
            )
            % {"n": failed},
        )
        return "failed"
    batch.state = ImportBatch.State.IMPORTED
    batch.imported_at = now
    batch.imported_count = created
    batch.save(update_fields=["rows", "state", "imported_at", "imported_count"])
    return None


def _urls(batch: ImportBatch, confirm: str, again: str) -> dict:
    """Where the preview page confirms the batch and where another file is uploaded."""
    return {"confirm_url": reverse(confirm, args=[batch.pk]), "again_url": reverse(again)}


@staff_required
def preview(request, pk):
    batch = _batch(request, pk)
    return _preview(
        request,
        batch,
        imports.COLUMNS[batch.kind],
        _urls(batch, "exchange:confirm", "exchange:index"),
    )


@staff_required
@require_POST
def confirm(request, pk):
    with transaction.atomic():
        batch = get_object_or_404(
            ImportBatch.objects.select_for_update(), pk=pk, created_by=request.user
        )
        outcome = _confirm(request, batch)
    if outcome == "imported":
        messages.info(request, _("This file was imported already."))
    if outcome == "expired":
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("exchange:index")
    if outcome is not None:
        return redirect("exchange:preview", pk=batch.pk)
    sentence, target = IMPORTED[Kind(batch.kind)]
    count = batch.imported_count  # picks the plural form; written by the formatting layer
    messages.success(request, sentence % {"n": format_number(count), "count": count})
    return redirect(reverse(target))


@portal_required
@partner_role_required(MANAGES_TEAM)
def portal_contacts_import(request):
    """A partner admin's contacts from a CSV (no partner column: they are their company's)."""
    form = PortalContactsForm(request.POST or None, request.FILES or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        batch = _checked_batch(
            request,
            Kind.CONTACTS,
            form.cleaned_data["file"],
            imports.PORTAL_CONTACT_COLUMNS,
            imports.PORTAL_CONTACT_REQUIRED,
            own_partner=request.user.partner_id,
        )
        if isinstance(batch, ImportBatch):
            return redirect("portal:team_contacts_import_preview", pk=batch.pk)
        problem = batch
    return render(
        request,
        "exchange/portal_import.html",
        {"form": form, "problem": problem},
        status=400 if request.method == "POST" else 200,
    )


def _own_contacts_batch(request, pk, *, lock: bool = False) -> ImportBatch:
    """The uploader's own contacts batch, every row still naming their company (404 otherwise)."""
    batches = ImportBatch.objects.select_for_update() if lock else ImportBatch.objects
    batch = get_object_or_404(batches, pk=pk, created_by=request.user, kind=Kind.CONTACTS)
    if not imports.all_for(batch.rows, request.user.partner_id):
        raise Http404
    return batch


@portal_required
@partner_role_required(MANAGES_TEAM)
def portal_contacts_import_preview(request, pk):
    batch = _own_contacts_batch(request, pk)
    return _preview(
        request,
        batch,
        imports.PORTAL_CONTACT_COLUMNS,
        _urls(batch, "portal:team_contacts_import_confirm", "portal:team_contacts_import"),
    )


@portal_required
@partner_role_required(MANAGES_TEAM)
@require_POST
def portal_contacts_import_confirm(request, pk):
    with transaction.atomic():
        batch = _own_contacts_batch(request, pk, lock=True)
        outcome = _confirm(request, batch)
    if outcome == "imported":
        messages.info(request, _("This file was imported already."))
    if outcome == "expired":
        messages.error(request, _("This preview has expired; upload the file again."))
        return redirect("portal:team_contacts_import")
    if outcome is not None:
        return redirect("portal:team_contacts_import_preview", pk=batch.pk)
    messages.success(
        request,
        ngettext("Imported %(n)s contact.", "Imported %(n)s contacts.", batch.imported_count)
        % {"n": batch.imported_count},
    )
    return redirect("portal:team")


@portal_required
@partner_role_required(MANAGES_TEAM)
def portal_contacts_template(request):
    body = "".join(csvio.stream(imports.PORTAL_CONTACT_COLUMNS, [imports.PORTAL_CONTACT_EXAMPLE]))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contacts-template.csv"'
    return response


# What an import made, and the list it is seen in.
IMPORTED = {
    Kind.PARTNERS: (
        ngettext_lazy("Imported %(n)s partner.", "Imported %(n)s partners.", "count"),
        "partners:list",
    ),
    Kind.REGISTRATIONS: (
        ngettext_lazy("Imported %(n)s registration.", "Imported %(n)s registrations.", "count"),
        "deals:queue",
    ),
    Kind.CONTACTS: (
        ngettext_lazy("Imported %(n)s contact.", "Imported %(n)s contacts.", "count"),
        "partners:list",
    ),
    Kind.LEADS: (
        ngettext_lazy("Imported %(n)s lead.", "Imported %(n)s leads.", "count"),
        "leads:board",
    ),
}


@staff_required
def export_payout_batch(request, pk: int):
    """An approved (or paid) payout batch for the finance system."""
    batch = get_object_or_404(
        PayoutBatch.objects.filter(status__in=[BatchStatus.APPROVED, BatchStatus.PAID]), pk=pk
    )
    return _csv_response(
        f"payout-batch-{batch.name}", exports.PAYOUT_COLUMNS, exports.payout_rows, batch
    )
