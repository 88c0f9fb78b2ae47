"""Uploaded files: checked by their content (not their name or the browser's claim), size-limited,
stored under a random name, and served only through a view that checked who may see them.

`validate_upload` is the one check every upload form and API field uses; `download` is the one
response that serves a stored file (attachment, nosniff, private, never cached by a proxy).
"""

from __future__ import annotations

import os
import re
import secrets
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MB = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("pdf", "application/pdf", (".pdf",))
PNG = Kind("png", "image/png", (".png",))
JPEG = Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"))
GIF = Kind("gif", "image/gif", (".gif",))
WEBP = Kind("webp", "image/webp", (".webp",))
DOCX = Kind(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = Kind(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)

IMAGES = (PNG, JPEG, GIF, WEBP)
OFFICE = (DOCX, XLSX, PPTX)
DOCUMENTS = (PDF, *IMAGES, *OFFICE)

_OFFICE_MARKERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


_SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


def sniff(head: bytes, upload=None) -> str | None:
    """The kind a file's first bytes show, or None."""
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04") and upload is not None:
        return _office_kind(upload)
    return None


def _office_kind(upload) -> str | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    for kind, marker in _OFFICE_MARKERS.items():
        if any(n.startswith(marker) for n in names):
            return kind
    return None


def clean_name(name: str) -> str:
    """A display name safe in a header and a file system: no path, no control characters."""
    base = os.path.basename((name or "").replace("\\", "/")).replace("\x00", "")
    base = _SAFE_NAME.sub("_", base).strip(" .")[:120]
    return base or "file"


def validate_upload(upload, *, kinds=DOCUMENTS, max_bytes: int = 10 * MB) -> Kind:
    """The upload's kind when its content is one of `kinds` and it is small enough; else a
    ValidationError that says what is accepted."""
    accepted = ", ".join(sorted({k.extensions[0].lstrip(".").upper() for k in kinds}))
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(mb)s MB.") % {"mb": max_bytes // MB},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head, upload)
    by_name = {k.name: k for k in kinds}
    if found not in by_name:
        raise ValidationError(
            _("This file type is not accepted. Accepted: %(kinds)s.") % {"kinds": accepted},
            code="file_type",
        )
    return by_name[found]


def random_name(original: str, folder: str) -> str:
    """A storage path under `folder` that reveals nothing and never collides."""
    ext = os.path.splitext(clean_name(original))[1].lower()[:8]
    return f"{folder}/{secrets.token_hex(16)}{ext}"


def download(fieldfile, *, filename: str, content_type: str, inline: bool = False):
    """Serve a stored file to someone the caller already checked may see it."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is missing.")) from exc
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=clean_name(filename)
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
