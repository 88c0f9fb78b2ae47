"""Writes of the library: resources (with their file history), opens (adoption), the library
visit, and the partner's documents made from templates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput, NotPermitted
from apps.core.markdown import render_markdown
from apps.core.pdf import render_pdf
from apps.core.uploads import DOCUMENTS, clean_name, random_name, validate_upload
from apps.partners.models import Partner
from apps.program.models import PartnerType
from apps.program.stages import Stage

from .. import merge
from ..models import (
    Content,
    LibraryVisit,
    PartnerDocument,
    Resource,
    ResourceOpen,
    ResourceVersion,
)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TAGS = 20
# A visit is a sitting: the library seen again within this gap is the same visit, so what is
# "new since your last visit" does not vanish on the next click.
VISIT_GAP = timedelta(hours=1)
RESOURCE_FIELDS = (
    "title",
    "summary",
    "kind",
    "phase",
    "content",
    "body",
    "url",
    "is_template",
    "internal",
    "partner_types",
    "min_tier",
    "stages",
    "tags",
)
CONTENT_FIELDS = ("content", "body", "url")


def _require_staff(actor) -> None:
    if not actor.is_staff_role:
        raise NotPermitted(_("Only partner managers and admins edit the library."))


def clean_tags(tags) -> list[str]:
    seen: list[str] = []
    for tag in tags or []:
        text = " ".join(str(tag).split())[:40]
        if text and text.lower() not in {t.lower() for t in seen}:
            seen.append(text)
    return seen


def _check(resource: Resource, *, has_new_file: bool) -> None:
    errors: dict[str, list[str]] = {}
    known_types = set(PartnerType.objects.values_list("key", flat=True))
    unknown = [key for key in resource.partner_types if key not in known_types]
    if unknown:
        errors["partner_types"] = [
            _("Unknown partner type: %(keys)s.") % {"keys": ", ".join(unknown)}
        ]
    bad_stages = [s for s in resource.stages if s not in Stage.values]
    if bad_stages:
        errors["stages"] = [_("Unknown stage: %(s)s.") % {"s": ", ".join(bad_stages)}]
    if len(resource.tags) > MAX_TAGS:
        errors["tags"] = [_("At most %(n)s tags.") % {"n": MAX_TAGS}]
    if resource.content == Content.LINK and not resource.url:
        errors["url"] = [_("A link resource needs its address.")]
    if resource.content == Content.FILE and not (resource.file or has_new_file):
        errors["file"] = [_("A file resource needs a file.")]
    if resource.content == Content.MARKDOWN and not resource.body.strip():
        errors["body"] = [_("A page needs its text.")]
    try:
        resource.full_clean(exclude=["file", "search", "id"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise InvalidInput(errors)


def _store_file(resource: Resource, upload) -> None:
    try:
        kind = validate_upload(upload, kinds=DOCUMENTS, max_bytes=MAX_FILE_BYTES)
    except ValidationError as exc:
        raise InvalidInput({"file": list(exc.messages)}) from exc
    name = clean_name(getattr(upload, "name", "") or "file")
    upload.seek(0)
    resource.file.save(random_name(name, "library"), ContentFile(upload.read()), save=False)
    resource.file_name = name
    resource.file_type = kind.content_type


@transaction.atomic
def resource_create(*, actor, upload=None, now: datetime | None = None, **fields: Any) -> Resource:
    _require_staff(actor)
    now = now or timezone.now()
    published = bool(fields.pop("published", False))
    values = {key: fields[key] for key in RESOURCE_FIELDS if key in fields}
    values["tags"] = clean_tags(values.get("tags"))
    resource = Resource(**values, created_by=actor, created_at=now, updated_at=now)
    _check(resource, has_new_file=upload is not None)
    if upload is not None:
        _store_file(resource, upload)
    if published:
        resource.published = True
        resource.published_at = now
    resource.save()
    return resource


@transaction.atomic
def resource_update(
    *, resource: Resource, actor, upload=None, now: datetime | None = None, **fields: Any
) -> Resource:
    """Change a resource; a new file keeps the one it replaces in the history (a version)."""
    _require_staff(actor)
    now = now or timezone.now()
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    published = fields.pop("published", None)
    before = {key: getattr(resource, key) for key in CONTENT_FIELDS}
    for key in RESOURCE_FIELDS:
        if key in fields:
            setattr(resource, key, fields[key])
    resource.tags = clean_tags(resource.tags)
    _check(resource, has_new_file=upload is not None)
    changed = any(getattr(resource, key) != before[key] for key in CONTENT_FIELDS)
    if upload is not None:
        if resource.file:
            ResourceVersion.objects.create(
                resource=resource,
                version=resource.version,
                file=resource.file.name,
                file_name=resource.file_name,
                file_type=resource.file_type,
                replaced_at=now,
                replaced_by=actor,
            )
        _store_file(resource, upload)
        changed = True
    if changed:
        resource.version += 1
    if published is not None:
        _set_published(resource, bool(published), now)
    resource.updated_at = now
    resource.save()
    return resource


def _set_published(resource: Resource, published: bool, now: datetime) -> None:
    if published and not resource.published:
        resource.published_at = now  # "new since your last visit" counts from here
    resource.published = published


@transaction.atomic
def resource_publish(
    *, resource: Resource, actor, published: bool, now: datetime | None = None
) -> Resource:
    _require_staff(actor)
    now = now or timezone.now()
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    _set_published(resource, published, now)
    resource.updated_at = now
    resource.save(update_fields=["published", "published_at", "updated_at"])
    return resource


def resource_open(*, resource: Resource, user, now: datetime | None = None) -> None:
    """Record that a partner user opened a resource: once per person, resource and day (the
    unique constraint decides, whichever door — page or API — came first). Staff opens are
    not adoption and are not recorded."""
    if not getattr(user, "is_partner_user", False) or user.partner_id is None:
        return
    now = now or timezone.now()
    ResourceOpen.objects.bulk_create(
        [
            ResourceOpen(
                resource=resource,
                user=user,
                partner_id=user.partner_id,
                day=timezone.localdate(now),
                opened_at=now,
            )
        ],
        ignore_conflicts=True,
    )


def library_visit(*, user, now: datetime | None = None) -> datetime | None:
    """Note that `user` looks at the library now; answer when its previous visit was (None for
    a first visit): what was published since is new to this person."""
    now = now or timezone.now()
    with transaction.atomic():
        visit, created = LibraryVisit.objects.select_for_update().get_or_create(
            user=user, defaults={"seen_at": now}
        )
        if created:
            return None
        if now - visit.seen_at > VISIT_GAP:
            visit.previous_seen_at = visit.seen_at
        visit.seen_at = now
        visit.save(update_fields=["seen_at", "previous_seen_at"])
        return visit.previous_seen_at


# --- the partner's documents -------------------------------------------------------------------


@transaction.atomic
def document_from_template(
    *, resource: Resource, partner: Partner, actor, now: datetime | None = None
) -> PartnerDocument:
    """ "Use for this partner": the template's Markdown with its merge fields filled in, as the
    partner's own editable document (not shared with the partner until someone says so)."""
    _require_staff(actor)
    if not resource.is_template or resource.content != Content.MARKDOWN:
        raise InvalidInput({"resource": [_("Only a Markdown template can be used for a partner.")]})
    now = now or timezone.now()
    partner = Partner.objects.select_related("partner_type", "tier", "manager").get(pk=partner.pk)
    values = merge.values_for(partner, now)
    return PartnerDocument.objects.create(
        partner=partner,
        source=resource,
        title=merge.fill(f"{resource.title} — {partner.name}", values)[:200],
        body=merge.fill(resource.body, values),
        created_by=actor,
        created_at=now,
        updated_at=now,
    )


