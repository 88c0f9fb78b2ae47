"""This app's parts of composite pages: the recruitment funnel on the dashboard, and on a
partner's page the application it came from (its answers kept)."""

from __future__ import annotations

from .funnel import recruitment_funnel
from .models import Application

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 5


def dashboard(now):
    return "applications/_dashboard_funnel.html", {"steps": recruitment_funnel()}


def partner_detail(request, partner):
    application = Application.objects.filter(partner=partner).order_by("-created_at").first()
    if application is None:
        return None
    return "applications/_partner_application.html", {"a": application}
