"""Every input of the product — each page that takes a POST, each API write, each transition
input — with who may use it, a valid request to start from, and the pages that show what it
stores.

What can be read from the product is read, not listed: which page views take a POST (their
code), the fields of their forms (the form classes), the fields of each API write (the OpenAPI
schema) and of each transition (its input serializer). What cannot — a valid request, and the
object it needs — is written here once per input. An input missing here fails
test_every_page_input_is_covered / test_every_api_input_is_covered.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from apps.core.numbers import IntegerListField
from apps.partners.models import QUALIFICATION_FIELDS
from apps.people.services import access_revocation_plan
from apps.tiers.services import proposals_approve_plan
from tests.factories import PASSWORD

from .matrix import MATRIX

# --- which page views take a POST -----------------------------------------------------------------


def page_views() -> dict[str, Callable]:
    """URL name → view function (decorators unwrapped) or class, for every page outside the API
    and the Django admin."""
    found: dict[str, Callable] = {}

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith(("admin/", "api/")):
                    continue
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                callback = entry.callback
                view_class = getattr(callback, "view_class", None)
                found[f"{namespace}{entry.name}"] = view_class or inspect.unwrap(callback)

    walk(get_resolver())
    return found


def view_source(view) -> str:
    return inspect.getsource(view)


def takes_a_post(view) -> bool:
    if inspect.isclass(view):
        return hasattr(view, "post")
    source = view_source(view)
    return any(s in source for s in ("request.POST", "request.FILES", "require_POST", '"POST"'))


def raw_post_keys(view) -> list[str]:
    """Keys a view reads from request.POST itself, besides its forms."""
    return re.findall(r"request\.POST(?:\.get\(|\[)\"(\w+)\"", view_source(view))


def forms_named_in(view) -> set[type]:
    """The form classes a view binds to the posted data, by name in its code."""
    if inspect.isclass(view):
        form_class = getattr(view, "form_class", None)
        return {form_class} if form_class else set()
    module = import_module(view.__module__)
    names = re.findall(r"\b([A-Z]\w*(?:Form|FormSet))\(request\.POST", view_source(view))
    return {getattr(module, name) for name in names}


def form_field_names(form) -> list[str]:
    """The posted names of a form's (or formset's) fields, uploads aside."""
    if isinstance(form, forms.BaseFormSet):
        names = [form.management_form.add_prefix(n) for n in form.management_form.fields]
        for each in form.forms:
            names += form_field_names(each)
        return names
    return [
        form.add_prefix(name)
        for name, f in form.fields.items()
        if not isinstance(f, forms.FileField) and not f.disabled
    ]


def form_data(form) -> dict:
    """What a browser posts for the form as shown: its initial values, formatted by its own
    fields (a formset: with its management form)."""
    if isinstance(form, forms.BaseFormSet):
        data = form_data(form.management_form)
        for each in form.forms:
            data.update(form_data(each))
        return data
    data = {}
    for bound in form:
        if isinstance(bound.field, forms.FileField) or bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(bound.field, forms.MultipleChoiceField):  # ticked boxes: one value each
            data[bound.html_name] = [str(v) for v in value or []]
            continue
        data[bound.html_name] = "" if value is None else str(value)
    return data


# --- the pages ------------------------------------------------------------------------------------


def _today(days: int = 0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _csv(text: str, name: str = "partners.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def _revoke_confirmation(w) -> dict:
    """The confirmation of what taking the colleague's access away does, as its page shows it."""
    return {"confirmed": access_revocation_plan(user=w["colleague"]).fingerprint}


@dataclass
class Page:
    """One way to post to a page: the URL's objects, the forms it binds, a valid post."""

    kwargs: Callable[[dict], dict]
    forms: Callable[[dict], list] = lambda w: []
    data: Callable[[dict], dict] = lambda w: {}
    show: tuple[str, ...] = ()  # pages (URL names, see show_urls) that display what it stores
    label: str = ""
    prime: Callable[[object, dict], None] | None = None  # (client, world): before posting


def _open_reset_link(client, w) -> None:
    # The e-mailed link puts its token in the session and redirects to the set-password form.
    client.get(reverse("password_reset_confirm", args=[w["reset_uid"], w["reset_token"]]))


def _forms(*classes, **kwargs):
    return lambda w: [c(**kwargs) for c in classes]


def _partner_data(w):
    return {
        "name": "Initech Partners",
        "website": "https://initech.example",
        "partner_type": str(w["reseller"].pk),
        "tier": "",
        "manager": str(w["bob"].pk),
    }


def _agreement_data(w, **over):
    return {
        "partner": str(w["partner"].pk),
        "kind": "reseller",
        "title": "Initech reseller agreement",
        "start_date": _today(),
        "end_date": _today(365),
        "notice_period_days": "30",
        "exit_clauses": "",
        **over,
    }


def _registration_data(w):
    return {
        "customer_name": "Initech LLC",
        "customer_domain": "initech.example",
        "customer_country": "US",
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.example",
        "product": "Analytics suite",
        "estimated_value": "125000.00",
        "currency": "USD",
        "expected_close_date": _today(30),
        "description": "",
    }


def _agreement_variants() -> list[Page]:
    from apps.agreements.views import FORMS

    objects = {"sign": "agreement", "terminate": "active_agreement", "renew": "active_agreement"}
    values = {"sign": {"signed_by_name": "Pat Signer"}, "terminate": {"reason": "Ends."}}
    values["renew"] = {"end_date": _today(900)}
    return [
        Page(
            label=name,
            kwargs=lambda w, n=name: {"pk": w[objects[n]].pk, "name": n},
            forms=lambda w, c=form_class, n=name: [c(prefix=n)],
            data=lambda w, n=name: {f"{n}-{k}": v for k, v in values[n].items()},
            show=("agreements:detail", "portal:agreement_detail"),
        )
        for name, form_class in FORMS.items()
    ]


def _deal_variants() -> list[Page]:
    from apps.deals.forms import TRANSITION_FORMS

    objects = {"reject": "registration"}
    values = {"reject": {"reason": "Not ours."}, "extend": {"days": "30"}}
    values |= {"mark_won": {"actual_value": "1000.00"}, "mark_lost": {"reason": "Lost."}}
    return [
        Page(
            label=name,
            kwargs=lambda w, n=name: {"pk": w[objects.get(n, "approved")].pk, "name": n},
            forms=lambda w, c=form_class: [c()],
            data=lambda w, n=name: values[n],
            show=("deals:detail", "portal:deal_detail"),
        )
        for name, form_class in TRANSITION_FORMS.items()
    ]


PEOPLE = ("partners:detail", "portal:team")


def _contact_data(w):
    return {
        "name": "Nancy Davolio",
        "email": "nancy@acme.example",
        "phone": "+1 206 555 0101",
        "title": "Sales director",
        "roles": ["primary", "sales"],
        "notes": "Met at the summit.",
    }


def _invitation_data(w):
    return {"email": "ivy@acme.example", "partner_role": "member", "contact": ""}


def _first_rejection_reason():
    from apps.program.models import RejectionReason

    return RejectionReason.objects.order_by("order", "id").first()


def _stages_formset(w):
    from apps.program.forms import StageConfigFormSet
    from apps.program.models import StageConfig

    return StageConfigFormSet(queryset=StageConfig.objects.order_by("id"))


