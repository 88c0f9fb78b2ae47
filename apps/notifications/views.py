from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.formatting import format_date

from .models import Notification
from .selectors import notifications_for, unread_count
from .services import mark_all_read, mark_read

PER_PAGE = 25


def by_day(notifications, *, today: date) -> list[tuple[date, str, list[Notification]]]:
    """The notifications (newest first) under the day each arrived on in the active time zone
    (the user's): "Today", "Yesterday", then the day through the formatting layer."""
    groups: list[tuple[date, str, list[Notification]]] = []
    for notification in notifications:
        day = timezone.localdate(notification.created_at)
        if not groups or groups[-1][0] != day:
            if day == today:
                heading = _("Today")
            elif day == today - timedelta(days=1):
                heading = _("Yesterday")
            else:
                heading = format_date(day, style="long")
            groups.append((day, heading, []))
        groups[-1][2].append(notification)
    return groups


def _list_context(request, page_number) -> dict:
    page = Paginator(notifications_for(request.user), PER_PAGE).get_page(page_number)
    return {"page": page, "days": by_day(page.object_list, today=timezone.localdate())}


@login_required
def notification_list(request):
    return render(
        request, "notifications/list.html", _list_context(request, request.GET.get("page"))
    )


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
    count = mark_all_read(user=request.user)
    message = _("All notifications marked as read.") if count else _("There was nothing unread.")
    if request.htmx:
        # The list in place, every row now read, and the bell refreshes its count.
        response = render(
            request,
            "notifications/_list.html",
            {**_list_context(request, request.POST.get("page")), "done": message},
        )
        response["HX-Trigger"] = "notificationsChanged"
        return response
    messages.success(request, message)
    return redirect("notifications:list")
