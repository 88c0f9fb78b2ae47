"""A registration's conversation: comments shared by the partner and the vendor, staff's internal
notes, and attachments. Who may write is checked here, whichever door (page, portal, API).

Internal notes never reach a partner: a partner user cannot write one, the readers
(selectors.comments_visible_to) leave them out for partner users, and a note tells nobody (only
shared comments notify the other side)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.audiences import partner_users, vendor_side
from apps.core.access import WORKS_DEALS, partner_role_allows
from apps.core.errors import InvalidInput, NotPermitted
from apps.core.uploads import DOCUMENTS, MB, clean_name, validate_upload
from apps.notifications.services import Text, notify

from ..models import MAX_COMMENT, DealRegistration, RegistrationAttachment, RegistrationComment

MAX_ATTACHMENT_BYTES = 10 * MB
ATTACHMENT_KINDS = DOCUMENTS  # PDF, images, Word/Excel/PowerPoint
INTERNAL_REFUSED = gettext_noop(
    "Internal notes are for the vendor's staff; partner users write shared comments."
)


def may_write(registration: DealRegistration, user) -> bool:
    """Staff, and the registering partner's users whose role works deals."""
    if getattr(user, "is_staff_role", False):
        return True
    return bool(
        getattr(user, "is_partner_user", False)
        and user.partner_id == registration.partner_id
        and partner_role_allows(user, WORKS_DEALS)
    )


def clean_body(value, field: str = "body", *, empty: str | None = None) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidInput({field: [_("Enter text.")]})
    text = (value or "").strip()
    if not text:
        raise InvalidInput({field: [empty or _("Write something.")]})
    if len(text) > MAX_COMMENT:
        raise InvalidInput({field: [_("Keep it under %(n)s characters.") % {"n": MAX_COMMENT}]})
    if "\x00" in text:
        raise InvalidInput({field: [_("Null characters are not allowed.")]})
    return text


@transaction.atomic
def comment_create(
    *,
    registration: DealRegistration,
    author,
    body,
    internal: bool = False,
    kind: str = RegistrationComment.Kind.COMMENT,
    now: datetime | None = None,
    notify_other_side: bool = True,
) -> RegistrationComment:
    """Add a comment (or, staff only, an internal note). A shared comment tells the other side:
    the registering partner's users when staff wrote it, the owning manager when the partner did
    (the admins while the partner has no active manager)."""
    if not may_write(registration, author):
        raise NotPermitted(_("Your role may not comment on this registration."))
    if not isinstance(internal, bool):
        raise InvalidInput({"internal": [_("Must be true or false.")]})
    if internal and not author.is_staff_role:
        raise InvalidInput({"internal": [_(INTERNAL_REFUSED)]})
    text = clean_body(body)
    comment = RegistrationComment.objects.create(
        registration=registration,
        author=author,
        body=text,
        internal=internal,
        kind=kind,
        created_at=now or timezone.now(),
    )
    if not internal and notify_other_side:
        _tell_other_side(comment, author)
    return comment


def _tell_other_side(comment: RegistrationComment, author) -> None:
    reg = comment.registration
    who = author.get_full_name() or author.username
    c = reg.customer_name
    if author.is_staff_role:
        notify(
            recipients=partner_users(reg.partner_id),
            kind="deal_comment",
            subject=Text(gettext_noop("New comment on your registration: %(c)s"), {"c": c}),
            body=Text(gettext_noop("%(who)s wrote: %(text)s"), {"who": who, "text": comment.body}),
            key=f"deal-comment:{comment.pk}",
            link=reverse("portal:deal_detail", args=[reg.pk]),
        )
    else:
        notify(
            recipients=vendor_side(reg.partner),
            kind="deal_comment",
            subject=Text(
                gettext_noop("New comment from %(p)s: %(c)s"), {"p": reg.partner.name, "c": c}
            ),
            body=Text(gettext_noop("%(who)s wrote: %(text)s"), {"who": who, "text": comment.body}),
            key=f"deal-comment:{comment.pk}",
            link=reverse("deals:detail", args=[reg.pk]),
        )


@transaction.atomic
def attachment_add(
    *, registration: DealRegistration, uploader, upload, now: datetime | None = None
) -> RegistrationAttachment:
    """Store a file on the registration: its content must be a PDF, an image or an office
    document of at most 10 MB (apps.core.uploads checks the bytes, not the name)."""
    if not may_write(registration, uploader):
        raise NotPermitted(_("Your role may not add files to this registration."))
    if upload is None or not hasattr(upload, "read"):
        raise InvalidInput({"file": [_("Choose a file.")]})
    try:
        kind = validate_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES)
    except ValidationError as exc:
        raise InvalidInput({"file": list(exc.messages)}) from None
    name = clean_name(getattr(upload, "name", "") or "file")
    return RegistrationAttachment.objects.create(
        registration=registration,
        file=upload,
        name=name,
        content_type=kind.content_type,
        size=upload.size,
        uploaded_by=uploader,
        created_at=now or timezone.now(),
    )
