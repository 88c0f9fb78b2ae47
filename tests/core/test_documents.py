"""The shared document helpers: PDF rendering and reading, safe Markdown, checked uploads."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core import markdown, pdf, uploads


def test_a_rendered_pdf_reads_back_with_its_text_and_joins_with_another():
    first = pdf.render_pdf("<h1>Reseller agreement</h1><p>Between Acme and Globex.</p>")
    second = pdf.render_pdf("<h1>Signature certificate</h1>")
    assert first.startswith(b"%PDF-")
    joined = pdf.join_pdfs([first, second])
    assert pdf.pdf_page_count(joined) == 2
    text = pdf.pdf_text(joined).replace(" ", "")
    assert "Reselleragreement" in text and "Signaturecertificate" in text
    assert pdf.sha256(joined) != pdf.sha256(first)


def test_a_document_may_not_fetch_anything():
    # The image is not fetched (the fetcher refuses); the PDF still renders without it.
    data = pdf.render_pdf('<p>x</p><img src="http://127.0.0.1:1/secret.png">')
    assert data.startswith(b"%PDF-")


def test_join_refuses_a_damaged_pdf():
    with pytest.raises(pdf.PdfError):
        pdf.join_pdfs([b"%PDF-1.7 not really"])


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ('<a href="#" onclick="x()">a</a>', "<a "),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
        ("[x](JaVaScRiPt:alert(1))", "href="),
    ],
)
def test_markdown_never_lets_script_through(source, forbidden):
    assert forbidden not in markdown.render_markdown(source).lower()


def test_markdown_keeps_what_a_writer_uses():
    html = markdown.render_markdown(
        "# Plan\n\n**bold** and [site](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<h1>Plan</h1>" in html and "<strong>bold</strong>" in html
    assert 'href="https://example.com"' in html and "<table>" in html


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "name, data, kind",
    [("a.pdf", b"%PDF-1.7\n...", "pdf"), ("a.png", _png(), "png"), ("a.docx", _docx(), "docx")],
)
def test_uploads_are_recognised_by_their_content(name, data, kind):
    assert uploads.validate_upload(SimpleUploadedFile(name, data)).name == kind


@pytest.mark.parametrize(
    "name, data",
    [
        ("evil.pdf", b"<html><script>alert(1)</script>"),  # a name is not a type
        ("a.zip", b"PK\x03\x04" + b"\x00" * 40),  # a zip that is no office document
        ("empty.pdf", b""),
    ],
)
def test_uploads_of_another_type_or_empty_are_refused(name, data):
    with pytest.raises(ValidationError):
        uploads.validate_upload(SimpleUploadedFile(name, data))


def test_uploads_over_the_limit_are_refused_with_the_limit_named():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (2 * uploads.MB))
    with pytest.raises(ValidationError, match="1 MB"):
        uploads.validate_upload(upload, max_bytes=uploads.MB)


def test_names_are_cleaned_of_paths_and_control_characters():
    assert uploads.clean_name("../../etc/pass\x00wd") == "passwd"
    assert uploads.clean_name('in"voice\r\n.pdf') == "in_voice_.pdf"
    assert uploads.random_name("Invoice.PDF", "funds").endswith(".pdf")