def _pages() -> dict[str, list[Page]]:
    from decimal import Decimal

    from apps.accounts.forms import LanguageForm
    from apps.agreements.forms import AgreementForm, AgreementTemplateForm, SignForm
    from apps.deals.forms import ExtensionDecisionForm, ExtensionRequestForm, RegistrationForm
    from apps.exchange.forms import ImportForm, PortalContactsForm
    from apps.partners.forms import PartnerForm, QualificationForm, TransitionForm
    from apps.people.forms import AcceptForm, ContactForm, InvitationForm, PartnerRoleForm
    from apps.program.currency import base_currency_plan
    from apps.program.forms import (
        BaseCurrencyForm,
        PartnerTypeForm,
        PlaybookTaskForm,
        ProgramSettingsForm,
        RejectionReasonForm,
    )
    from apps.program.models import ProgramSettings
    from apps.qbrs.forms import ActionItemForm, CompleteForm, NotesForm, ScheduleForm
    from apps.tiers.forms import ExchangeRateForm, TierForm

    partner = ("partners:list", "partners:detail", "partners:board", "portal:home")
    return {
        "login": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(AuthenticationForm),
                data=lambda w: {"username": "bob", "password": PASSWORD},
            )
        ],
        "logout": [Page(kwargs=lambda w: {})],
        "language": [
            Page(kwargs=lambda w: {}, forms=_forms(LanguageForm), data=lambda w: {"language": "de"})
        ],
        "password_reset": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(PasswordResetForm),
                data=lambda w: {"email": "bob@example.com"},
            )
        ],
        "password_reset_confirm": [
            Page(
                kwargs=lambda w: {"uidb64": w["reset_uid"], "token": "set-password"},
                forms=lambda w: [SetPasswordForm(w["bob"])],
                data=lambda w: {
                    "new_password1": "Zx9-long-enough",
                    "new_password2": "Zx9-long-enough",
                },
                prime=_open_reset_link,
            )
        ],
        "invitation_accept": [
            Page(
                kwargs=lambda w: {"token": w["invitation"].token},
                forms=_forms(AcceptForm),
                data=lambda w: {
                    "username": "ivy",
                    "password1": "Zx9-long-enough",
                    "password2": "Zx9-long-enough",
                },
                show=("portal:team",),
            )
        ],
        "people:contact_new": [
            Page(
                kwargs=lambda w: {"partner_pk": w["partner"].pk},
                forms=_forms(ContactForm),
                data=_contact_data,
                show=PEOPLE,
            )
        ],
        "people:contact_edit": [
            Page(
                kwargs=lambda w: {"pk": w["contact"].pk},
                forms=_forms(ContactForm),
                data=_contact_data,
                show=PEOPLE,
            )
        ],
        "people:contact_remove": [Page(kwargs=lambda w: {"pk": w["contact"].pk})],
        "people:invite": [
            Page(
                kwargs=lambda w: {"partner_pk": w["partner"].pk},
                forms=lambda w: [InvitationForm(partner=w["partner"])],
                data=_invitation_data,
                show=PEOPLE,
            )
        ],
        "people:invitation_resend": [Page(kwargs=lambda w: {"pk": w["invitation"].pk})],
        "people:invitation_revoke": [Page(kwargs=lambda w: {"pk": w["invitation"].pk})],
        "people:user_deactivate": [
            Page(kwargs=lambda w: {"pk": w["colleague"].pk}, data=_revoke_confirmation)
        ],
        "portal:team_invite": [
            Page(
                kwargs=lambda w: {},
                forms=lambda w: [InvitationForm(partner=w["partner"])],
                data=_invitation_data,
                show=PEOPLE,
            )
        ],
        "portal:team_role": [
            Page(
                kwargs=lambda w: {"pk": w["colleague"].pk},
                forms=_forms(PartnerRoleForm),
                data=lambda w: {"partner_role": "finance"},
                show=("portal:team",),
            )
        ],
        "portal:team_deactivate": [
            Page(kwargs=lambda w: {"pk": w["colleague"].pk}, data=_revoke_confirmation)
        ],
        "portal:team_invitation_resend": [Page(kwargs=lambda w: {"pk": w["invitation"].pk})],
        "portal:team_invitation_revoke": [Page(kwargs=lambda w: {"pk": w["invitation"].pk})],
        "portal:team_contact_new": [
            Page(kwargs=lambda w: {}, forms=_forms(ContactForm), data=_contact_data, show=PEOPLE)
        ],
        "portal:team_contact_edit": [
            Page(
                kwargs=lambda w: {"pk": w["contact"].pk},
                forms=_forms(ContactForm),
                data=_contact_data,
                show=PEOPLE,
            )
        ],
        "portal:team_contact_remove": [Page(kwargs=lambda w: {"pk": w["contact"].pk})],
        "notifications:read": [Page(kwargs=lambda w: {"pk": w["notification"].pk})],
        "notifications:read_all": [Page(kwargs=lambda w: {})],
        "partners:create": [
            Page(kwargs=lambda w: {}, forms=_forms(PartnerForm), data=_partner_data, show=partner)
        ],
        "partners:edit": [
            Page(
                kwargs=lambda w: {"pk": w["partner"].pk},
                forms=lambda w: [PartnerForm(instance=w["partner"])],
                data=lambda w: form_data(PartnerForm(instance=w["partner"])),
                show=partner,
            )
        ],
        "partners:transition": [
            Page(
                kwargs=lambda w: {"pk": w["partner"].pk, "name": "start_evaluation"},
                forms=_forms(TransitionForm),
                data=lambda w: {"note": "Quarter review.", "reason": "", "from_stage": "growth"},
                show=("partners:detail",),
            )
        ],
        "partners:qualification": [
            Page(
                kwargs=lambda w: {"pk": w["partner"].pk},
                forms=_forms(QualificationForm, prefix="q"),
                data=lambda w: {f"q-{name}": "4" for name in QUALIFICATION_FIELDS},
                show=("partners:detail",),
            )
        ],
        "partners:task_toggle": [
            Page(kwargs=lambda w: {"pk": w["partner"].pk, "task_pk": w["task"].pk})
        ],
        "agreements:create": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(AgreementForm),
                data=_agreement_data,
                show=("agreements:list", "agreements:detail", "partners:detail"),
            )
        ],
        "agreements:edit": [
            Page(
                kwargs=lambda w: {"pk": w["draft_agreement"].pk},
                forms=lambda w: [AgreementForm(instance=w["draft_agreement"])],
                data=lambda w: form_data(AgreementForm(instance=w["draft_agreement"])),
                show=("agreements:list", "agreements:detail"),
            )
        ],
        "agreements:transition": _agreement_variants(),
        "deals:transition": _deal_variants(),
        "deals:decide_extension": [
            Page(
                kwargs=lambda w: {"pk": w["extended"].pk, "request_pk": w["extension"].pk},
                forms=_forms(ExtensionDecisionForm),
                data=lambda w: {"decision": "grant", "days": "10", "reason": "Budget closes."},
                show=("deals:detail", "portal:deal_detail"),
            )
        ],
        "deals:dispute_decide": [
            Page(
                kwargs=lambda w: {"pk": w["dispute"].pk},
                data=lambda w: {"decision": "keep_holder"},
                show=("deals:disputes",),
            )
        ],
        "qbrs:new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(ScheduleForm),
                data=lambda w: {
                    "partner": str(w["initrode"].pk),
                    "scheduled_for": "2031-03-04T10:00",
                },
                show=("qbrs:list",),
            )
        ],
        "qbrs:notes": [
            Page(
                kwargs=lambda w: {"pk": w["scheduled_qbr"].pk},
                forms=_forms(NotesForm),
                data=lambda w: {"notes": "Shared.", "internal_notes": "Internal."},
                show=("qbrs:detail", "portal:qbr_detail"),
            )
        ],
        "qbrs:transition": [
            Page(
                label="complete",
                kwargs=lambda w: {"pk": w["running_qbr"].pk, "name": "complete"},
                forms=_forms(CompleteForm),
                data=lambda w: {"outcome": "continue", "satisfaction_score": "8", "reason": ""},
                show=("qbrs:detail", "partners:detail"),
            )
        ],
        "qbrs:action_item_add": [
            Page(
                kwargs=lambda w: {"pk": w["scheduled_qbr"].pk},
                forms=_forms(ActionItemForm),
                data=lambda w: {"title": "Send the deck", "owner_side": "partner", "due_date": ""},
                show=("qbrs:detail", "portal:qbrs"),
            )
        ],
        "qbrs:action_item_toggle": [Page(kwargs=lambda w: {"pk": w["action_item"].pk})],
        "tiers:proposal_act": [
            Page(
                kwargs=lambda w: {"pk": w["proposal"].pk, "name": "approve"},
                data=lambda w: {"note": "Well earned."},
                show=("tiers:proposals", "partners:detail"),
            )
        ],
        "exchange:upload": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(ImportForm),
                data=lambda w: {
                    "kind": "partners",
                    "file": _csv("name,partner_type\nNorthwind Traders,reseller\n"),
                },
                show=("exchange:preview",),
            ),
            Page(  # leads (issue 22): the same form, another kind
                kwargs=lambda w: {},
                forms=_forms(ImportForm),
                data=lambda w: {
                    "kind": "leads",
                    "file": _csv(
                        "company,country,contact_email\nInitech,US,bill@initech.example\n"
                    ),
                },
                show=("exchange:preview",),
            ),
        ],
        "exchange:confirm": [Page(kwargs=lambda w: {"pk": w["batch"].pk})],
        "portal:team_contacts_import": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(PortalContactsForm),
                data=lambda w: {"file": _csv("name,email\nNancy Davolio,nancy@acme.example\n")},
                show=("portal:team_contacts_import_preview",),
            )
        ],
        "portal:team_contacts_import_confirm": [
            Page(kwargs=lambda w: {"pk": w["portal_batch"].pk})
        ],
        "program:settings": [
            Page(
                kwargs=lambda w: {},
                forms=lambda w: [ProgramSettingsForm(instance=ProgramSettings.get())],
                data=lambda w: form_data(ProgramSettingsForm(instance=ProgramSettings.get())),
                show=("program:settings",),
            )
        ],
        "program:base_currency": [
            Page(
                kwargs=lambda w: {},
                forms=lambda w: [BaseCurrencyForm(current="USD")],
                data=lambda w: {
                    "to": "CHF",
                    "rate": "0.9",
                    "fingerprint": base_currency_plan("CHF", rate=Decimal("0.9")).fingerprint,
                },
                show=("program:settings", "tiers:settings"),
            )
        ],
        "program:stages": [
            Page(
                kwargs=lambda w: {},
                forms=lambda w: [_stages_formset(w)],
                data=lambda w: form_data(_stages_formset(w)),
                show=("program:stages", "partners:board", "partners:detail"),
            )
        ],
        "program:playbook_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(PlaybookTaskForm),
                data=lambda w: {
                    "stage": "onboarding",
                    "title": "Sign the NDA",
                    "description": "",
                    "owner_side": "partner",
                    "due_offset_days": "7",
                    "required": "on",
                    "order": "1",
                },
                show=("program:playbooks",),
            )
        ],
        "program:playbook_edit": [
            Page(
                kwargs=lambda w: {"pk": w["playbook_task"].pk},
                forms=lambda w: [PlaybookTaskForm(instance=w["playbook_task"])],
                data=lambda w: form_data(PlaybookTaskForm(instance=w["playbook_task"])),
                show=("program:playbooks",),
            )
        ],
        "program:playbook_delete": [Page(kwargs=lambda w: {"pk": w["playbook_task"].pk})],
        "program:partner_type_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(PartnerTypeForm),
                data=lambda w: {
                    "key": "distributor",
                    "name": "Distributor",
                    "onboarding_days": "60",
                },
                show=("program:partner_types", "partners:create"),
            )
        ],
        "program:rejection_reason_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(RejectionReasonForm),
                data=lambda w: {
                    "label": "Customer is a direct account",
                    "active": "on",
                    "order": "5",
                },
                show=("program:rejection_reasons", "deals:detail"),
            )
        ],
        "program:rejection_reason_edit": [
            Page(
                kwargs=lambda w: {"pk": _first_rejection_reason().pk},
                forms=lambda w: [RejectionReasonForm(instance=_first_rejection_reason())],
                data=lambda w: form_data(RejectionReasonForm(instance=_first_rejection_reason())),
                show=("program:rejection_reasons", "deals:detail"),
            )
        ],
        "program:partner_type_edit": [
            Page(
                kwargs=lambda w: {"pk": w["reseller"].pk},
                forms=lambda w: [PartnerTypeForm(instance=w["reseller"])],
                data=lambda w: form_data(PartnerTypeForm(instance=w["reseller"])),
                show=("program:partner_types", "partners:detail"),
            )
        ],
        "tiers:create": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(TierForm),
                data=lambda w: {
                    "name": "Platinum",
                    "rank": "4",
                    "min_won_value": "2000000",
                    "min_won_deals": "20",
                    "protection_days": "200",
                    "discount_percent": "25",
                    "qbr_cadence_months": "1",
                    "description": "",
                },
                show=("tiers:settings", "portal:tier"),
            )
        ],
        "tiers:edit": [
            Page(
                kwargs=lambda w: {"pk": w["gold"].pk},
                forms=lambda w: [TierForm(instance=w["gold"])],
                data=lambda w: form_data(TierForm(instance=w["gold"])),
                show=("tiers:settings", "portal:tier"),
            )
        ],
        "tiers:delete": [Page(kwargs=lambda w: {"pk": w["spare_tier"].pk})],
        "tiers:bulk_approve": [
            Page(
                kwargs=lambda w: {},
                data=lambda w: {
                    "proposal": [str(w["proposal"].pk)],
                    "confirmed": proposals_approve_plan(ids=[w["proposal"].pk]).fingerprint,
                    "note": "Well earned.",
                },
                show=("tiers:proposals", "partners:detail"),
            )
        ],
        "tiers:rates": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(ExchangeRateForm),
                data=lambda w: {
                    "currency": "GBP",
                    "rate_to_base": "1.25",
                    "effective_date": "2024-01-01",
                },
                show=("tiers:rates",),
            )
        ],
        "tiers:rate_edit": [
            Page(
                kwargs=lambda w: {"pk": w["rate"].pk},
                forms=lambda w: [ExchangeRateForm(instance=w["rate"])],
                data=lambda w: form_data(ExchangeRateForm(instance=w["rate"])),
                show=("tiers:rates",),
            )
        ],
        "tiers:rate_delete": [Page(kwargs=lambda w: {"pk": w["rate"].pk})],
        "portal:task_toggle": [Page(kwargs=lambda w: {"pk": w["task"].pk})],
        "agreements:template_edit": [
            Page(
                kwargs=lambda w: {"pk": w["agreement_template"].pk},
                forms=lambda w: [AgreementTemplateForm(instance=w["agreement_template"])],
                data=lambda w: {
                    **form_data(AgreementTemplateForm(instance=w["agreement_template"])),
                    "save": "1",
                },
                show=("agreements:templates", "agreements:template_edit"),
            )
        ],
        "portal:agreement_sign": [
            Page(
                kwargs=lambda w: {"pk": w["agreement"].pk},
                forms=_forms(SignForm),
                data=lambda w: {"signed_by_name": "Charlie Brown"},
                show=("portal:agreement_detail", "agreements:detail"),
            )
        ],
        "portal:deal_new": [
            Page(
                kwargs=lambda w: {},
                forms=lambda w: [RegistrationForm(partner_id=w["user"].partner_id)],
                data=_registration_data,
                show=("portal:deals", "portal:deal_detail", "deals:queue", "deals:detail"),
            )
        ],
        "portal:deal_withdraw": [Page(kwargs=lambda w: {"pk": w["registration"].pk})],
        "portal:deal_extension": [
            Page(
                kwargs=lambda w: {"pk": w["approved"].pk},
                forms=_forms(ExtensionRequestForm),
                data=lambda w: {"days": "30", "reason": "The customer's board meets late."},
                show=("portal:deal_detail", "deals:detail"),
            )
        ],
        "portal:qbr_action_item_done": [Page(kwargs=lambda w: {"pk": w["action_item"].pk})],
        **_application_pages(),
        **_locator_pages(),
        **_conversation_pages(),
        **_library_pages(),
        **_course_pages(),
        **_funds_pages(),
        **_lead_pages(),
        **_earnings_pages(),
    }


