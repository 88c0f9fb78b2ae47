"""Program settings pages (admins): settings, stages, playbooks, partner types."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.access import admin_required
from apps.core.errors import ConcurrentChange, InvalidInput
from apps.core.nav import settings_tabs
from apps.program.stages import Stage

from .currency import NoRate, base_currency_change, base_currency_plan
from .forms import (
    BaseCurrencyForm,
    PartnerTypeForm,
    PlaybookTaskForm,
    ProgramSettingsForm,
    RejectionReasonForm,
    StageConfigFormSet,
)
from .models import PartnerType, PlaybookTaskTemplate, ProgramSettings, RejectionReason, StageConfig
from .services import program_settings_update


def _render(request, template, tab, context, status=200):
    return render(
        request, template, {"tabs": settings_tabs(), "tab": tab, **context}, status=status
    )


@admin_required
def settings_view(request):
    settings = ProgramSettings.get()
    current_base = settings.base_currency
    form = ProgramSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST":
        if form.is_valid():
            fields = dict(form.cleaned_data)
            # The base currency changes only from its confirmation page, which states and
            # converts what it affects; the other settings are saved now.
            new_base = fields.pop("base_currency")
            try:
                program_settings_update(actor=request.user, **fields)
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                if new_base != current_base:
                    messages.info(
                        request,
                        _(
                            "Program settings saved. The base currency is still %(old)s: read "
                            "what changing it to %(new)s does, then confirm."
                        )
                        % {"old": current_base, "new": new_base},
                    )
                    return redirect(
                        f"{reverse('program:base_currency')}?{urlencode({'to': new_base})}"
                    )
                messages.success(request, _("Program settings saved."))
                return redirect("program:settings")
        return _render(request, "program/settings.html", "program:settings", {"form": form}, 400)
    return _render(request, "program/settings.html", "program:settings", {"form": form})


@admin_required
def base_currency(request):
    """The confirmation of a base currency change: the plan (apps/program/currency.py) that the
    POST then applies, refused while nothing can convert the figures."""
    data = request.POST if request.method == "POST" else request.GET
    form = BaseCurrencyForm(data or None, current=ProgramSettings.get().base_currency)
    plan, error, status = None, "", 200
    if form.is_valid():
        try:
            plan = base_currency_plan(form.cleaned_data["to"], rate=form.cleaned_data["rate"])
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for e in errors:
                    form.add_error("to" if field == "base_currency" else field, e)
            status = 400
        except NoRate as exc:
            # Reading the refusal is a page like any other; applying the change is refused.
            error, status = exc.detail, 409 if request.method == "POST" else 200
    elif form.is_bound:
        status = 400
    if request.method == "POST" and plan is not None:
        try:
            done = base_currency_change(
                actor=request.user, plan=plan, fingerprint=form.cleaned_data["fingerprint"]
            )
        except ConcurrentChange as exc:
            error, status = exc.detail, 409
        else:
            messages.success(
                request,
                _("The base currency is now %(new)s; the figures were converted.")
                % {"new": done.new},
            )
            return redirect("program:settings")
    elif request.method == "POST" and status == 200:
        status = 400
    return _render(
        request,
        "program/base_currency.html",
        "program:settings",
        {"form": form, "plan": plan, "error": error},
        status,
    )


@admin_required
def stages(request):
    for stage in Stage:  # a stage row exists for every state of the machine
        with translation.override("en"):  # the default name: shown in each reader's language
            default = str(stage.label)
        StageConfig.objects.get_or_create(stage=stage.value, defaults={"display_name": default})
    qs = StageConfig.objects.order_by("id")
    formset = StageConfigFormSet(request.POST or None, queryset=qs)
    if request.method == "POST":
        if formset.is_valid():
            formset.save()
            messages.success(request, _("Stages saved."))
            return redirect("program:stages")
        status = 400
    else:
        status = 200
    return _render(request, "program/stages.html", "program:stages", {"formset": formset}, status)


@admin_required
def playbooks(request):
    templates = list(PlaybookTaskTemplate.objects.order_by("order", "id"))
    groups = [
        {"stage": s.value, "label": s.label, "tasks": [t for t in templates if t.stage == s]}
        for s in Stage
    ]
    return _render(request, "program/playbooks.html", "program:playbooks", {"groups": groups})


@admin_required
def playbook_edit(request, pk: int | None = None):
    task = get_object_or_404(PlaybookTaskTemplate, pk=pk) if pk else None
    initial = {}
    if task is None and request.GET.get("stage") in Stage.values:
        initial["stage"] = request.GET["stage"]
    form = PlaybookTaskForm(request.POST or None, instance=task, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Playbook task saved. Partners entering the stage get it."))
        return redirect("program:playbooks")
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "program/edit.html",
        "program:playbooks",
        {
            "form": form,
            "title": _("Edit the playbook task") if task else _("New playbook task"),
            "back": "program:playbooks",
        },
        status,
    )


@admin_required
@require_POST
def playbook_delete(request, pk: int):
    # Removing a template changes future playbooks only; partners' tasks stay as they are.
    get_object_or_404(PlaybookTaskTemplate, pk=pk).delete()
    messages.success(request, _("Playbook task removed."))
    return redirect("program:playbooks")


@admin_required
def partner_types(request):
    types = PartnerType.objects.order_by("name")
    return _render(request, "program/partner_types.html", "program:partner_types", {"types": types})


@admin_required
def partner_type_edit(request, pk: int | None = None):
    obj = get_object_or_404(PartnerType, pk=pk) if pk else None
    form = PartnerTypeForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Partner type saved."))
        return redirect("program:partner_types")
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "program/edit.html",
        "program:partner_types",
        {
            "form": form,
            "title": _("Edit the partner type") if obj else _("New partner type"),
            "back": "program:partner_types",
        },
        status,
    )


@admin_required
def rejection_reasons(request):
    return _render(
        request,
        "program/rejection_reasons.html",
        "program:rejection_reasons",
        {"reasons": RejectionReason.objects.order_by("order", "id")},
    )


@admin_required
def rejection_reason_edit(request, pk: int | None = None):
    # No delete: a retired reason is made inactive, so rejections given with it keep their words.
    obj = get_object_or_404(RejectionReason, pk=pk) if pk else None
    form = RejectionReasonForm(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Rejection reason saved."))
        return redirect("program:rejection_reasons")
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "program/edit.html",
        "program:rejection_reasons",
        {
            "form": form,
            "title": _("Edit the rejection reason") if obj else _("New rejection reason"),
            "back": "program:rejection_reasons",
        },
        status,
    )
