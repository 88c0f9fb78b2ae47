"""The portal's library: what the partner's audience allows (anything else is 404), search,
"new since your last visit", a resource opened (and counted once a day), and the documents the
partner manager shared."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.access import portal_required
from apps.core.uploads import download

from . import selectors, services
from .filters import ResourceFilter
from .models import Content
from .views import document_pdf_response


@portal_required
def library(request):
    visible = selectors.visible_resources(request.user)
    since = services.library_visit(user=request.user)
    filters = ResourceFilter(request.GET or None, queryset=visible.order_by("phase", "title", "id"))
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "enablement/portal_library.html",
        {
            "page": page,
            "filter": filters,
            "filter_errors": filters.errors,
            "new": list(selectors.new_since(visible, since)[:10]),
            "since": since,
            "documents": list(selectors.visible_documents(request.user)[:20]),
        },
    )


@portal_required
def resource(request, pk: int):
    item = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    services.resource_open(resource=item, user=request.user)
    if item.content == Content.LINK:
        return redirect(item.url)
    return render(
        request,
        "enablement/portal_resource.html",
        {
            "resource": item,
            "html": mark_safe(services.resource_html(item, request.user)),  # noqa: S308 (nh3)
        },
    )


@portal_required
def resource_file(request, pk: int):
    item = get_object_or_404(selectors.visible_resources(request.user), pk=pk)
    if item.content != Content.FILE or not item.file:
        raise Http404(_("This resource has no file."))
    services.resource_open(resource=item, user=request.user)
    return download(item.file, filename=item.file_name, content_type=item.file_type)


@portal_required
def document_pdf(request, pk: int):
    document = get_object_or_404(selectors.visible_documents(request.user), pk=pk)
    return document_pdf_response(document)
