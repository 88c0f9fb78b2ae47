"""The library's parts of composite pages: on the partner page, its documents, the templates of
its stage's playbook (with the tasks they serve), what its people opened and the certifications
they hold; on the portal home, the starter kit of the partner's stage and what is new since the
last library visit."""

from __future__ import annotations

from django.utils import timezone

from . import selectors
from .services.courses import RENEWAL_WINDOW

# The place of this app's parts on composite pages (apps/core/sections.py), lower first.
ORDER = 45


def partner_detail(request, partner):
    links = selectors.stage_templates(partner)
    return "enablement/_partner_section.html", {
        "partner": partner,
        "documents": list(selectors.documents_of(partner)[:20]),
        "stage_templates": links,
        "task_templates": selectors.task_templates(partner, links),
        "opened": list(selectors.opens_of_partner(partner)[:15]),
        "certifications": list(selectors.certifications_of(partner)[:30]),
        "soon_at": timezone.now() + RENEWAL_WINDOW,
    }


def portal_home(request):
    # The partner with what its audience rules read (its type and tier), loaded once for both.
    partner = selectors.partner_of(request.user)
    kit = list(selectors.starter_kit(partner)[:12])
    seen = selectors.last_library_visit(request.user)
    new_count = selectors.new_since(selectors.resources_for(partner), seen).count() if seen else 0
    return "enablement/_portal_home.html", {
        "kit": kit,
        "new_count": new_count,
    }
