from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .selectors import notifications_for, unread_count
from .services import mark_all_read, mark_read


@login_required
def notification_list(request):
    page = Paginator(notifications_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def bell(request):
    return render(request, "notifications/_bell.html", {"unread": unread_count(request.user)})


@login_required
@require_POST
def read(request, pk: int):
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    mark_read(notification=notification)
    if request.htmx:
        response = render(request, "notifications/_row.html", {"n": notification})
        response["HX-Trigger"] = "notificationsChanged"  # the bell refreshes its count
        return response
    if request.POST.get("follow") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request):
    mark_all_read(user=request.user)
    return redirect("notifications:list")
