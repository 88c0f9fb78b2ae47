"""Every URL of the product, classified: who may open it, which object it addresses.

A URL name missing here fails test_every_url_is_in_the_matrix: a new page or endpoint is added
to the matrix, and with it to the isolation and role checks.

Entry: name → (area, object, method, extra URL kwargs)
  area    public | login (any signed-in user) | staff | admin | portal | api
  object  the world's object whose pk goes into the URL (acme's: see conftest), "missing" for a
          pk that does not exist, or None
"""

from __future__ import annotations

import uuid

from django.urls import URLPattern, URLResolver, get_resolver, reverse

MISSING = 999_999
SOME_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")

MATRIX: dict[str, tuple[str, str | None, str, dict]] = {
    # public and account pages
    "healthz": ("public", None, "get", {}),
    "login": ("public", None, "get", {}),
    "logout": ("public", None, "post", {}),
    "language": ("login", None, "get", {}),  # the own language, any signed-in user
    "password_reset": ("public", None, "get", {}),
    "password_reset_done": ("public", None, "get", {}),
    "password_reset_confirm": ("public", None, "get", {"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": ("public", None, "get", {}),
    "api-token": ("public", None, "post", {}),
    "schema": ("public", None, "get", {}),  # the OpenAPI document and its docs page
    "api-docs": ("public", None, "get", {}),
    "api-not-found": ("public", None, "get", {"rest": "no-such-endpoint/"}),
    "invitation_accept": ("public", None, "get", {"token": "no-such-token"}),
    "invitation-accept": ("public", None, "post", {}),  # the invitee's, anonymous
    "api-root-no-slash": ("public", None, "get", {}),  # a JSON 404, like api-not-found
    # any signed-in user, their own only
    "notifications:list": ("login", None, "get", {}),
    "notifications:bell": ("login", None, "get", {}),
    "notifications:read": ("login", "notification", "post", {}),
    "notifications:read_all": ("login", None, "post", {}),
    # the main app (admins and managers)
    "home": ("staff", None, "get", {}),
    "dashboard-fresh": ("staff", None, "get", {}),
    "partners:list": ("staff", None, "get", {}),
    "partners:board": ("staff", None, "get", {}),
    "partners:create": ("staff", None, "get", {}),
    "partners:detail": ("staff", "partner", "get", {}),
    "partners:edit": ("staff", "partner", "get", {}),
    "partners:transition": ("staff", "partner", "post", {"name": "start_evaluation"}),
    "partners:qualification": ("staff", "partner", "post", {}),
    "partners:task_toggle": ("staff", "partner", "post", {"task_pk": "task"}),
    "agreements:list": ("staff", None, "get", {}),
    "agreements:create": ("staff", None, "get", {}),
    "agreements:detail": ("staff", "agreement", "get", {}),
    "agreements:edit": ("staff", "agreement", "get", {}),
    "agreements:transition": ("staff", "agreement", "post", {"name": "send"}),
    "agreements:document": ("login", "agreement", "get", {}),  # both doors: own company only
    "agreements:templates": ("admin", None, "get", {}),
    "agreements:template_edit": ("admin", "missing", "get", {}),
    "deals:queue": ("staff", None, "get", {}),
    "deals:detail": ("staff", "registration", "get", {}),
    "deals:transition": ("staff", "registration", "post", {"name": "approve"}),
    "deals:decide_extension": ("staff", "registration", "post", {"request_pk": MISSING}),
    "deals:reject_preview": ("staff", "registration", "get", {}),
    "deals:disputes": ("admin", None, "get", {}),
    "deals:dispute_decide": ("admin", "missing", "post", {}),
    "deals:comment": ("staff", "registration", "post", {}),
    "deals:request_info": ("staff", "registration", "post", {}),
    "deals:attachment_upload": ("staff", "registration", "post", {}),
    "deals:attachment": ("staff", "registration", "get", {"attachment_pk": "attachment"}),
    "qbrs:list": ("staff", None, "get", {}),
    "qbrs:new": ("staff", None, "get", {}),
    "qbrs:detail": ("staff", "qbr", "get", {}),
    "qbrs:notes": ("staff", "qbr", "post", {}),
    "qbrs:transition": ("staff", "qbr", "post", {"name": "start"}),
    "qbrs:action_item_add": ("staff", "qbr", "post", {}),
    "qbrs:action_item_toggle": ("staff", "action_item", "post", {}),
    "tiers:proposals": ("staff", None, "get", {}),
    "tiers:proposal_act": ("staff", "missing", "post", {"name": "approve"}),
    "tiers:bulk_approve": ("staff", None, "post", {}),
    "onboarding:overview": ("staff", None, "get", {}),
    "exchange:index": ("staff", None, "get", {}),
    "exchange:partners_csv": ("staff", None, "get", {}),
    "exchange:registrations_csv": ("staff", None, "get", {}),
    "exchange:qbrs_csv": ("staff", None, "get", {}),
    "exchange:template": ("staff", None, "get", {"kind": "partners"}),
    "exchange:upload": ("staff", None, "post", {}),
    "exchange:preview": ("staff", "uuid", "get", {}),
    "exchange:confirm": ("staff", "uuid", "post", {}),
    "exchange:contacts_csv": ("staff", None, "get", {}),
    "people:contact_new": ("staff", None, "get", {"partner_pk": "partner"}),
    "people:invite": ("staff", None, "get", {"partner_pk": "partner"}),
    "people:contact_edit": ("staff", "contact", "get", {}),
    "people:contact_remove": ("staff", "contact", "post", {}),
    "people:invitation_resend": ("staff", "invitation", "post", {}),
    "people:invitation_revoke": ("staff", "invitation", "post", {}),
    "people:user_deactivate": ("staff", "user", "post", {}),
    # program configuration (admins)
    "program:settings": ("admin", None, "get", {}),
    "program:base_currency": ("admin", None, "get", {}),
    "program:stages": ("admin", None, "get", {}),
    "program:playbooks": ("admin", None, "get", {}),
    "program:playbook_new": ("admin", None, "get", {}),
    "program:playbook_edit": ("admin", "missing", "get", {}),
    "program:playbook_delete": ("admin", "missing", "post", {}),
    "program:partner_types": ("admin", None, "get", {}),
    "program:partner_type_new": ("admin", None, "get", {}),
    "program:partner_type_edit": ("admin", "missing", "get", {}),
    "program:rejection_reasons": ("admin", None, "get", {}),
    "program:rejection_reason_new": ("admin", None, "get", {}),
    "program:rejection_reason_edit": ("admin", "missing", "get", {}),
    "tiers:settings": ("admin", None, "get", {}),
    "tiers:create": ("admin", None, "get", {}),
    "tiers:edit": ("admin", "missing", "get", {}),
    "tiers:delete": ("admin", "missing", "post", {}),
    "tiers:rates": ("admin", None, "get", {}),
    "tiers:rate_edit": ("admin", "missing", "get", {}),
    "tiers:rate_delete": ("admin", "missing", "post", {}),
    # the portal (partner users, their own company's data)
    "portal:home": ("portal", None, "get", {}),
    "portal:tasks": ("portal", None, "get", {}),
    "portal:task_toggle": ("portal", "task", "post", {}),
    "portal:agreements": ("portal", None, "get", {}),
    "portal:agreement_detail": ("portal", "agreement", "get", {}),
    "portal:agreement_sign": ("portal", "agreement", "post", {}),
    "portal:deals": ("portal", None, "get", {}),
    "portal:deal_new": ("portal", None, "get", {}),
    "portal:deal_hint": ("portal", None, "get", {}),
    "portal:deal_detail": ("portal", "registration", "get", {}),
    "portal:deal_withdraw": ("portal", "registration", "post", {}),
    "portal:deal_extension": ("portal", "registration", "post", {}),
    "portal:deal_comment": ("portal", "registration", "post", {}),
    "portal:deal_provide_info": ("portal", "registration", "post", {}),
    "portal:deal_attachment_upload": ("portal", "registration", "post", {}),
    "portal:deal_attachment": ("portal", "registration", "get", {"attachment_pk": "attachment"}),
    "portal:qbrs": ("portal", None, "get", {}),
    "portal:qbr_detail": ("portal", "qbr", "get", {}),
    "portal:qbr_action_item_done": ("portal", "action_item", "post", {}),
    "portal:tier": ("portal", None, "get", {}),
    "portal:registrations_csv": ("portal", None, "get", {}),
    "portal:team": ("portal", None, "get", {}),
    "portal:team_invite": ("portal", None, "get", {}),
    "portal:team_role": ("portal", "user", "post", {}),
    "portal:team_deactivate": ("portal", "user", "post", {}),
    "portal:team_invitation_resend": ("portal", "invitation", "post", {}),
    "portal:team_invitation_revoke": ("portal", "invitation", "post", {}),
    "portal:team_contact_new": ("portal", None, "get", {}),
    "portal:team_contact_edit": ("portal", "contact", "get", {}),
    "portal:team_contact_remove": ("portal", "contact", "post", {}),
    "portal:team_contacts_csv": ("portal", None, "get", {}),
    "portal:team_contacts_import": ("portal", None, "get", {}),
    "portal:team_contacts_import_template": ("portal", None, "get", {}),
    "portal:team_contacts_import_preview": ("portal", "import_batch", "get", {}),
    "portal:team_contacts_import_confirm": ("portal", "import_batch", "post", {}),
    # the API
    "user-list": ("api", None, "post", {}),
    "user-me": ("api", None, "get", {}),
    "user-tokens": ("api", None, "get", {}),  # the caller's own tokens
    "user-token-revoke": ("api", None, "delete", {"id": "0123456789abcde"}),
    "user-password": ("api", None, "post", {}),
    "user-detail": ("api", "user", "get", {}),
    "partner-contact-list": ("api", None, "get", {"partner_pk": "partner"}),
    "contact-detail": ("api", "contact", "get", {}),
    "invitation-list": ("api", None, "get", {}),
    "invitation-detail": ("api", "invitation", "get", {}),
    "invitation-resend": ("api", "invitation", "post", {}),
    "invitation-revoke": ("api", "invitation", "post", {}),
    "notification-list": ("api", None, "get", {}),
    "notification-detail": ("api", "notification", "get", {}),
    "notification-read": ("api", "notification", "post", {}),
    "partner-list": ("api", None, "get", {}),
    "partner-detail": ("api", "partner", "get", {}),
    "partner-history": ("api", "partner", "get", {}),
    "partner-run-transition": ("api", "partner", "post", {"name": "start_evaluation"}),
    "partner-tasks": ("api", "partner", "get", {}),
    "partner-transitions": ("api", "partner", "get", {}),
    "task-detail": ("api", "task", "get", {}),
    "program-list": ("api", None, "get", {}),
    "agreement-list": ("api", None, "get", {}),
    "agreement-detail": ("api", "agreement", "get", {}),
    "agreement-run-transition": ("api", "agreement", "post", {"name": "sign"}),
    "agreement-transitions": ("api", "agreement", "get", {}),
    "agreement-document": ("api", "agreement", "get", {}),
    "agreement-template-list": ("api", None, "get", {}),
    "agreement-template-detail": ("api", "missing", "get", {}),
    "deal-registration-list": ("api", None, "get", {}),
    "deal-registration-detail": ("api", "registration", "get", {}),
    "deal-registration-run-transition": ("api", "registration", "post", {"name": "withdraw"}),
    "deal-registration-transitions": ("api", "registration", "get", {}),
    "deal-registration-comments": ("api", "registration", "get", {}),
    "deal-registration-attachments": ("api", "registration", "get", {}),
    "deal-registration-attachment": (
        "api",
        "registration",
        "get",
        {"attachment_id": "attachment"},
    ),
    "qbr-list": ("api", None, "get", {}),
    "qbr-detail": ("api", "qbr", "get", {}),
    "qbr-action-items": ("api", "qbr", "get", {}),
    "qbr-run-transition": ("api", "qbr", "post", {"name": "cancel"}),
    "qbr-transitions": ("api", "qbr", "get", {}),
    "action-item-detail": ("api", "action_item", "get", {}),
    "tier-list": ("api", None, "get", {}),
    "tier-detail": ("api", "missing", "get", {}),
    "tier-proposal-list": ("api", None, "get", {}),
    "tier-proposal-detail": ("api", "missing", "get", {}),
    "tier-proposal-run-transition": ("api", "missing", "post", {"name": "approve"}),
    "tier-proposal-transitions": ("api", "missing", "get", {}),
    "exchange-rate-list": ("api", None, "get", {}),
    "exchange-rate-detail": ("api", "missing", "get", {}),
    # --- applications (issue 18, the public application) ---
    "apply:form": ("public", None, "get", {}),
    "apply:received": ("public", None, "get", {}),
    "applications:queue": ("staff", None, "get", {}),
    "applications:detail": ("staff", "missing", "get", {}),
    "applications:decide": ("staff", "missing", "post", {"name": "accept"}),
    "applications:questions": ("admin", None, "get", {}),
    "applications:question_new": ("admin", None, "get", {}),
    "applications:question_edit": ("admin", "missing", "get", {}),
    "applications:question_delete": ("admin", "missing", "post", {}),
    "application-list": ("api", None, "get", {}),
    "application-detail": ("api", "missing", "get", {}),
    "application-run-transition": ("api", "missing", "post", {"name": "accept"}),
    "application-transitions": ("api", "missing", "get", {}),
    # --- end applications ---
    # --- leads (issue 22) ---
    "partners:reach_decide": ("staff", "partner", "post", {}),
    "portal:company": ("portal", None, "get", {}),
    "leads:board": ("staff", None, "get", {}),
    "leads:create": ("staff", None, "get", {}),
    "leads:export": ("staff", None, "get", {}),
    "leads:rules": ("staff", None, "get", {}),
    "leads:rule_create": ("admin", None, "get", {}),
    "leads:rule_edit": ("admin", "missing", "get", {}),
    "leads:detail": ("staff", "lead", "get", {}),
    "leads:action": ("staff", "lead", "post", {"name": "route"}),
    "leads:settings": ("admin", None, "get", {}),
    "leads:reject_reason_create": ("admin", None, "get", {}),
    "leads:reject_reason_edit": ("admin", "missing", "get", {}),
    "portal:leads": ("portal", None, "get", {}),
    "portal:lead_detail": ("portal", "lead", "get", {}),
    "portal:lead_accept": ("portal", "lead", "post", {}),
    "portal:lead_reject": ("portal", "lead", "post", {}),
    "portal:lead_convert": ("portal", "lead", "post", {}),
    "lead-list": ("api", None, "get", {}),
    "lead-detail": ("api", "lead", "get", {}),
    "lead-run-transition": ("api", "lead", "post", {"name": "accept"}),
    "lead-transitions": ("api", "lead", "get", {}),
    "lead-routing-rule-list": ("api", None, "get", {}),
    "lead-routing-rule-detail": ("api", "missing", "get", {}),
    # --- end leads ---
    # --- locator (issue 22, the public partner locator) ---
    "find:directory": ("public", None, "get", {}),
    "find:find": ("public", None, "get", {}),
    "find:thanks": ("public", None, "get", {}),
    "find:contact": ("public", "missing", "get", {}),  # a listed partner's: public by design
    "find:logo": ("public", "missing", "get", {}),
    "locator-partner-list": ("public", None, "get", {}),  # anonymous, public fields only
    "locator-contact-list": ("public", None, "post", {}),  # anonymous → 202
    "portal:listing": ("portal", None, "get", {}),
    "locator:listing_logo": ("login", "listing", "get", {}),  # staff, and the own admin
    # --- end locator ---
    # --- enablement (issue 20, the resource library) ---
    "enablement:library": ("staff", None, "get", {}),
    "enablement:resource_new": ("staff", None, "get", {}),
    "enablement:resource": ("staff", "resource", "get", {}),
    "enablement:resource_edit": ("staff", "resource", "get", {}),
    "enablement:resource_publish": ("staff", "resource", "post", {}),
    "enablement:resource_file": ("staff", "resource", "get", {}),
    "enablement:version_file": ("staff", "missing", "get", {"version_pk": MISSING}),
    "enablement:use_template": ("staff", "resource", "post", {}),
    "enablement:document": ("staff", "document", "get", {}),
    "enablement:document_pdf": ("staff", "document", "get", {}),
    "exchange:adoption_csv": ("staff", None, "get", {}),
    "portal:library": ("portal", None, "get", {}),
    "portal:library_resource": ("portal", "resource", "get", {}),
    "portal:library_file": ("portal", "resource", "get", {}),
    "portal:document_pdf": ("portal", "document", "get", {}),
    "resource-list": ("api", None, "get", {}),
    "resource-detail": ("api", "resource", "get", {}),
    "resource-open": ("api", "resource", "post", {}),
    "resource-adoption": ("api", "resource", "get", {}),
    # courses and certifications (issue 20)
    "enablement:courses": ("staff", None, "get", {}),
    "enablement:course_new": ("staff", None, "get", {}),
    "enablement:course": ("staff", "course", "get", {}),
    "enablement:lesson_add": ("staff", "course", "post", {}),
    "enablement:lesson_remove": ("staff", "course", "post", {"lesson_pk": "course_lesson"}),
    "enablement:lesson_up": ("staff", "course", "post", {"lesson_pk": "course_lesson"}),
    "enablement:question_add": ("staff", "course", "post", {}),
    "enablement:question": ("staff", "course", "get", {"question_pk": "course_question"}),
    "enablement:question_delete": ("staff", "course", "post", {"question_pk": "course_question"}),
    "enablement:certifications": ("staff", None, "get", {}),
    "portal:courses": ("portal", None, "get", {}),
    "portal:course": ("portal", "course", "get", {}),
    "portal:lesson": ("portal", "course", "get", {"lesson_pk": "course_lesson"}),
    "portal:lesson_file": ("portal", "course", "get", {"lesson_pk": "course_lesson"}),
    "portal:quiz_start": ("portal", "course", "post", {}),
    "portal:quiz": ("portal", "course", "get", {"attempt_pk": "course_attempt"}),
    "portal:quiz_result": ("portal", "course", "get", {"attempt_pk": "finished_attempt"}),
    "portal:certifications": ("portal", None, "get", {}),
    "course-list": ("api", None, "get", {}),
    "course-detail": ("api", "course", "get", {}),
    "course-attempts": ("api", "course", "post", {}),
    "certification-list": ("api", None, "get", {}),
    "certification-detail": ("api", "certification", "get", {}),
    # --- end enablement ---
    # --- funds (issue 21) ---
    "funds:overview": ("staff", None, "get", {}),
    "funds:period_new": ("admin", None, "get", {}),
    "funds:allocate": ("admin", "missing", "get", {}),
    "funds:queue": ("staff", None, "get", {}),
    "funds:export": ("staff", None, "get", {}),
    "funds:request": ("staff", "fund_request", "get", {}),
    "funds:transition": ("staff", "fund_request", "post", {"name": "approve"}),
    "funds:file": ("staff", "fund_request", "get", {"file_pk": "fund_file"}),
    "portal:funds": ("portal", None, "get", {}),
    "portal:fund_request_new": ("portal", None, "get", {}),
    "portal:fund_request": ("portal", "fund_request", "get", {}),
    "portal:fund_claim": ("portal", "fund_request", "post", {}),
    "portal:fund_file_upload": ("portal", "fund_request", "post", {}),
    "portal:fund_file": ("portal", "fund_request", "get", {"file_pk": "fund_file"}),
    "portal:fund_request_act": ("portal", "fund_request", "post", {"name": "cancel"}),
    "portal:fund_request_edit": ("portal", "fund_returned", "get", {}),
    "fund-period-list": ("api", None, "get", {}),
    "fund-period-detail": ("api", "missing", "get", {}),
    "fund-allocation-list": ("api", None, "get", {}),
    "fund-allocation-detail": ("api", "fund_allocation", "get", {}),
    "fund-request-list": ("api", None, "get", {}),
    "fund-request-detail": ("api", "fund_request", "get", {}),
    "fund-request-files": ("api", "fund_request", "get", {}),
    "fund-request-run-transition": ("api", "fund_request", "post", {"name": "cancel"}),
    "fund-request-transitions": ("api", "fund_request", "get", {}),
    "fund-request-file": ("api", "fund_request", "get", {"file_id": "fund_file"}),  # fundroi
    # --- end funds ---
    # --- earnings (issue 21) ---
    "funds:earnings": ("staff", None, "get", {}),
    "funds:payouts": ("staff", None, "get", {}),
    "funds:payout_new": ("staff", None, "get", {}),
    "funds:payout": ("staff", "payout_batch", "get", {}),
    "funds:payout_transition": ("staff", "payout_batch", "post", {"name": "approve"}),
    "exchange:payout_batch_csv": ("staff", "payout_batch", "get", {}),
    "portal:earnings": ("portal", None, "get", {}),
    "earning-list": ("api", None, "get", {}),
    "earning-detail": ("api", "earning", "get", {}),
    "payout-batch-list": ("api", None, "get", {}),
    # Payout batches are the vendor's (every partner's accruals): partner users get 403 before
    # any lookup, as for fund periods; staff reach the world's batch through the pages.
    "payout-batch-detail": ("api", "missing", "get", {}),
    "payout-batch-preview": ("api", None, "post", {}),
    "payout-batch-transitions": ("api", "missing", "get", {}),
    "payout-batch-run-transition": ("api", "missing", "post", {"name": "approve"}),
    # --- end earnings ---
}


def url_names() -> set[str]:
    """Every named URL of the product (the Django admin aside), from the URL configuration —
    the API router's routes included."""
    names: set[str] = set()

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if str(entry.pattern).startswith("admin/"):
                    continue
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, ns)
            elif isinstance(entry, URLPattern):
                names.add(
                    f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>"
                )

    walk(get_resolver())
    return names


def url_for(name: str, world: dict, *, real: bool = True) -> str:
    """The URL of the entry, addressing acme's object (real) or one that does not exist."""
    area, obj, method, extra = MATRIX[name]
    kwargs = {}
    for key, value in extra.items():
        if isinstance(value, str) and value in world:
            value = world[value].pk if real else MISSING
        kwargs[key] = value
    if obj == "uuid":
        kwargs["pk"] = SOME_UUID
    elif obj == "missing":
        kwargs["pk"] = MISSING
    elif obj is not None:
        pk = world[obj].pk
        kwargs["pk"] = pk if real else (SOME_UUID if isinstance(pk, uuid.UUID) else MISSING)
    return reverse(name, kwargs=kwargs or None)