# --- a registration's conversation (issue 19) ---------------------------------------

_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DEAL_PAGES = ("deals:detail", "portal:deal_detail")


def _conversation_pages() -> dict[str, list[Page]]:
    from apps.deals.forms import (
        AttachmentForm,
        CommentForm,
        PartnerCommentForm,
        ProvideInfoForm,
        RequestInfoForm,
    )

    def reg(w):
        return {"pk": w["registration"].pk}

    def pdf(w):
        return {"file": SimpleUploadedFile("plan.pdf", _PDF, content_type="application/pdf")}

    return {
        "deals:comment": [
            Page(
                kwargs=reg,
                forms=_forms(CommentForm),
                data=lambda w: {"body": "Seats?"},
                show=DEAL_PAGES,
            )
        ],
        "deals:request_info": [
            Page(
                kwargs=reg,
                forms=_forms(RequestInfoForm),
                data=lambda w: {"question": "Which sites?"},
                show=DEAL_PAGES,
            )
        ],
        "deals:attachment_upload": [
            Page(kwargs=reg, forms=_forms(AttachmentForm), data=pdf, show=DEAL_PAGES)
        ],
        "portal:deal_comment": [
            Page(
                kwargs=reg,
                forms=_forms(PartnerCommentForm),
                data=lambda w: {"body": "40 seats."},
                show=DEAL_PAGES,
            )
        ],
        "portal:deal_provide_info": [
            Page(
                kwargs=lambda w: {"pk": w["asked"].pk},
                forms=_forms(ProvideInfoForm),
                data=lambda w: {"answer": "London."},
                show=("deals:queue", "portal:deals"),
            )
        ],
        "portal:deal_attachment_upload": [
            Page(kwargs=reg, forms=_forms(AttachmentForm), data=pdf, show=DEAL_PAGES)
        ],
    }


