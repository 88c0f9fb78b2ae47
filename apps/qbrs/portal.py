"""Portal pages: a partner user's QBRs (never their internal notes) and their action items."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.access import WORKS_TASKS, partner_role_required, portal_required
from apps.core.errors import NotPermitted

from . import metrics, selectors, services
from .models import Status


@portal_required
@require_GET
def qbrs(request):
    user = request.user
    visible = selectors.qbrs_for(user)
    upcoming = visible.filter(status__in=[Status.SCHEDULED, Status.IN_PROGRESS]).first()
    completed = visible.filter(status=Status.COMPLETED).order_by("-completed_at", "-id")
    page = Paginator(completed, 20).get_page(request.GET.get("page"))
    items = (
        selectors.action_items_for(user)
        .filter(done=False)
        .order_by("due_date", "created_at", "id")[:100]
    )
    return render(
        request,
        "qbrs/portal_list.html",
        {
            "upcoming": upcoming,
            "page": page,
            "action_items": list(items),
            "today": timezone.localdate(),
        },
    )


@portal_required
@require_GET
def qbr_detail(request, pk: int):
    qbr = get_object_or_404(
        selectors.qbrs_for(request.user).prefetch_related("action_items"), pk=pk
    )
    return render(
        request,
        "qbrs/portal_detail.html",
        {
            "qbr": qbr,
            "metric_rows": metrics.rows(qbr.metrics) if qbr.status == Status.COMPLETED else [],
            "action_items": list(qbr.action_items.all()),
            "today": timezone.localdate(),
        },
    )


@portal_required
@partner_role_required(WORKS_TASKS)
@require_POST
def action_item_done(request, pk: int):
    item = get_object_or_404(selectors.action_items_for(request.user), pk=pk)
    done = request.POST.get("done", "1") == "1"
    try:
        services.action_item_update(item=item, actor=request.user, done=done)
    except NotPermitted as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Marked done.") if done else _("Marked not done."))
    if request.htmx:
        return render(
            request,
            "qbrs/_portal_item.html",
            {"item": item, "today": timezone.localdate(), "show_qbr": request.POST.get("show_qbr")},
        )
    back = request.POST.get("next", "")
    if back.startswith("/portal/"):
        return redirect(back)
    return redirect("portal:qbr_detail", item.qbr_id)
