"""Program settings pages (admins): settings, stages, playbooks, partner types."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.access import admin_required
from apps.core.errors import InvalidInput
from apps.core.nav import settings_tabs
from apps.program.stages import Stage

from .forms import (
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
    form = ProgramSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST":
        if form.is_valid():
            try:
                program_settings_update(actor=request.user, **form.cleaned_data)
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    for e in errors:
                        form.add_error(field if field in form.fields else None, e)
            else:
                messages.success(request, "Program settings saved.")
                return redirect("program:settings")
        return _render(request, "program/settings.html", "program:settings", {"form": form}, 400)
    return _render(request, "program/settings.html", "program:settings", {"form": form})


@admin_required
def stages(request):
    for stage in Stage:  # a stage row exists for every state of the machine
        StageConfig.objects.get_or_create(stage=stage.value, defaults={"display_name": stage.label})
    qs = StageConfig.objects.order_by("id")
    formset = StageConfigFormSet(request.POST or None, queryset=qs)
    if request.method == "POST":
        if formset.is_valid():
            formset.save()
            messages.success(request, "Stages saved.")
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
        messages.success(request, "Playbook task saved. Partners entering the stage get it.")
        return redirect("program:playbooks")
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "program/edit.html",
        "program:playbooks",
        {"form": form, "title": "Playbook task", "back": "program:playbooks", "obj": task},
        status,
    )


@admin_required
@require_POST
def playbook_delete(request, pk: int):
    # Removing a template changes future playbooks only; partners' tasks stay as they are.
    get_object_or_404(PlaybookTaskTemplate, pk=pk).delete()
    messages.success(request, "Playbook task removed.")
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
        messages.success(request, "Partner type saved.")
        return redirect("program:partner_types")
    status = 400 if request.method == "POST" else 200
    return _render(
        request,
        "program/edit.html",
        "program:partner_types",
        {"form": form, "title": "Partner type", "back": "program:partner_types", "obj": obj},
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
            "title": _("Rejection reason"),
            "back": "program:rejection_reasons",
            "obj": obj,
        },
        status,
    )