# --- end conversation ----------------------------------------------------------------------------


# --- applications (issue 18, the public application) -----------------------------


def _apply_data(w) -> dict:
    q = w["question"]
    return {
        "company": "Initech Partners",
        "website": "initech.example",
        "country": "GB",
        "partner_type": "reseller",
        "contact_name": "Peter Gibbons",
        "contact_email": "peter@initech.example",
        f"q_{q.pk}": str(q.choices.order_by("id").first().pk),
    }


def _question_data(w, question=None) -> dict:
    from apps.applications.forms import ChoiceFormSet, QuestionForm

    data = form_data(QuestionForm(instance=question))
    data.update(form_data(ChoiceFormSet(instance=question, prefix="choices")))
    data.update({"text": "Certified engineers?", "choices-0-text": "Yes", "choices-0-weight": "8"})
    return data


def _application_pages() -> dict[str, list[Page]]:
    from apps.applications.forms import (
        AcceptForm,
        ApplicationForm,
        ChoiceFormSet,
        DeclineForm,
        QuestionForm,
    )
    from apps.applications.selectors import asked_questions

    queue = ("applications:queue", "applications:detail")
    return {
        "apply:form": [
            Page(
                kwargs=lambda w: {},
                forms=lambda w: [ApplicationForm(questions=asked_questions())],
                data=_apply_data,
                show=queue,
            )
        ],
        "applications:decide": [
            Page(
                kwargs=lambda w: {"pk": w["application"].pk, "name": "decline"},
                forms=_forms(DeclineForm, prefix="decline"),
                data=lambda w: {"decline-reason": "We cover the region already."},
                show=("applications:detail",),
                label="decline",
            ),
            Page(
                kwargs=lambda w: {"pk": w["application"].pk, "name": "accept"},
                forms=_forms(AcceptForm, prefix="accept"),
                data=lambda w: {"accept-manager": str(w["bob"].pk)},
                show=("applications:detail", "partners:list"),
                label="accept",
            ),
        ],
        "applications:question_new": [
            Page(
                kwargs=lambda w: {},
                forms=lambda w: [QuestionForm(), ChoiceFormSet(prefix="choices")],
                data=lambda w: _question_data(w),
                show=("applications:questions", "apply:form"),
            )
        ],
        "applications:question_edit": [
            Page(
                kwargs=lambda w: {"pk": w["question"].pk},
                forms=lambda w: [
                    QuestionForm(instance=w["question"]),
                    ChoiceFormSet(instance=w["question"], prefix="choices"),
                ],
                data=lambda w: _question_data(w, w["question"]),
                show=("applications:questions", "apply:form"),
            )
        ],
        "applications:question_delete": [Page(kwargs=lambda w: {"pk": w["question"].pk})],
    }


# --- end applications -----------------------------------------------------------------------------

# --- enablement (issue 20, the resource library) --------------------------------


def _resource_data(w) -> dict:
    return {
        "title": "Pricing sheet",
        "summary": "Prices by tier",
        "kind": "deck",
        "phase": "growth",
        "content": "markdown",
        "body": "Prices *by tier*.",
        "tags": "pricing, tiers",
        "published": "on",
    }


def _library_pages() -> dict[str, list[Page]]:
    from apps.enablement.forms import DocumentForm, ResourceForm, UseTemplateForm
    from apps.partners.selectors import visible_partners

    library = ("enablement:library", "portal:library")
    return {
        "enablement:resource_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(ResourceForm),
                data=_resource_data,
                show=library,
            )
        ],
        "enablement:resource_edit": [
            Page(
                kwargs=lambda w: {"pk": w["resource"].pk},
                forms=lambda w: [ResourceForm(instance=w["resource"])],
                data=lambda w: {
                    **form_data(ResourceForm(instance=w["resource"])),
                    "title": "Renamed guide",
                    "partner_types": w["resource"].partner_types,  # a multiple choice: a list
                    "stages": [],
                },
                show=(*library, "enablement:resource"),
            )
        ],
        "enablement:resource_publish": [
            Page(kwargs=lambda w: {"pk": w["resource"].pk}, data=lambda w: {"published": "1"})
        ],
        "enablement:use_template": [
            Page(
                kwargs=lambda w: {"pk": w["template"].pk},
                forms=lambda w: [UseTemplateForm(partners=visible_partners(w["bob"]))],
                data=lambda w: {"partner": str(w["partner"].pk)},
                show=("partners:detail",),
            )
        ],
        "enablement:document": [
            Page(
                kwargs=lambda w: {"pk": w["document"].pk},
                forms=lambda w: [DocumentForm(instance=w["document"])],
                data=lambda w: {
                    "title": "Joint plan",
                    "body": "The plan.",
                    "shared_with_partner": "on",
                },
                show=("enablement:document", "partners:detail", "portal:library"),
            )
        ],
    }


# courses and certifications


def _answers() -> dict[str, str]:
    """Every answer row filled (a hostile value then replaces one, rather than adding one); the
    first is correct."""
    from apps.enablement.services.courses import MAX_CHOICES

    return {
        **{f"choice_{i}": f"Answer {i + 1}" for i in range(MAX_CHOICES)},
        "correct_0": "on",
    }


