"""The conversation's pages, both doors: a manager's (staff_required, any registration) and a
partner user's (portal_required, their own company's registrations only: 404 for any other).
Comments, internal notes (staff only), attachments served by access-checked downloads, and the
`request_info` / `provide_info` exchange. The writes are the deals services'."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.core.access import WORKS_DEALS, partner_role_required, portal_required, staff_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.uploads import download

from .forms import (
    AttachmentForm,
    CommentForm,
    PartnerCommentForm,
    ProvideInfoForm,
    RequestInfoForm,
)
from .models import DealRegistration
from .selectors import attachments_of, comments_visible_to, registrations_for
from .services import attachment_add, comment_create, may_write, registration_transition


def conversation_context(user, reg: DealRegistration) -> dict:
    """What both registration pages show of the conversation, as `user` may read it."""
    staff = user.is_staff_role
    return {
        "comments": list(comments_visible_to(reg, user)),
        "attachments": list(attachments_of(reg)),
        "may_write": may_write(reg, user),
        "comment_form": CommentForm() if staff else PartnerCommentForm(),
        "attachment_form": AttachmentForm(),
        "request_info_form": RequestInfoForm(),
        "provide_info_form": ProvideInfoForm(),
    }


def _say(request, exc: Exception) -> None:
    if isinstance(exc, InvalidInput):
        messages.error(request, " ".join(str(m) for ms in exc.errors.values() for m in ms))
    else:
        messages.error(request, getattr(exc, "detail", str(exc)))


def _form_errors(request, form) -> None:
    messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))


def _comment(request, reg, form_class, back):
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return back
    try:
        comment_create(
            registration=reg,
            author=request.user,
            body=form.cleaned_data["body"],
            internal=bool(form.cleaned_data.get("internal", False)),
        )
    except (DomainError, NotPermitted, InvalidInput) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("Comment added."))
    return back


def _upload(request, reg, back):
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return back
    try:
        attachment_add(registration=reg, uploader=request.user, upload=form.cleaned_data["file"])
    except (DomainError, NotPermitted, InvalidInput) as exc:
        _say(request, exc)
    else:
        messages.success(request, _("File attached."))
    return back


def _serve(reg, attachment_pk: int):
    item = get_object_or_404(attachments_of(reg), pk=attachment_pk)
    return download(item.file, filename=item.name, content_type=item.content_type)


# --- the manager's door ---------------------------------------------------------------------------
def _any(pk: int) -> DealRegistration:
    return get_object_or_404(DealRegistration.objects.select_related("partner"), pk=pk)


@staff_required
@require_POST
def comment(request, pk: int):
    reg = _any(pk)
    return _comment(request, reg, CommentForm, redirect("deals:detail", pk=reg.pk))


@staff_required
@require_POST
def attachment_upload(request, pk: int):
    reg = _any(pk)
    return _upload(request, reg, redirect("deals:detail", pk=reg.pk))


@staff_required
@require_GET
def attachment(request, pk: int, attachment_pk: int):
    return _serve(_any(pk), attachment_pk)


@staff_required
@require_POST
def request_info(request, pk: int):
    reg = _any(pk)
    done = _("Question sent: the registration waits on the partner's answer.")
    _exchange(
        request, reg, form_class=RequestInfoForm, name="request_info", field="question", done=done
    )
    return redirect("deals:detail", pk=reg.pk)


def _exchange(request, reg, *, form_class, name: str, field: str, done: str) -> None:
    """A question (request_info) or its answer (provide_info), from its page's form."""
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return
    try:
        registration_transition(
            registration=reg, name=name, actor=request.user, **{field: form.cleaned_data[field]}
        )
    except (DomainError, NotPermitted, InvalidInput) as exc:
        _say(request, exc)
    else:
        messages.success(request, done)


# --- the partner's door ---------------------------------------------------------------------------
def _own(request, pk: int) -> DealRegistration:
    return get_object_or_404(registrations_for(request.user), pk=pk)


@portal_required
@partner_role_required(WORKS_DEALS)
@require_POST
def portal_comment(request, pk: int):
    reg = _own(request, pk)
    return _comment(request, reg, PartnerCommentForm, redirect("portal:deal_detail", pk=reg.pk))


@portal_required
@partner_role_required(WORKS_DEALS)
@require_POST
def portal_attachment_upload(request, pk: int):
    reg = _own(request, pk)
    return _upload(request, reg, redirect("portal:deal_detail", pk=reg.pk))


@portal_required
@require_GET
def portal_attachment(request, pk: int, attachment_pk: int):
    return _serve(_own(request, pk), attachment_pk)


@portal_required
@partner_role_required(WORKS_DEALS)
@require_POST
def provide_info(request, pk: int):
    reg = _own(request, pk)
    done = _("Answer sent: your partner manager continues the review.")
    _exchange(
        request, reg, form_class=ProvideInfoForm, name="provide_info", field="answer", done=done
    )
    return redirect("portal:deal_detail", pk=reg.pk)
