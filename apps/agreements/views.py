"""Manager pages for agreements, and the document download both sides use."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from apps.core import transitions
from apps.core.access import (
    PARTNER_ROLE_REFUSED,
    READS_AGREEMENTS,
    admin_required,
    partner_role_allows,
    staff_required,
)
from apps.core.clients import client_address
from apps.core.errors import DomainError, InvalidInput, NotPermitted
from apps.core.filters import for_page
from apps.core.params import query_id
from apps.partners.models import Partner

from . import documents
from .filters import AgreementFilter
from .forms import (
    AgreementForm,
    AgreementTemplateForm,
    RecordSignatureForm,
    RenewForm,
    TerminateForm,
)
from .models import Agreement, AgreementTemplate, Status
from .selectors import visible_agreements
from .services import (
    agreement_create,
    agreement_template_update,
    agreement_transition,
    agreement_update,
)

FORMS = {"sign": RecordSignatureForm, "terminate": TerminateForm, "renew": RenewForm}


def _errors_to_form(form, exc: InvalidInput) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


@staff_required
def agreement_list(request):
    qs = visible_agreements(request.user).order_by("-start_date", "-id")
    filters = AgreementFilter(request.GET or None, queryset=qs)
    rows, http_status = for_page(filters)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "agreements/list.html",
        {
            "page": page,
            "statuses": Status.choices,
            "status": request.GET.get("status", ""),
            "filter_errors": filters.errors,
        },
        status=http_status,
    )


@staff_required
def agreement_create_view(request):
    initial = {}
    partner_id = query_id(request.GET.get("partner"))
    if partner_id is not None:
        partner = Partner.objects.filter(pk=partner_id).first()
        if partner:
            initial = {
                "partner": partner,
                "title": _("%(partner)s partner agreement") % {"partner": partner.name},
            }
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = agreement_create(actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Agreement drafted."))
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "agreement": None},
        status=400 if form.errors else 200,
    )


@staff_required
def agreement_edit(request, pk: int):
    agreement = get_object_or_404(visible_agreements(request.user), pk=pk)
    form = AgreementForm(request.POST or None, request.FILES or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "partner"}
        if data.get("document") is False:  # "clear" ticked
            data["document"] = ""
        elif data.get("document") is None:
            data.pop("document")
        try:
            agreement_update(agreement=agreement, actor=request.user, **data)
        except InvalidInput as exc:
            _errors_to_form(form, exc)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("agreements:detail", pk=agreement.pk)
    return render(
        request,
        "agreements/form.html",
        {"form": form, "agreement": agreement},
        status=400 if form.errors else 200,
    )


def _detail_context(request, agreement, forms=None, error=None) -> dict:
    rows = [
        {
            **row,
            "verb": transitions.transition_label(agreement, "status", row["name"]),
            "form": (forms or {}).get(row["name"]),
        }
        for row in transitions.describe(agreement, "status", user=request.user)
        if row["allowed"] or not row["unmet"][0].startswith("Not possible")
        # countersigning is offered only while it is awaited: the template asks, nobody did yet
        if row["name"] != "countersign" or row["allowed"]
    ]
    for row in rows:
        if row["form"] is None and row["name"] in FORMS:
            row["form"] = FORMS[row["name"]](prefix=row["name"])
    return {"agreement": agreement, "rows": rows, "error": error}


@staff_required
def agreement_detail(request, pk: int):
    agreement = get_object_or_404(visible_agreements(request.user), pk=pk)
    return render(request, "agreements/detail.html", _detail_context(request, agreement))


@staff_required
@require_POST
def agreement_run_transition(request, pk: int, name: str):
    agreement = get_object_or_404(visible_agreements(request.user), pk=pk)
    if name not in transitions.names(Agreement, "status"):
        raise Http404("No such transition.")
    form_class = FORMS.get(name)
    data: dict[str, Any] = {}
    form = None
    if form_class:
        form = form_class(request.POST, prefix=name)
        if not form.is_valid():
            ctx = _detail_context(request, agreement, forms={name: form})
            return render(request, "agreements/detail.html", ctx, status=400)
        data = form.cleaned_data
    if name == "sign":
        data = {
            **data,
            "address": client_address(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", ""),
        }
    try:
        agreement_transition(agreement=agreement, name=name, actor=request.user, **data)
    except InvalidInput as exc:
        if form is None:  # a transition without a form has no field to show them on
            problems = " ".join(m for msgs in exc.errors.values() for m in msgs)
            ctx = _detail_context(request, agreement, error=problems)
        else:
            _errors_to_form(form, exc)
            ctx = _detail_context(request, agreement, forms={name: form})
        return render(request, "agreements/detail.html", ctx, status=400)
    except (DomainError, NotPermitted) as exc:
        agreement.refresh_from_db()
        ctx = _detail_context(request, agreement, error=exc.detail)
        return render(request, "agreements/detail.html", ctx, status=409)
    messages.success(
        request,
        _("Agreement is now %(state)s.")
        % {"state": transitions.state_label(agreement, "status", agreement.status)},
    )
    return redirect("agreements:detail", pk=agreement.pk)


@login_required
@xframe_options_sameorigin  # the portal and the manager page show it inline before signing
def agreement_document(request, pk: int):
    """The agreement's PDF (once signed, with its signature certificate): staff, and the users
    of the agreement's own partner (once sent). `?download=1` saves it instead of showing it."""
    user = request.user
    if user.is_partner_user and not user.has_portal_access:
        raise Http404
    if not partner_role_allows(user, READS_AGREEMENTS):
        raise PermissionDenied(PARTNER_ROLE_REFUSED)
    agreement = get_object_or_404(visible_agreements(user), pk=pk)
    return documents.response(agreement, download=request.GET.get("download") == "1")


@admin_required
def agreement_templates(request):
    rows = AgreementTemplate.objects.select_related("updated_by").order_by("kind")
    return render(
        request, "agreements/templates.html", {"templates": rows, "tab": "agreements:templates"}
    )


@admin_required
def agreement_template_edit(request, pk: int):
    """Edit a template's text; "Preview" shows it filled with an example partner, unsaved."""
    template = get_object_or_404(AgreementTemplate, pk=pk)
    form = AgreementTemplateForm(request.POST or None, instance=template)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = documents.render_body(data["body"], documents.sample_values())
        else:
            try:
                agreement_template_update(template=template, actor=request.user, **data)
            except InvalidInput as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Template saved."))
                return redirect("agreements:templates")
    elif request.method == "GET":
        preview = documents.render_body(template.body, documents.sample_values())
    return render(
        request,
        "agreements/template_form.html",
        {
            "form": form,
            "template": template,
            "preview": preview,
            "fields": documents.MERGE_FIELDS,
            "tab": "agreements:templates",  # its place in the program settings' tab bar
        },
        status=400 if form.errors else 200,
    )
