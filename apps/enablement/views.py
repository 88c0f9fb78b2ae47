"""The library's manager pages: browse and search, create, edit, publish, each resource's
adoption and file history; the partner's documents made from templates (edit, PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.access import staff_required
from apps.core.errors import InvalidInput
from apps.core.filters import for_page
from apps.core.markdown import render_markdown
from apps.core.uploads import clean_name, download
from apps.partners.selectors import visible_partners

from . import selectors, services
from .filters import ResourceFilter
from .forms import DocumentForm, ResourceForm, UseTemplateForm
from .merge import FIELDS, fields_used
from .models import Content, ResourceVersion


def errors_to_form(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@staff_required
def library(request):
    qs = selectors.with_adoption(selectors.visible_resources(request.user)).order_by(
        "phase", "title", "id"
    )
    filters = ResourceFilter(request.GET or None, queryset=qs)
    rows, http_status = for_page(filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enablement/library.html",
        {
            "page": page,
            "filter": filters,
            "filter_errors": filters.errors,
            "by_phase": list(selectors.adoption_by_phase()),
        },
        status=http_status,
    )


def _resource_form_page(request, form, resource, status=200):
    return render(
        request,
        "enablement/resource_form.html",
        {"form": form, "resource": resource, "merge_fields": FIELDS},
        status=status,
    )


@staff_required
def resource_new(request):
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("upload", None)
        try:
            resource = services.resource_create(actor=request.user, upload=upload, **data)
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Resource added to the library."))
            return redirect("enablement:resource", pk=resource.pk)
    return _resource_form_page(request, form, None, status=400 if form.errors else 200)


@staff_required
def resource_edit(request, pk: int):
    resource = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("upload", None)
        try:
            services.resource_update(resource=resource, actor=request.user, upload=upload, **data)
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Resource saved."))
            return redirect("enablement:resource", pk=resource.pk)
    return _resource_form_page(request, form, resource, status=400 if form.errors else 200)


@staff_required
def resource_detail(request, pk: int):
    resource = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    return render(
        request,
        "enablement/resource_detail.html",
        {
            "resource": resource,
            "html": mark_safe(render_markdown(resource.body)),  # noqa: S308 (sanitised by nh3)
            "adoption": selectors.adoption(resource),
            "by_partner": list(selectors.adoption_by_partner(resource)[:50]),
            "versions": list(resource.versions.all()),
            "merge_fields_used": fields_used(resource.body) if resource.is_template else [],
            "partners": visible_partners(request.user).order_by("name")
            if resource.is_template
            else [],
        },
    )


@staff_required
@require_POST
def resource_publish(request, pk: int):
    resource = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    publish = request.POST.get("published") == "1"
    services.resource_publish(resource=resource, actor=request.user, published=publish)
    messages.success(request, _("Published.") if publish else _("Back to draft."))
    return redirect("enablement:resource", pk=resource.pk)


@staff_required
def resource_file(request, pk: int):
    resource = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    if resource.content != Content.FILE or not resource.file:
        raise Http404(_("This resource has no file."))
    return download(resource.file, filename=resource.file_name, content_type=resource.file_type)


@staff_required
def version_file(request, pk: int, version_pk: int):
    resource = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    version = get_object_or_404(ResourceVersion, resource=resource, pk=version_pk)
    return download(version.file, filename=version.file_name, content_type=version.file_type)


@staff_required
@require_POST
def use_template(request, pk: int):
    """ "Use for this partner": the partner's own document, pre-filled, opened for editing."""
    resource = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    form = UseTemplateForm(request.POST, partners=visible_partners(request.user))
    if not form.is_valid():
        for message in form.errors["partner"]:
            messages.error(request, str(message))
        return redirect("enablement:resource", pk=resource.pk)
    partner = form.cleaned_data["partner"]
    try:
        document = services.document_from_template(
            resource=resource, partner=partner, actor=request.user
        )
    except InvalidInput as exc:
        for reasons in exc.errors.values():
            for reason in reasons:
                messages.error(request, str(reason))
        return redirect("enablement:resource", pk=resource.pk)
    messages.success(request, _("Document created for %(partner)s.") % {"partner": partner.name})
    return redirect("enablement:document", pk=document.pk)


@staff_required
def document_edit(request, pk: int):
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_update(document=document, actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Document saved."))
            return redirect("enablement:document", pk=document.pk)
    document.refresh_from_db()
    return render(
        request,
        "enablement/document.html",
        {
            "document": document,
            "form": form,
            "html": mark_safe(render_markdown(document.body)),  # noqa: S308 (sanitised by nh3)
        },
        status=400 if form.errors else 200,
    )


def document_pdf_response(document) -> HttpResponse:
    response = HttpResponse(services.document_pdf(document), content_type="application/pdf")
    name = clean_name(f"{document.title}.pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def document_pdf(request, pk: int):
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    return document_pdf_response(document)
