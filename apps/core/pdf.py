"""PDF documents: HTML rendered by WeasyPrint, read back and joined with pypdf.

One renderer for every document the product writes (agreements, partner documents, exports).
Fonts come from the system (fonts-dejavu-core, installed by `scripts/system-packages.sh`);
the stylesheet below names DejaVu first so a PDF looks the same on every machine.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

BASE_CSS = """
@page { size: A4; margin: 22mm 20mm 24mm 20mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #666; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.45; color: #1a1a1a; }
h1 { font-size: 17pt; margin: 0 0 8pt; } h2 { font-size: 13pt; margin: 14pt 0 6pt; }
h3 { font-size: 11pt; margin: 12pt 0 4pt; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0; }
th, td { border: 0.5pt solid #bbb; padding: 3pt 5pt; text-align: left; vertical-align: top; }
code, pre { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
.muted { color: #666; }
"""


class PdfError(ValueError):
    """A document could not be rendered or read; str(exc) says why, for the person who asked."""


def render_pdf(html: str, *, title: str = "", css: str = "") -> bytes:
    """Render an HTML fragment or page as PDF bytes (A4, the product's stylesheet)."""
    from weasyprint import CSS, HTML  # imported late: pango loads only when a PDF is made
    from weasyprint.urls import URLFetcher

    if "<html" not in html.lower():
        html = f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>{html}</body></html>"
    stylesheets = [CSS(string=BASE_CSS)] + ([CSS(string=css)] if css else [])
    # A document never fetches anything from the network or the file system: only data: URLs
    # (an embedded logo) are read; anything else is left out of the PDF.
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)


def join_pdfs(parts: Iterable[bytes]) -> bytes:
    """One PDF of the given PDFs' pages, in order (a signature certificate after a contract)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        try:
            reader = PdfReader(io.BytesIO(part))
            for page in reader.pages:
                writer.add_page(page)
        except Exception as exc:  # pypdf raises many kinds for a damaged file
            raise PdfError(_("The document is not a readable PDF.")) from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_text(data: bytes) -> str:
    """The text of every page (tests and search read documents back with this)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:
        raise PdfError(_("The document is not a readable PDF.")) from exc


def pdf_page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