def _course_pages() -> dict[str, list[Page]]:
    from apps.enablement.forms import CourseForm, LessonForm, QuestionForm

    editor = ("enablement:courses", "enablement:course", "portal:courses", "portal:course")
    course = lambda w: {"pk": w["course"].pk}  # noqa: E731 - the world's course, every page
    return {
        "enablement:course_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(CourseForm),
                data=lambda w: {
                    "title": "Selling 101",
                    "summary": "The pitch and the price list",
                    "phase": "onboarding",
                    "validity_months": "12",
                    "pass_mark": "80",
                    "attempts_allowed": "3",
                },
                show=("enablement:courses",),
            )
        ],
        "enablement:course": [
            Page(
                kwargs=course,
                forms=lambda w: [CourseForm(instance=w["course"])],
                data=lambda w: {
                    **form_data(CourseForm(instance=w["course"])),
                    "title": "Selling 102",
                    "partner_types": w["course"].partner_types,  # a multiple choice: a list
                    "stages": [],
                },
                show=editor,
            )
        ],
        "enablement:lesson_add": [
            Page(
                kwargs=course,
                forms=lambda w: [LessonForm(course=w["course"])],
                data=lambda w: {"resource": str(w["template"].pk)},
                show=editor,
            )
        ],
        "enablement:lesson_remove": [
            Page(kwargs=lambda w: {"pk": w["course"].pk, "lesson_pk": w["course_lesson"].pk})
        ],
        "enablement:lesson_up": [
            Page(kwargs=lambda w: {"pk": w["course"].pk, "lesson_pk": w["course_lesson"].pk})
        ],
        "enablement:question_add": [
            Page(
                kwargs=course,
                forms=_forms(QuestionForm),
                data=lambda w: {"text": "Which tiers do we have?", **_answers()},
                show=editor,
            )
        ],
        "enablement:question": [
            Page(
                kwargs=lambda w: {"pk": w["course"].pk, "question_pk": w["course_question"].pk},
                forms=lambda w: [QuestionForm(question=w["course_question"])],
                data=lambda w: {"text": "Is it sold through partners?", **_answers()},
                show=("enablement:course",),
            )
        ],
        "enablement:question_delete": [
            Page(kwargs=lambda w: {"pk": w["course"].pk, "question_pk": w["course_question"].pk})
        ],
        "portal:quiz_start": [Page(kwargs=course)],
        "portal:quiz": [
            Page(
                kwargs=lambda w: {"pk": w["course"].pk, "attempt_pk": w["course_attempt"].pk},
                data=lambda w: {
                    f"q{w['course_question'].pk}": str(
                        w["course_question"].choices.get(correct=True).pk
                    )
                },
                show=("portal:certifications", "enablement:certifications"),
            )
        ],
    }


# --- end enablement -------------------------------------------------------------------------------


# --- locator (issue 22, the public partner locator) -------------------------------


def _locator_contact(w) -> dict:
    return {
        "contact_name": "Michael Bolton",
        "company": "Initech LLC",
        "contact_email": "michael@initech.example",
        "country": "US",
        "need": "Fleet analytics for 12 depots.",
    }


def _locator_pages() -> dict[str, list[Page]]:
    from apps.locator.forms import ContactForm, ListingForm

    return {
        "find:contact": [
            Page(
                kwargs=lambda w: {"pk": w["listing"].pk},
                forms=_forms(ContactForm),
                data=_locator_contact,
            )
        ],
        "find:find": [Page(kwargs=lambda w: {}, forms=_forms(ContactForm), data=_locator_contact)],
        "portal:listing": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(ListingForm),
                data=lambda w: {"listed": "on", "public_name": "Acme", "description": "Retail."},
                show=("portal:listing", "partners:detail", "find:directory"),
            )
        ],
    }


# --- end locator ----------------------------------------------------------------------------------


# --- funds (issue 21) ---------------------------------------------------------------

FUND_SHOWN = ("funds:request", "portal:fund_request")


def _fund_request_data(w) -> dict:
    return {
        "activity_type": "webinar",
        "title": "Initech webinar",
        "starts_on": _today(30),
        "ends_on": _today(31),
        "requested_amount": "500.00",
        "expected_leads": "20",
        "expected_pipeline": "10000.00",
        "description": "Two sessions.",
    }


def _funds_pages() -> dict[str, list[Page]]:
    from apps.funds.forms import (
        TRANSITION_FORMS,
        AllocationForm,
        ClaimForm,
        FileForm,
        PeriodForm,
        RequestForm,
    )

    source = {"approve": "fund_submitted", "reject": "fund_submitted", "return": "fund_claimed"}
    source |= {"approve_claim": "fund_claimed", "reject_claim": "fund_claimed"}
    source |= {"pay": "fund_claim_approved"}
    values = {
        "approve": {"amount": "50.00"},
        "reject": {"reason": "Not this quarter."},
        "return": {"note": "Add the invoice's date."},
        "approve_claim": {"amount": "50.00"},
        "reject_claim": {"reason": "Wrong invoice."},
        "pay": {"reference": "PAY-77", "paid_on": _today()},
    }
    return {
        "funds:period_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(PeriodForm),
                data=lambda w: {
                    "name": "2031-H1",
                    "starts_on": _today(),
                    "ends_on": _today(180),
                    "budget": "50000.00",
                },  # fmt: skip
                show=("funds:overview",),
            )
        ],
        "funds:allocate": [
            Page(
                kwargs=lambda w: {"pk": w["fund_period"].pk},
                forms=_forms(AllocationForm, prefix="hand"),
                data=lambda w: {
                    "by": "hand",
                    "hand-partner": str(w["initrode"].pk),
                    "hand-amount": "1000.00",
                    "hand-currency": "EUR",
                    "hand-claim_deadline": _today(120),
                },  # fmt: skip
                show=("funds:overview",),
            )
        ],
        "funds:transition": [
            Page(
                label=name,
                kwargs=lambda w, n=name: {"pk": w[source[n]].pk, "name": n},
                forms=lambda w, c=form_class, n=name: [c(prefix=n)],
                data=lambda w, n=name: {f"{n}-{k}": v for k, v in values[n].items()},
                show=FUND_SHOWN,
            )
            for name, (form_class, _renames) in TRANSITION_FORMS.items()
        ],
        "portal:fund_request_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(RequestForm),
                data=lambda w: {**_fund_request_data(w), "save": "draft"},
                show=("portal:funds",),
            )
        ],
        "portal:fund_claim": [
            Page(
                kwargs=lambda w: {"pk": w["fund_request"].pk},
                forms=_forms(ClaimForm),
                data=lambda w: {"actual_cost": "90.00", "leads_created": "12"},
                show=FUND_SHOWN,
            )
        ],
        "portal:fund_file_upload": [
            Page(
                kwargs=lambda w: {"pk": w["fund_request"].pk},
                forms=_forms(FileForm),
                data=lambda w: {
                    "kind": "proof",
                    "file": SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
                },
                show=FUND_SHOWN,
            )
        ],
        "portal:fund_request_act": [
            Page(kwargs=lambda w: {"pk": w["fund_request"].pk, "name": "cancel"})
        ],
        # A returned request changed and saved (kept editable: not submitted)
        "portal:fund_request_edit": [
            Page(
                kwargs=lambda w: {"pk": w["fund_returned"].pk},
                forms=_forms(RequestForm),
                data=lambda w: {**_fund_request_data(w), "save": "draft"},
                show=FUND_SHOWN,
            )
        ],
    }


# --- end funds ------------------------------------------------------------------------------------


# --- earnings (issue 21) -----------------------------------------------------------

PAYOUT_SHOWN = ("funds:payout",)


def _earnings_pages() -> dict[str, list[Page]]:
    from apps.funds.forms import PayForm
    from apps.funds.views_earnings import BatchPeriodForm

    return {
        "funds:payout_new": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(BatchPeriodForm),
                data=lambda w: {"period": "2026-09", "by": "preview", "expected": ""},
            )
        ],
        "funds:payout_transition": [
            Page(
                label="pay",
                kwargs=lambda w: {"pk": w["payout_batch"].pk, "name": "pay"},
                forms=_forms(PayForm, prefix="pay"),
                data=lambda w: {"pay-reference": "REB-77", "pay-paid_on": _today()},
                show=PAYOUT_SHOWN,
            ),
            Page(
                label="approve",
                kwargs=lambda w: {"pk": w["payout_draft"].pk, "name": "approve"},
                show=PAYOUT_SHOWN,
            ),
        ],
    }


# --- end earnings ---------------------------------------------------------------------------------


# --- leads (issue 22) ----------------------------------------------------------------


def _propose_reach(client, w) -> None:
    from apps.partners.models import Partner

    Partner.objects.filter(pk=w["partner"].pk).update(
        proposed_countries=["DE"], proposed_specializations=[], reach_proposed_at=timezone.now()
    )


def _first_reject_reason():
    from apps.leads.models import RejectReason

    return RejectReason.objects.get_or_create(label="Outside our region")[0]


