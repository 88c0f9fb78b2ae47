"""The program settings' one tab bar (templates/program/_tabs.html): the same tabs in the same
order on every settings page, from the apps' `nav.py` links of audience "settings"."""

from __future__ import annotations

from django import template
from django.urls import reverse

from apps.core.context_processors import mark_current
from apps.core.nav import settings_tabs

register = template.Library()


@register.simple_tag(takes_context=True)
def program_tabs(context) -> list[dict]:
    """The tabs, the current one marked: the view's `tab` (a URL name) when it names one, else
    the tab whose address is the longest start of the page's (a tier's edit page is under
    Tiers)."""
    tabs = [
        {"name": name, "label": label, "url": reverse(name), "prefixes": [reverse(name)]}
        for name, label in settings_tabs()
    ]
    chosen = context.get("tab")
    if chosen and any(t["name"] == chosen for t in tabs):
        for t in tabs:
            t["current"] = t["name"] == chosen
    else:
        request = context.get("request")
        mark_current(tabs, request.path if request else "")
    return tabs