@transaction.atomic
def document_update(
    *,
    document: PartnerDocument,
    actor,
    title: str,
    body: str,
    shared_with_partner: bool,
    now: datetime | None = None,
) -> PartnerDocument:
    _require_staff(actor)
    document = PartnerDocument.objects.select_for_update().get(pk=document.pk)
    document.title = title
    document.body = body
    document.shared_with_partner = shared_with_partner
    document.updated_at = now or timezone.now()
    try:
        document.full_clean(exclude=["partner", "source", "created_by", "id"])
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc
    document.save()
    return document


def document_pdf(document: PartnerDocument) -> bytes:
    html = render_to_string(
        "enablement/document_pdf.html",
        {"document": document, "html": render_markdown(document.body)},
    )
    return render_pdf(html, title=document.title)


def merge_values_for(user, now: datetime | None = None) -> dict | None:
    """The merge fields' values a partner user's templates are filled with (their own company's
    facts and figures); None for staff, who see the fields themselves."""
    if not (getattr(user, "is_partner_user", False) and user.partner_id):
        return None
    partner = Partner.objects.select_related("partner_type", "tier", "manager").get(
        pk=user.partner_id
    )
    return merge.values_for(partner, now)


def resource_html(
    resource: Resource, user, now: datetime | None = None, *, values: dict | None = None
) -> str:
    """The resource's sanitised HTML as its reader sees it: a template read by a partner user
    shows that partner's own facts and figures in its merge fields (staff see the fields).
    `values`: merge_values_for(user), when the caller reads many resources."""
    if resource.content != Content.MARKDOWN:
        return ""
    body = resource.body
    if resource.is_template:
        values = values if values is not None else merge_values_for(user, now)
        if values is not None:
            body = merge.fill(body, values)
    return render_markdown(body)