def _lead_pages() -> dict[str, list[Page]]:
    from apps.leads.forms import (
        AssignForm,
        CloseForm,
        ConvertForm,
        LeadForm,
        LeadSettingsForm,
        RejectForm,
        RejectReasonForm,
        RuleForm,
    )
    from apps.partners.forms import ReachProposalForm

    lead_data = {
        "company": "Initech AG", "domain": "initech.example", "country": "DE",
        "contact_name": "Peter Gibbons", "contact_email": "peter@initech.example",
        "product": "Analytics", "estimated_value": "1000", "currency": "EUR",
        "description": "Needs a partner.", "route": "on",
    }  # fmt: skip
    rule_data = {"name": "DACH", "priority": "3", "countries": "DE, AT", "specializations": "x"}
    return {
        "leads:create": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(LeadForm),
                data=lambda w: lead_data,
                show=("leads:board",),
            )
        ],  # fmt: skip
        "leads:action": [
            Page(
                kwargs=lambda w: {"pk": w["lead_new"].pk, "name": "assign"},
                forms=_forms(AssignForm),
                data=lambda w: {"partner": str(w["initrode"].pk)},
                label="assign",
            ),
            Page(
                kwargs=lambda w: {"pk": w["lead_new"].pk, "name": "close"},
                forms=_forms(CloseForm),
                data=lambda w: {"reason": "Bought elsewhere."},
                label="close",
            ),
        ],
        "leads:rule_create": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(RuleForm),
                data=lambda w: rule_data,
                show=("leads:rules",),
            )
        ],  # fmt: skip
        "leads:rule_edit": [
            Page(
                kwargs=lambda w: {"pk": w["lead_rule"].pk},
                forms=_forms(RuleForm),
                data=lambda w: rule_data,
                show=("leads:rules",),
            )
        ],
        "leads:settings": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(LeadSettingsForm),
                data=lambda w: {
                    "acceptance_hours": "24",
                    "open_leads_cap": "10",
                    "reroute_on_lapse": "on",
                },
                show=("leads:settings", "leads:rules"),
            )
        ],  # fmt: skip
        "leads:reject_reason_create": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(RejectReasonForm),
                data=lambda w: {"label": "No capacity this quarter", "active": "on", "order": "3"},
                show=("leads:settings",),
            )
        ],
        "leads:reject_reason_edit": [
            Page(
                kwargs=lambda w: {"pk": _first_reject_reason().pk},
                forms=lambda w: [RejectReasonForm(instance=_first_reject_reason())],
                data=lambda w: form_data(RejectReasonForm(instance=_first_reject_reason())),
                show=("leads:settings",),
            )
        ],
        "partners:reach_decide": [
            Page(
                kwargs=lambda w: {"pk": w["partner"].pk},
                data=lambda w: {"apply": "0"},
                prime=_propose_reach,
            )
        ],
        "portal:company": [
            Page(
                kwargs=lambda w: {},
                forms=_forms(ReachProposalForm),
                data=lambda w: {"countries": "DE", "specializations": "Security"},
                show=("portal:company",),
            )
        ],
        "portal:lead_accept": [Page(kwargs=lambda w: {"pk": w["lead"].pk})],
        "portal:lead_reject": [
            Page(
                kwargs=lambda w: {"pk": w["lead"].pk},
                forms=_forms(RejectForm),
                data=lambda w: {"note": "Too far away."},
            )
        ],
        "portal:lead_convert": [
            Page(
                kwargs=lambda w: {"pk": w["lead_accepted"].pk},
                forms=lambda w: [ConvertForm(partner_id=w["lead_accepted"].partner_id)],
                data=lambda w: {
                    "expected_close_date": _today(30),
                    "product": "Analytics",
                    "estimated_value": "1000",
                    "currency": "EUR",
                    "description": "x",
                },  # fmt: skip
            )
        ],
    }


# --- end leads -------------------------------------------------------------------------------------


PAGES: dict[str, list[Page]] = {}


def pages() -> dict[str, list[Page]]:
    if not PAGES:
        PAGES.update(_pages())
    return PAGES


def page_user(name: str, world: dict):
    """Who posts to the page: the role the page is for (MATRIX), acting on acme's objects."""
    area = MATRIX[name][0]
    return {
        "public": None,
        "login": world["charlie"],
        "staff": world["bob"],
        "admin": world["alice"],
        "portal": world["charlie"],
    }[area]


# Where a stored value shows: URL name → the world's object for its pk (None: no pk; "new:<key>":
# the newest row of the model world[key] belongs to).
SHOW_OBJECTS = {
    "partners:detail": "partner",
    "agreements:detail": "agreement",
    "agreements:template_edit": "agreement_template",
    "portal:agreement_detail": "agreement",
    "deals:detail": "registration",
    "portal:deal_detail": "registration",
    "qbrs:detail": "scheduled_qbr",
    "portal:qbr_detail": "scheduled_qbr",
    "exchange:preview": "new:batch",
    "portal:team_contacts_import_preview": "new:portal_batch",
    # applications
    "applications:detail": "application",
    "enablement:resource": "resource",
    "enablement:document": "document",
    "enablement:course": "course",
    "portal:course": "course",
    # funds
    "funds:request": "fund_request",
    "portal:fund_request": "fund_request",
    "funds:payout": "payout_batch",
}


def show_urls(names, world) -> list[str]:
    urls = []
    for name in names:
        key = SHOW_OBJECTS.get(name)
        if key is None:
            urls.append(reverse(name))
            continue
        if key.startswith("new:"):
            model = type(world[key[4:]])
            # The row the action just made: the newest by time where ids are random (UUIDs).
            newest = "created_at" if hasattr(model, "created_at") else "pk"
            urls.append(reverse(name, kwargs={"pk": model.objects.latest(newest).pk}))
            continue
        urls.append(reverse(name, kwargs={"pk": world[key].pk}))
    return urls


# --- the API --------------------------------------------------------------------------------------


# The pages showing a lead or a routing rule.
LEAD_PAGES: tuple[str, ...] = ("leads:board",)
RULE_PAGES: tuple[str, ...] = ("leads:rules",)


@dataclass
class Api:
    """One API write: who calls it, the object in its path, a valid body."""

    who: tuple[str, ...]
    body: Callable[[dict], dict] = lambda w: {}
    obj: str | None = None
    show: tuple[str, ...] = ()


def _api_partner(w):
    return {
        "name": "Initech Partners",
        "website": "https://initech.example",
        "partner_type": "reseller",
        "tier": None,
        "manager": w["bob"].pk,
    }


def _api_agreement(w):
    return {
        "partner": w["partner"].pk,
        "kind": "reseller",
        "title": "Initech reseller agreement",
        "start_date": _today(),
        "end_date": _today(365),
        "notice_period_days": 30,
    }


def _api_registration(w):
    return {**_registration_data(w), "partner": w["partner"].pk}


def _api_tier(w):
    return {
        "name": "Platinum",
        "rank": 4,
        "min_won_value": "2000000.00",
        "min_won_deals": 20,
        "protection_days": 200,
        "discount_percent": "25.00",
        "qbr_cadence_months": 1,
    }


