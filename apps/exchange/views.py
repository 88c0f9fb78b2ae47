"""CSV export (streamed, filters as on the lists) and import (upload → preview → confirm)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from apps.core.access import (
    MANAGES_TEAM,
    partner_role_required,
    portal_required,
    staff_required,
)

from . import csvio, exports, imports
from .forms import ImportForm
from .models import ImportBatch, Kind

PREVIEW_TTL = timedelta(days=1)
PREVIEW_LIMIT = 500  # rows shown on the preview page (errors always shown first)


def _csv_response(name: str, header: list[str], rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csvio.stream(header, rows), content_type="text/csv; charset=utf-8"
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
        {"form": form or ImportForm(), "problem": problem, "kinds": Kind.choices},
        status=status,
    )


@staff_required
def export_partners(request):
    return _csv_response(
        "partners", exports.PARTNER_COLUMNS, exports.partner_rows(request.user, request.GET)
    )


@staff_required
def export_registrations(request):
    return _csv_response(
        "registrations",
        exports.REGISTRATION_COLUMNS,
        exports.registration_rows(request.user, request.GET),
    )


@staff_required
def export_contacts(request):
    return _csv_response(
        "contacts", exports.CONTACT_COLUMNS, exports.contact_rows(request.user, request.GET)
    )


@staff_required
def export_adoption(request):
    return _csv_response(
        "library-adoption",
        exports.ADOPTION_COLUMNS,
        exports.adoption_rows(request.user, request.GET),
    )


@portal_required
@partner_role_required(MANAGES_TEAM)
def portal_contacts(request):
    """A partner admin's own company's contacts."""
    return _csv_response(
        "our-contacts", exports.CONTACT_COLUMNS, exports.contact_rows(request.user, {})
    )


@staff_required
def export_qbrs(request):
    return _csv_response("qbrs", exports.QBR_COLUMNS, exports.qbr_rows(request.user, request.GET))


@portal_required
def portal_registrations(request):
    """A partner user's own company's registrations, with the portal list's filters."""
    return _csv_response(
        "my-registrations",
        exports.REGISTRATION_COLUMNS,
        exports.registration_rows(request.user, request.GET),
    )


@staff_required
def template_csv(request, kind: str):
    if kind not in Kind.values:
        raise Http404
    body = "".join(csvio.stream(imports.COLUMNS[kind], [imports.EXAMPLES[kind]]))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


@staff_required
@require_POST
def upload(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, form=form, status=400)
    kind = form.cleaned_data["kind"]
    upload_file = form.cleaned_data["file"]
    try:
        data = csvio.read_upload(upload_file)
        rows = csvio.parse(data, imports.COLUMNS[kind], imports.REQUIRED[kind])
    except csvio.CsvProblem as exc:
        return index(request, form=form, problem=str(exc), status=400)
    checked, _ = imports.run(kind, rows, actor=request.user, now=timezone.now(), commit=False)
    batch = ImportBatch.objects.create(
        kind=kind, created_by=request.user, filename=(upload_file.name or "")[:200], rows=checked
    )
    return redirect("exchange:preview", pk=batch.pk)


def _batch(request, pk) -> ImportBatch:
    # Someone else's upload does not exist for this user.
    return get_object_or_404(ImportBatch, pk=pk, created_by=request.user)


def _expired(batch: ImportBatch) -> bool:
    return (
        batch.state == ImportBatch.State.PREVIEWED
        and batch.created_at < timezone.now() - PREVIEW_TTL
    )


@staff_required
def preview(request, pk):
    batch = _batch(request, pk)
    rows = sorted(batch.rows, key=lambda r: (not r["errors"], r["line"]))
    return render(
        request,
        "exchange/preview.html",
        {
            "batch": batch,
            "columns": imports.COLUMNS[batch.kind],
            "rows": rows[:PREVIEW_LIMIT],
            "hidden": max(0, len(rows) - PREVIEW_LIMIT),
            "total": len(rows),
            "errors": batch.error_count,
            "expired": _expired(batch),
        },
        status=410 if _expired(batch) else 200,
    )


@staff_required
@require_POST
def confirm(request, pk):
    with transaction.atomic():
        batch = get_object_or_404(
            ImportBatch.objects.select_for_update(), pk=pk, created_by=request.user
        )
        if batch.state != ImportBatch.State.PREVIEWED:
            messages.info(request, "This file was imported already.")
            return redirect("exchange:preview", pk=batch.pk)
        if _expired(batch):
            messages.error(request, "This preview has expired; upload the file again.")
            return redirect("exchange:index")
        now = timezone.now()
        checked, created = imports.run(
            batch.kind, batch.rows, actor=request.user, now=now, commit=True
        )
        failed = sum(1 for row in checked if row["errors"])
        batch.rows = checked
        if failed:
            batch.save(update_fields=["rows"])
            messages.error(
                request,
                f"Nothing was imported: {failed} row{'s' if failed != 1 else ''} no longer "
                "pass the checks (the data changed since the preview).",
            )
            return redirect("exchange:preview", pk=batch.pk)
        batch.state = ImportBatch.State.IMPORTED
        batch.imported_at = now
        batch.imported_count = created
        batch.save(update_fields=["rows", "state", "imported_at", "imported_count"])
    noun, target = IMPORTED[Kind(batch.kind)]
    messages.success(request, f"Imported {created} {noun}{'s' if created != 1 else ''}.")
    return redirect(reverse(target))


# What an import made, and the list it is seen in.
IMPORTED = {
    Kind.PARTNERS: ("partner", "partners:list"),
    Kind.REGISTRATIONS: ("registration", "deals:queue"),
    Kind.CONTACTS: ("contact", "partners:list"),
}
