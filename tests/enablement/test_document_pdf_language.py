"""A partner document's PDF is rendered in the request: it speaks the language of the partner
user who downloads it (issue 23 asked to check this, docs/localisation.md "PDFs")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from apps.core.pdf import pdf_text
from tests.factories import PartnerUserFactory

from .factories import PartnerDocumentFactory

pytestmark = pytest.mark.django_db

UPDATED = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "day", "other"), [("de", "04.12.2026", "Dec 4, 2026"), ("en", "Dec 4, 2026", "")]
)
def test_the_pdf_follows_the_downloading_partner_users_language(
    client_for, acme, language, day, other
):
    document = PartnerDocumentFactory(
        partner=acme, shared_with_partner=True, title="Joint plan", updated_at=UPDATED
    )
    reader = PartnerUserFactory(partner=acme, language=language)
    response = client_for(reader).get(f"/portal/documents/{document.pk}/pdf/")
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert "Joint plan" in text and day in text
    if other:
        assert other not in text


def test_the_pdfs_html_names_its_language(acme):
    """The PDF renderer picks fonts (Japanese) and hyphenation by the document's language."""
    document = PartnerDocumentFactory(partner=acme, title="Plan")
    with translation.override("ja"):
        html = render_to_string("enablement/document_pdf.html", {"document": document, "html": ""})
    assert '<html lang="ja">' in html