PARTNER_PAGES = ("partners:list", "partners:detail", "partners:board")
API: dict[tuple[str, str], Api] = {
    ("POST", "/api/v1/auth/token/"): Api(
        ("anonymous",), lambda w: {"username": "bob", "password": PASSWORD}
    ),
    ("POST", "/api/v1/users/"): Api(
        ("admin",),
        lambda w: {
            "username": "erin",
            "email": "erin@example.com",
            "password": "Zx9-long-enough",
            "role": "partner",
            "partner": w["partner"].pk,
        },
    ),
    ("PATCH", "/api/v1/users/{id}/"): Api(
        ("partner", "admin"), lambda w: {"partner_role": "finance"}, obj="colleague"
    ),
    ("POST", "/api/v1/partners/{partner_pk}/contacts/"): Api(
        ("partner", "manager"),
        lambda w: {"name": "Nancy Davolio", "email": "nancy@acme.example", "roles": ["sales"]},
        show=PEOPLE,
    ),
    ("PATCH", "/api/v1/contacts/{id}/"): Api(
        ("partner", "manager"), lambda w: {"title": "Sales director"}, obj="contact", show=PEOPLE
    ),
    ("POST", "/api/v1/invitations/"): Api(
        ("partner", "manager"),
        lambda w: {
            "email": "ivy@acme.example",
            "partner": w["partner"].pk,
            "partner_role": "member",
        },
        show=PEOPLE,
    ),
    ("POST", "/api/v1/invitations/accept/"): Api(
        ("anonymous",),
        lambda w: {
            "token": w["invitation"].token,
            "username": "ivy",
            "password": "Zx9-long-enough",
        },
    ),
    ("POST", "/api/v1/users/me/password/"): Api(
        ("partner",), lambda w: {"old_password": PASSWORD, "new_password": "Zx9-another-one"}
    ),
    ("POST", "/api/v1/partners/"): Api(("manager",), _api_partner, show=PARTNER_PAGES),
    ("PUT", "/api/v1/partners/{id}/"): Api(
        ("manager",), _api_partner, obj="partner", show=PARTNER_PAGES
    ),
    ("PATCH", "/api/v1/partners/{id}/"): Api(
        ("manager",), lambda w: {"name": "Acme Resellers Intl"}, obj="partner", show=PARTNER_PAGES
    ),
    ("PATCH", "/api/v1/tasks/{id}/"): Api(("partner",), lambda w: {"done": True}, obj="task"),
    ("POST", "/api/v1/agreements/"): Api(
        ("manager",), _api_agreement, show=("agreements:list", "partners:detail")
    ),
    ("PUT", "/api/v1/agreements/{id}/"): Api(
        ("manager",),
        _api_agreement,
        obj="draft_agreement",
        show=("agreements:list", "partners:detail"),
    ),
    ("PATCH", "/api/v1/agreements/{id}/"): Api(
        ("manager",),
        lambda w: {"title": "Renamed draft"},
        obj="draft_agreement",
        show=("agreements:list", "partners:detail"),
    ),
    ("POST", "/api/v1/deal-registrations/"): Api(
        ("partner", "manager"), _api_registration, show=("deals:queue", "portal:deals")
    ),
    ("POST", "/api/v1/leads/"): Api(
        ("manager",),
        lambda w: {
            "company": "Initech AG",
            "domain": "initech.example",
            "country": "DE",
            "contact_name": "Peter Gibbons",
            "contact_email": "peter@initech.example",
            "product": "Analytics",
            "description": "Needs a partner.",
            "currency": "EUR",
        },
        show=LEAD_PAGES,
    ),
    ("POST", "/api/v1/lead-routing-rules/"): Api(
        ("admin",),
        lambda w: {"name": "DACH", "priority": 3, "countries": ["DE"], "specializations": ["x"]},
        show=RULE_PAGES,
    ),
    ("PUT", "/api/v1/lead-routing-rules/{id}/"): Api(
        ("admin",),
        lambda w: {"name": "DACH", "priority": 3, "countries": ["DE"]},
        obj="lead_rule",
        show=RULE_PAGES,
    ),
    ("PATCH", "/api/v1/lead-routing-rules/{id}/"): Api(
        ("admin",), lambda w: {"name": "Renamed"}, obj="lead_rule", show=RULE_PAGES
    ),
    ("POST", "/api/v1/deal-registrations/{id}/comments/"): Api(
        ("partner", "manager"),
        lambda w: {"body": "Seats?"},
        obj="registration",
        show=("deals:detail", "portal:deal_detail"),
    ),
    ("PATCH", "/api/v1/program/"): Api(
        ("admin",), lambda w: {"review_sla_hours": 24}, show=("program:settings",)
    ),
    ("POST", "/api/v1/qbrs/"): Api(
        ("manager",),
        lambda w: {"partner": w["initrode"].pk, "scheduled_for": "2031-03-04T10:00:00Z"},
        show=("qbrs:list",),
    ),
    ("PATCH", "/api/v1/qbrs/{id}/"): Api(
        ("manager",),
        lambda w: {"notes": "Shared."},
        obj="scheduled_qbr",
        show=("qbrs:detail", "portal:qbr_detail"),
    ),
    ("POST", "/api/v1/qbrs/{id}/action-items/"): Api(
        ("manager",),
        lambda w: {"title": "Send the deck", "owner_side": "partner"},
        obj="scheduled_qbr",
        show=("qbrs:detail", "portal:qbrs"),
    ),
    ("PATCH", "/api/v1/action-items/{id}/"): Api(
        ("manager",),
        lambda w: {"title": "Send the deck"},
        obj="action_item",
        show=("portal:qbrs", "portal:qbr_detail"),
    ),
    ("POST", "/api/v1/tiers/"): Api(("admin",), _api_tier, show=("tiers:settings", "portal:tier")),
    ("PUT", "/api/v1/tiers/{id}/"): Api(
        ("admin",), _api_tier, obj="spare_tier", show=("tiers:settings", "portal:tier")
    ),
    ("PATCH", "/api/v1/tiers/{id}/"): Api(
        ("admin",), lambda w: {"description": "More."}, obj="gold", show=("tiers:settings",)
    ),
    ("POST", "/api/v1/exchange-rates/"): Api(
        ("admin",),
        lambda w: {"currency": "GBP", "rate_to_base": "1.25", "effective_date": "2024-01-01"},
        show=("tiers:rates",),
    ),
    ("PUT", "/api/v1/exchange-rates/{id}/"): Api(
        ("admin",),
        lambda w: {"currency": "EUR", "rate_to_base": "1.20", "effective_date": "2020-01-01"},
        obj="rate",
        show=("tiers:rates",),
    ),
    ("PATCH", "/api/v1/exchange-rates/{id}/"): Api(
        ("admin",), lambda w: {"rate_to_base": "1.20"}, obj="rate", show=("tiers:rates",)
    ),
    ("PUT", "/api/v1/agreement-templates/{id}/"): Api(
        ("admin",),
        lambda w: {
            "title": "NDA",
            "body": "Between {{ partner_name }} and us.",
            "countersign": True,
        },
        obj="agreement_template",
        show=("agreements:templates", "agreements:template_edit"),
    ),
    ("PATCH", "/api/v1/agreement-templates/{id}/"): Api(
        ("admin",),
        lambda w: {"body": "Between {{ partner_name }} and us."},
        obj="agreement_template",
        show=("agreements:templates", "agreements:template_edit"),
    ),
    # --- applications ---
    ("POST", "/api/v1/applications/"): Api(
        ("anonymous",),
        lambda w: {
            **{k: v for k, v in _apply_data(w).items() if not k.startswith("q_")},
            "answers": {str(w["question"].pk): w["question"].choices.order_by("id").first().pk},
        },
        show=("applications:queue",),
    ),
    # --- end applications ---
    # --- locator ---
    ("POST", "/api/v1/locator/contact/"): Api(("anonymous",), _locator_contact),
    # --- end locator ---
    # --- enablement ---
    ("POST", "/api/v1/resources/"): Api(
        ("manager",),
        lambda w: {
            "title": "Pricing sheet",
            "kind": "deck",
            "phase": "growth",
            "body": "Prices by tier.",
            "tags": ["pricing"],
            "published": True,
        },
        show=("enablement:library", "portal:library"),
    ),
    ("PUT", "/api/v1/resources/{id}/"): Api(
        ("manager",),
        lambda w: {"title": "Reseller guide", "kind": "training", "phase": "growth"},
        obj="resource",
        show=("enablement:library", "portal:library"),
    ),
    ("PATCH", "/api/v1/resources/{id}/"): Api(
        ("manager",),
        lambda w: {"summary": "For resellers"},
        obj="resource",
        show=("enablement:library", "portal:library"),
    ),
    ("POST", "/api/v1/courses/{id}/attempts/"): Api(
        ("partner",),
        lambda w: {
            "answers": {
                str(w["course_question"].pk): [w["course_question"].choices.get(correct=True).pk]
            }
        },
        obj="course",
        show=("portal:certifications", "enablement:certifications"),
    ),
    # --- end enablement ---
    # --- funds ---
    ("POST", "/api/v1/fund-periods/"): Api(
        ("admin",),
        lambda w: {
            "name": "2031-H2",
            "starts_on": _today(),
            "ends_on": _today(180),
            "budget": "50000.00",
        },  # fmt: skip
        show=("funds:overview",),
    ),
    ("POST", "/api/v1/fund-allocations/"): Api(
        ("admin",),
        lambda w: {
            "period": w["fund_period"].pk,
            "partner": w["initrode"].pk,
            "amount": "1000.00",
            "currency": "EUR",
            "claim_deadline": _today(120),
        },  # fmt: skip
        show=("funds:overview",),
    ),
    ("POST", "/api/v1/fund-requests/"): Api(
        ("partner",),
        lambda w: {
            **_fund_request_data(w),
            "allocation": w["fund_allocation"].pk,
            "expected_leads": 20,
        },  # fmt: skip
        show=("portal:funds",),
    ),
    # The partner changes a returned request (kept editable: not submitted)
    ("PATCH", "/api/v1/fund-requests/{id}/"): Api(
        ("partner",),
        lambda w: {**_fund_request_data(w), "expected_leads": 20},
        obj="fund_returned",
        show=("portal:funds",),
    ),
    # --- end funds ---
    # --- earnings: the world's loose accrual won in 2026-09 ---
    ("POST", "/api/v1/payout-batches/"): Api(
        ("manager",), lambda w: {"period": "2026-09"}, show=("funds:payouts",)
    ),
    ("POST", "/api/v1/payout-batches/preview/"): Api(("manager",), lambda w: {"period": "2026-09"}),
    # --- end earnings ---
}

