"""Portal pages: "My funds", "Request funds" (the short form), a request's page with "Submit a
claim" (files, actual cost, results), and the partner's own file downloads."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.access import WORKS_FUNDS, partner_role_required, portal_required
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.uploads import download

from .forms import ClaimForm, FileForm, RequestForm
from .models import FundFile, FundRequest, Status
from .selectors import allocations_for, requests_for, return_on_funds
from .services import (
    EDITABLE,
    REQUEST_FIELDS,
    fund_file_add,
    fund_request_create,
    fund_request_transition,
    fund_request_update,
)

# What each status asks of the partner, in a sentence (the "what is asked of them" column).
ASKED = {
    Status.DRAFT: gettext_lazy("Submit it for review when ready."),
    Status.SUBMITTED: gettext_lazy("Nothing: your partner manager reviews it."),
    Status.RETURNED: gettext_lazy("Make the changes asked and submit again."),
    Status.APPROVED: gettext_lazy(
        "Run the activity, then submit the claim with invoice and proof."
    ),
    Status.CLAIMED: gettext_lazy("Nothing: your partner manager reviews the claim."),
    Status.CLAIM_RETURNED: gettext_lazy("Fix the claim as asked and submit it again."),
    Status.CLAIM_APPROVED: gettext_lazy("Nothing: payment follows."),
    Status.PAID: gettext_lazy("Nothing: paid."),
}


def _errors_into(form, exc: InvalidInput) -> None:
    for field, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(field if field in form.fields else None, m)


@portal_required
def my_funds(request):
    today = timezone.localdate()
    allocations = list(allocations_for(request.user).order_by("-period__starts_on", "-id"))
    requests = list(requests_for(request.user).order_by("-created_at", "-id")[:100])
    returns = return_on_funds(
        FundRequest.objects.filter(pk__in=[r.pk for r in requests]), today=today
    )
    rows = [
        {"r": r, "asked": ASKED.get(r.status, ""), "ret": returns.by_request.get(r.pk)}
        for r in requests
    ]
    return render(
        request,
        "funds/portal/my_funds.html",
        {"allocations": allocations, "rows": rows, "today": today, "returns": returns},
    )


def _open_allocation(request):
    today = timezone.localdate()
    return (
        allocations_for(request.user)
        .filter(claim_deadline__gte=today)
        .order_by("claim_deadline", "id")
        .first()
    )


@portal_required
@partner_role_required(WORKS_FUNDS)
def request_new(request):
    allocation = _open_allocation(request)
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and allocation is not None:
        if form.is_valid():
            try:
                r = fund_request_create(
                    allocation=allocation,
                    actor=request.user,
                    data=form.cleaned_data,
                    submit=request.POST.get("save") == "submit",  # anything else: a draft
                )
            except InvalidInput as exc:
                _errors_into(form, exc)
                status = 400
            except DomainError as exc:
                form.add_error(None, exc.detail)
                status = 409
            else:
                messages.success(request, _("Fund request saved."))
                return redirect("portal:fund_request", pk=r.pk)
        else:
            status = 400
    return render(
        request,
        "funds/portal/request_new.html",
        {"form": form, "allocation": allocation},
        status=status,
    )


@portal_required
@partner_role_required(WORKS_FUNDS)
def request_edit(request, pk: int):
    """The partner changes a draft or a request returned for changes, and submits it again."""
    r = get_object_or_404(requests_for(request.user), pk=pk)
    if r.status not in EDITABLE:
        messages.error(request, _("Only a draft or a request returned for changes can be edited."))
        return redirect("portal:fund_request", pk=pk)
    form = RequestForm(request.POST or None, initial={n: getattr(r, n) for n in REQUEST_FIELDS})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            submit = request.POST.get("save") == "submit"  # anything else: keep it a draft
            try:
                fund_request_update(
                    fund_request=r,
                    actor=request.user,
                    data=form.cleaned_data,
                    submit=submit,
                    via="portal",
                )
            except InvalidInput as exc:
                _errors_into(form, exc)
                status = 400
            except DomainError as exc:
                form.add_error(None, exc.detail)
                status = 409
            else:
                messages.success(
                    request,
                    _("Changes saved and sent for review.") if submit else _("Changes saved."),
                )
                return redirect("portal:fund_request", pk=pk)
        else:
            status = 400
    return render(request, "funds/portal/request_edit.html", {"form": form, "r": r}, status=status)


@portal_required
def request_detail(request, pk: int, claim_form=None, file_form=None, status=200):
    r = get_object_or_404(requests_for(request.user), pk=pk)
    return render(
        request,
        "funds/portal/request.html",
        {
            "r": r,
            "asked": ASKED.get(r.status, ""),
            "files": list(r.files.all()),
            "events": list(r.events.all()),
            "claim_open": r.status in (Status.APPROVED, Status.CLAIM_RETURNED),
            "editable": r.status in EDITABLE,
            # A returned claim opens with what was claimed, to correct rather than retype.
            "claim_form": claim_form
            or ClaimForm(
                initial={
                    "actual_cost": r.actual_cost or r.approved_amount,
                    "leads_created": r.leads_created,
                    "registrations_created": r.registrations_created,
                }
            ),
            "file_form": file_form or FileForm(),
        },
        status=status,
    )


@portal_required
@partner_role_required(WORKS_FUNDS)
@require_POST
def request_act(request, pk: int, name: str):
    """The partner's own transitions without input: submit, cancel."""
    r = get_object_or_404(requests_for(request.user), pk=pk)
    if name not in ("submit", "cancel"):
        return request_detail(request, pk, status=404)
    try:
        fund_request_transition(fund_request=r, name=name, actor=request.user, via="portal")
    except (DomainError, NotPermitted) as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Done."))
    return redirect("portal:fund_request", pk=pk)


@portal_required
@partner_role_required(WORKS_FUNDS)
@require_POST
def file_upload(request, pk: int):
    r = get_object_or_404(requests_for(request.user), pk=pk)
    form = FileForm(request.POST, request.FILES)
    if not form.is_valid():
        return request_detail(request, pk, file_form=form, status=400)
    try:
        fund_file_add(
            fund_request=r,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            actor=request.user,
        )
    except InvalidInput as exc:
        _errors_into(form, exc)
        return request_detail(request, pk, file_form=form, status=400)
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return request_detail(request, pk, file_form=form, status=409)
    messages.success(request, _("File added."))
    return redirect("portal:fund_request", pk=pk)


@portal_required
@partner_role_required(WORKS_FUNDS)
@require_POST
def claim(request, pk: int):
    r = get_object_or_404(requests_for(request.user), pk=pk)
    form = ClaimForm(request.POST)
    if not form.is_valid():
        return request_detail(request, pk, claim_form=form, status=400)
    try:
        fund_request_transition(
            fund_request=r, name="claim", actor=request.user, via="portal", **form.cleaned_data
        )
    except InvalidInput as exc:
        _errors_into(form, exc)
        return request_detail(request, pk, claim_form=form, status=400)
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return request_detail(request, pk, claim_form=form, status=409)
    messages.success(request, _("Claim submitted. Your partner manager reviews it."))
    return redirect("portal:fund_request", pk=pk)


@portal_required
def file_download(request, pk: int, file_pk: int):
    f = get_object_or_404(
        FundFile.objects.filter(request__in=requests_for(request.user)), pk=file_pk, request_id=pk
    )
    return download(f.file, filename=f.name, content_type=f.content_type)