# A transition input per (route, input serializer): the transitions sharing one serializer
# validate alike, so one of them stands for the others.
TRANSITIONS: dict[tuple[str, str], tuple[str, str, Callable[[dict], dict], str]] = {
    # (basename, input class): (transition, world object, valid body, who)
    ("partner", "TransitionInput"): ("start_evaluation", "partner", lambda w: {}, "manager"),
    ("partner", "ExitInput"): ("exit", "partner", lambda w: {"reason": "Gone."}, "manager"),
    ("agreement", "SignInput"): (
        "sign",
        "agreement",
        lambda w: {"signed_by_name": "Pat Signer"},
        "partner",
    ),
    ("agreement", "TerminateInput"): (
        "terminate",
        "active_agreement",
        lambda w: {"reason": "Ends."},
        "manager",
    ),
    ("agreement", "RenewInput"): (
        "renew",
        "active_agreement",
        lambda w: {"end_date": _today(900)},
        "manager",
    ),
    ("lead", "LeadAssignInput"): (
        "assign",
        "lead_new",
        lambda w: {"partner": w["initrode"].pk},
        "manager",
    ),  # fmt: skip
    ("lead", "LeadRejectInput"): ("reject", "lead", lambda w: {"reason": "Too far."}, "partner"),
    ("lead", "LeadConvertInput"): (
        "convert",
        "lead_accepted",
        lambda w: {
            "expected_close_date": _today(30),
            "estimated_value": "1000.00",
            "currency": "EUR",
        },
        "partner",
    ),  # fmt: skip
    ("lead", "LeadCloseInput"): ("close", "lead_new", lambda w: {"reason": "Bought."}, "manager"),
    ("deal-registration", "RejectInput"): (
        "reject",
        "registration",
        lambda w: {"reason": "Not ours."},
        "manager",
    ),
    ("deal-registration", "ExtendInput"): ("extend", "approved", lambda w: {"days": 30}, "manager"),
    ("deal-registration", "WonInput"): (
        "mark_won",
        "approved",
        lambda w: {"actual_value": "1000.00"},
        "manager",
    ),
    ("deal-registration", "LostInput"): (
        "mark_lost",
        "approved",
        lambda w: {"reason": "Lost."},
        "manager",
    ),
    ("deal-registration", "RequestInfoInput"): (
        "request_info",
        "registration",
        lambda w: {"question": "Which sites?"},
        "manager",
    ),
    ("deal-registration", "ProvideInfoInput"): (
        "provide_info",
        "asked",
        lambda w: {"answer": "London."},
        "partner",
    ),
    ("qbr", "CompleteInput"): (
        "complete",
        "running_qbr",
        lambda w: {"outcome": "continue", "satisfaction_score": 8},
        "manager",
    ),
    ("tier-proposal", "DecisionInput"): (
        "approve",
        "proposal",
        lambda w: {"note": "Well earned."},
        "manager",
    ),
    # --- applications ---
    ("application", "AcceptInput"): ("accept", "application", lambda w: {}, "manager"),
    ("application", "DeclineInput"): (
        "decline",
        "application",
        lambda w: {"reason": "Not now."},
        "manager",
    ),
    # --- end applications ---
    # --- funds ---
    ("fund-request", "ApproveInput"): (
        "approve",
        "fund_submitted",
        lambda w: {"approved_amount": "50.00"},
        "manager",
    ),  # fmt: skip
    ("fund-request", "ReasonInput"): (
        "reject",
        "fund_submitted",
        lambda w: {"reason": "Not now."},
        "manager",
    ),  # fmt: skip
    ("fund-request", "NoteInput"): (
        "return",
        "fund_claimed",
        lambda w: {"note": "Add the date."},
        "manager",
    ),  # fmt: skip
    ("fund-request", "ClaimInput"): (
        "claim",
        "fund_request",
        lambda w: {"actual_cost": "90.00"},
        "partner",
    ),  # fmt: skip
    ("fund-request", "AmountInput"): (
        "approve_claim",
        "fund_claimed",
        lambda w: {"amount": "50.00"},
        "manager",
    ),  # fmt: skip
    ("fund-request", "PayInput"): (
        "pay",
        "fund_claim_approved",
        lambda w: {"reference": "P-1", "paid_on": _today()},
        "manager",
    ),  # fmt: skip
    # --- end funds ---
    ("payout-batch", "PayInput"): (
        "pay",
        "payout_batch",
        lambda w: {"reference": "REB-1", "paid_on": _today()},
        "manager",
    ),  # fmt: skip
}

TRANSITION_SHOW = {
    "partner": ("partners:detail",),
    "agreement": ("agreements:detail", "portal:agreement_detail"),
    "deal-registration": ("deals:detail", "portal:deal_detail"),
    "qbr": ("qbrs:list", "partners:detail"),
    "tier-proposal": ("tiers:proposals",),
    "application": ("applications:detail",),
    "fund-request": FUND_SHOWN,
    "payout-batch": PAYOUT_SHOWN,
}


def transition_inputs() -> dict[tuple[str, str], type]:
    """(basename, input serializer name) → serializer, for every view set of the API router."""
    from partneros.urls import router

    found = {}
    for _prefix, viewset, basename in router.registry:
        for serializer in getattr(viewset, "transition_inputs", {}).values():
            found[(basename, serializer.__name__)] = serializer
    return found


def write_operations(schema: dict) -> dict[tuple[str, str], dict]:
    """(method, path) → the JSON request body's schema, for every API operation that takes one."""
    found = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                found[(method.upper(), path)] = resolve(schema, body["schema"])
    return found


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def body_fields(schema: dict, body: dict) -> dict[str, dict]:
    """Field → its (resolved) schema, the read-only ones aside."""
    fields = {}
    for name, node in body.get("properties", {}).items():
        node = resolve(schema, node)
        if not node.get("readOnly"):
            fields[name] = node
    return fields


def field_kind(node: dict) -> str:
    """number | date | text, from a field's schema or its form field."""
    if isinstance(node, forms.Field):
        numbers = forms.IntegerField | forms.DecimalField | forms.FloatField | IntegerListField
        if isinstance(node, numbers):
            return "number"
        if isinstance(node, forms.DateField | forms.DateTimeField):
            return "date"
        return "text"
    kinds = {node.get("type"), node.get("format")}
    for option in node.get("oneOf", []) + node.get("anyOf", []) + node.get("allOf", []):
        kinds |= {option.get("type"), option.get("format")}
    if kinds & {"integer", "number", "decimal"}:
        return "number"
    if kinds & {"date", "date-time"}:
        return "date"
    return "text"
