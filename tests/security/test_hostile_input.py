"""A hostile input corpus against every input of the product (tests/security/inputs.py): each
page that takes a POST, each API write and each transition input, as the role allowed to use it.

Each field of each input gets each hostile value on top of an otherwise valid request, and:
- never a 5xx; a 4xx names the field or the reason;
- nothing stored half-way: a refused request leaves every table's row count as it was, an
  accepted one writes nothing or exactly what the valid request writes;
- nothing rendered unescaped: neither the answer nor the pages that show the stored value carry
  raw markup.
Every value is tried in a savepoint rolled back afterwards, so each starts from the same world.
Then malformed JSON, oversized bodies, too many fields, and hostile uploads (the agreement PDF,
the CSV imports)."""

from __future__ import annotations

import csv
import io
import json
import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import ERROR
from django.core.exceptions import FieldDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.forms import BaseForm, BaseFormSet, FileField
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
)
from django.test import Client
from django.test.utils import ContextList
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from apps.agreements.models import AgreementTemplate
from apps.core import numbers
from apps.partners.models import Stage

from . import inputs
from .matrix import MATRIX
from .probing import rolled_back, send_or_error

pytestmark = pytest.mark.django_db

# The number corpus: no column of the product holds these...
NOT_NUMBERS = [
    "\u00b2",  # "²": str.isdigit() says yes, int() says no
    "1e309",  # a float past the largest; no whole number
    "1e-400",
    "9" * 5000,  # past Python's limit for turning digits into an int
    "9223372036854775808",  # a bigint + 1
    "-9223372036854775809",
    "18446744073709551616",  # 2**64
    "12\x00",
    "\x00",
    "0x10",
    "Infinity",
    "-inf",
    "sNaN",
]
# ... and these spell small numbers oddly (each door may take or refuse them).
ODD_NUMBERS = ["-0", " 12 ", "\t12\n", "+12", "012", "\u0661\u0662", "12.0", "1_000", ""]
NESTED = "[" * 100_000
# Longer than any field of the product takes (20,000 characters at most); a body over the upload
# limit is tried separately.
LONG = "x" * 30_000
MARKUP = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")
# Every field gets these.
CORE = [
    LONG,
    "nul\x00 bell\x07 esc\x1b[31m del\x7f",
    MARKUP,
    # SQL-looking text, and unicode confusables: Cyrillic а, right-to-left override, zero
    # width space, fullwidth letters, an emoji.
    "'; DROP TABLE partners_partner; -- OR 1=1 \u0430cme \u202eexe.pdf\u200b \uff21\uff23 \U0001f600",
    "9" * 400,
    NESTED,  # nested JSON as a value: text to every field, never decoded
]
# And, by what the field holds, these (a form posts text only; the same key twice, too). A
# number field gets the whole number corpus: what no number column takes (refused, with the
# field named) and odd spellings of small numbers (accepted or refused, never a 500).
EXTRA = {
    "number": ["NaN", "-1e309", "-1", *NOT_NUMBERS, *ODD_NUMBERS],
    "date": ["2024-02-30", "99999-12-31"],
    "text": [],
}
TWICE = ["a", MARKUP]
# In JSON a value may also be of the wrong type, or a number too large for any column.
JSON_CORE = [*CORE, None, ["a", "b"], {"a": 1}, 10**400]
JSON_EXTRA = {
    "number": ["NaN", -1, "1e400", *NOT_NUMBERS, *ODD_NUMBERS, 2**63, -(2**63) - 1, 2**64],
    "date": ["2024-02-30", 20240101],
    "text": [],
}
MUST_REFUSE = {repr(v) for v in [*NOT_NUMBERS, 2**63, -(2**63) - 1, 2**64]}
MALFORMED_JSON = [
    b"{",
    b'{"name": ',
    b"\xff\xfe{\x00}\x00",
    b"[]",
    b"null",
    b'"string"',
    b"{" * 5000,
    b'{"a": NaN}',
    b'{"a": 1' + b"0" * 5000 + b"}",  # more digits than Python turns into an int
    NESTED.encode(),  # Python's json recurses per level: a RecursionError, unbounded
    b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}",  # valid, but deeper than any input nests
    b'{"a": ' + b'{"b": ' * 60 + b"1" + b"}" * 61,
]
MANAGEMENT_FORM = (TOTAL_FORM_COUNT, INITIAL_FORM_COUNT, MIN_NUM_FORM_COUNT, MAX_NUM_FORM_COUNT)
# Tables a refused request may write to by design: a failed login is counted (django-axes).
COUNTED_REFUSALS = {
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    # Kept by PostgreSQL triggers from the rows a write changed (apps/core/freshness.py,
    # apps/dashboard/stores.py): they follow the real writes this suite compares, and a value
    # that changes a watched column (a hostile partner name, say) moves them where an unchanged
    # valid post does not.
    "core_figurechange",
    "dashboard_healthmark",
    "dashboard_moneymark",
}


# --- the world ------------------------------------------------------------------------------------


def _dispute(acme, globex):
    """Two approved claims on one customer, the later set aside (what migration 0008 leaves)."""
    from apps.deals.models import ProtectionDispute
    from tests.deals.factories import RegistrationFactory

    holder = RegistrationFactory(
        partner=acme,
        approved=True,
        customer_name="Disputed Inc",
        customer_domain="disputed.example",
    )
    challenger = RegistrationFactory(
        partner=globex,
        approved=True,
        customer_name="Disputed Shop",
        customer_domain="disputed.example",
        duplicate_of=holder,
    )
    return ProtectionDispute.objects.create(
        holder=holder, challenger=challenger, customer_domain="disputed.example"
    )


@pytest.fixture
def hostile_world(world, globex, alice, bob, charlie, dave, monkeypatch, settings, tmp_path):
    """The security suite's world, plus an object in each state an input needs."""
    from apps.deals.services import extension_request_create
    from apps.enablement.services import resource_create
    from apps.exchange.models import ImportBatch
    from apps.program.models import PartnerType, PlaybookTaskTemplate
    from tests.deals.factories import RegistrationFactory
    from tests.factories import (
        AgreementFactory,
        PartnerFactory,
        PartnerUserFactory,
        TierFactory,
        sample_pdf,
    )
    from tests.qbrs.factories import QBRFactory
    from tests.tiers.factories import ExchangeRateFactory, TierProposalFactory, make_tiers

    # Throttling is proven elsewhere; here every request must reach its view.
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.allow_request", lambda *a, **k: True
    )
    settings.MEDIA_ROOT = tmp_path
    acme, now = world["partner"], timezone.now()
    # The world's sent agreement was stored before MEDIA_ROOT moved: its document, again here.
    world["agreement"].document.save("agreement.pdf", ContentFile(sample_pdf()), save=True)
    tiers = make_tiers()
    extended = RegistrationFactory(
        partner=acme, approved=True, customer_name="Extendo Inc", customer_domain="extendo.example"
    )
    playbook_task = PlaybookTaskTemplate.objects.order_by("id").first()
    if playbook_task is None:
        playbook_task = PlaybookTaskTemplate.objects.create(
            stage=Stage.ONBOARDING, title="Kick-off call", owner_side="partner"
        )
    return {
        **world,
        "alice": alice,
        "bob": bob,
        "charlie": charlie,
        "dave": dave,
        "reseller": PartnerType.objects.get(key="reseller"),
        "gold": tiers["Gold"],
        "spare_tier": TierFactory(
            name="Spare", rank=50, min_won_value=Decimal("9000000"), min_won_deals=90
        ),
        "draft_agreement": AgreementFactory(partner=acme, title="Draft terms", status="draft"),
        "agreement_template": AgreementTemplate.objects.get(kind="nda"),
        "active_agreement": AgreementFactory(partner=acme, title="Active terms", status="active"),
        "approved": RegistrationFactory(
            partner=acme,
            approved=True,
            customer_name="Approvedco Inc",
            customer_domain="approvedco.example",
        ),
        "extended": extended,
        "dispute": _dispute(acme, globex),
        "extension": extension_request_create(registration=extended, requested_by=charlie, days=10),
        "scheduled_qbr": QBRFactory(partner=acme),
        "running_qbr": QBRFactory(
            partner=globex,
            status="in_progress",
            scheduled_for=now - timedelta(hours=1),
            started_at=now - timedelta(hours=1),
        ),
        "initrode": PartnerFactory(name="Initrode", stage=Stage.GROWTH, manager=bob),
        "proposal": TierProposalFactory(
            partner=acme, current_tier=None, proposed_tier=tiers["Silver"]
        ),
        "rate": ExchangeRateFactory(currency="EUR", effective_date=date(2020, 1, 1)),
        "playbook_task": playbook_task,
        "colleague": PartnerUserFactory(username="frank", partner=acme, partner_role="member"),
        "batch": ImportBatch.objects.create(kind="partners", created_by=bob, rows=[]),
        "portal_batch": ImportBatch.objects.create(kind="contacts", created_by=charlie, rows=[]),
        "reset_uid": urlsafe_base64_encode(force_bytes(bob.pk)),
        "reset_token": default_token_generator.make_token(bob),
        **_application_world(),
        **_leads_world(),
        "asked": RegistrationFactory(  # waiting on the partner's answer
            partner=acme,
            status="info_requested",
            info_requested_at=now,
            customer_name="Askedco Inc",
            customer_domain="askedco.example",
        ),
        "template": resource_create(  # A Markdown template to use for acme
            actor=bob,
            title="Joint plan template",
            kind="template",
            phase="growth",
            body="# Plan for {{ partner_name }}",
            is_template=True,
            published=True,
        ),
        **_funds_world(world, bob),
        **_earnings_world(world, bob),
    }


def _leads_world() -> dict:
    from apps.partners.models import Partner
    from tests.leads.factories import LeadFactory, RuleFactory

    acme = Partner.objects.get(name="Acme Resellers")
    later = timezone.now() + timedelta(hours=24)
    return {
        "lead_rule": RuleFactory(name="Zqxmarker rule"),
        "lead_new": LeadFactory(company="Newlead Co"),
        "lead_accepted": LeadFactory(
            company="Acceptedlead Co",
            status="accepted",
            partner=acme,
            accept_by=later,
            estimated_value="1000",
            currency="EUR",
        ),  # fmt: skip
    }


def _funds_world(world: dict, bob) -> dict:
    """Fund requests in the states the funds' inputs need; the world's approved one gets its
    proof of performance too, so that it can be claimed."""
    from apps.funds.services import fund_file_add
    from tests.funds.factories import pdf, request_in

    allocation, charlie = world["fund_allocation"], world["user"]
    fund_file_add(
        fund_request=world["fund_request"], kind="proof", upload=pdf("proof.pdf"), actor=charlie
    )
    made = {
        f"fund_{state}": request_in(state, allocation, amount="100.00", by=charlie, manager=bob)
        for state in ("submitted", "claimed", "claim_approved")
    }
    return {**made, "fund_period": allocation.period}


def _earnings_world(world: dict, bob) -> dict:
    """Beside the world's approved payout batch: a draft batch (to approve) and an accrual won in
    2026-09 in no batch (what a new batch takes)."""
    from apps.funds.models import EarningAccrual
    from apps.funds.services import payout_batch_create
    from tests.deals.factories import RegistrationFactory

    def accrual(registration, won_on: date) -> EarningAccrual:
        return EarningAccrual.objects.create(
            registration=registration,
            partner=registration.partner,
            tier_name="Gold",
            percent=Decimal("5"),
            won_value=Decimal("100.00"),
            currency="EUR",
            amount=Decimal("5.00"),
            base_currency="USD",
            won_on=won_on,
        )

    acme = world["partner"]
    accrual(RegistrationFactory(partner=acme, approved=True), date(2026, 10, 5))
    accrual(RegistrationFactory(partner=acme, approved=True), date(2026, 9, 5))
    return {"payout_draft": payout_batch_create(period="2026-10", actor=bob)}


# --- applications (issue 18, the public application) -----------------------------


def _application_world() -> dict:
    from apps.applications.models import ProfileChoice, ProfileQuestion
    from apps.applications.services import application_submit
    from apps.program.models import PartnerType

    question = ProfileQuestion.objects.create(text="How many sellers?", order=1)
    ProfileChoice.objects.create(question=question, text="1–5", weight=2, order=1)
    best = ProfileChoice.objects.create(question=question, text="50+", weight=10, order=2)
    application = application_submit(
        fields={
            "company": "Hooli Partners",
            "website": "hooli.example",
            "country": "US",
            "contact_name": "Gavin Belson",
            "contact_email": "gavin@hooli.example",
        },
        partner_type=PartnerType.objects.get(key="reseller"),
        answers={str(question.pk): best.pk},
    )
    return {"question": question, "application": application}


# --- end applications -----------------------------------------------------------------------------


# --- probing one request --------------------------------------------------------------------------

_COUNT_SQL: list[str] = []


def _row_counts() -> dict[str, int]:
    """Every table's row count, in one query. The audit trail's refusals (a 403 or 404 is
    recorded by design) are left out; its records of changes count."""
    if not _COUNT_SQL:
        qn = connection.ops.quote_name
        tables = sorted(
            {
                m._meta.db_table
                for m in apps.get_models(include_auto_created=True)
                if m._meta.managed and not m._meta.proxy
            }
        )
        parts = []
        for table in tables:
            where = " WHERE outcome <> 'refused'" if table == "audit_auditevent" else ""
            parts.append(f"SELECT '{table}', COUNT(*) FROM {qn(table)}{where}")
        _COUNT_SQL.append(" UNION ALL ".join(parts))
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL[0])
        return dict(cursor.fetchall())


def _delta(before: dict, after: dict, ignore=frozenset()) -> dict[str, int]:
    return {t: after[t] - before[t] for t in after if after[t] != before[t] and t not in ignore}


def _accepted_unheld(where: str, field: str, value, refused: bool) -> list[str]:
    """A number no column holds must be refused (a formset's counts aside: not stored)."""
    if refused or repr(value) not in MUST_REFUSE or field.endswith(MANAGEMENT_FORM):
        return []
    return [f"{where}: accepted, though no column holds it"]


def _short(value) -> str:
    return repr(value)[:40]


def _raw_markup(response) -> list[str]:
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return []
    body = response.content.decode(errors="replace")
    return [m for m in RAW_MARKUP if m in body]


def _page_refusals(response) -> list[str]:
    """Why a page refused the post, as it tells the user: form errors, an error message."""
    reasons = []
    contexts = response.context
    if contexts is not None and not isinstance(contexts, ContextList):
        contexts = [contexts]  # one template rendered
    for context in contexts or []:
        for value in context.flatten().values():
            if isinstance(value, BaseFormSet):
                if value.total_error_count():
                    reasons.append(str(value.errors or value.non_form_errors()))
            elif isinstance(value, BaseForm) and value.is_bound and value.errors:
                reasons.append(str(dict(value.errors)))
        for key in ("error", "flash_error", "problem", "transition_errors", "uses"):
            if key in context and context[key]:
                reasons.append(str(context[key]))
    storage = getattr(response.wsgi_request, "_messages", None)
    for message in getattr(storage, "_queued_messages", []):
        if message.level >= ERROR:
            reasons.append(str(message))
    return reasons


def _show_clients(world) -> tuple[Client, Client]:
    staff, portal = Client(), Client()
    staff.force_login(world["alice"])
    portal.force_login(world["charlie"])
    return staff, portal


def _shown_raw(names, world) -> list[str]:
    """Pages showing the stored value that carry it unescaped."""
    staff, portal = _show_clients(world)
    found = []
    for name, url in zip(names, inputs.show_urls(names, world), strict=True):
        client = portal if name.startswith("portal:") else staff
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        if _raw_markup(response):
            found.append(name)
    return found


# --- the pages ------------------------------------------------------------------------------------

PAGE_CASES = [
    pytest.param(name, i, id=f"{name}{'[' + case.label + ']' if case.label else ''}")
    for name, cases in sorted(inputs.pages().items())
    for i, case in enumerate(cases)
]


def test_every_page_input_is_covered():
    views = inputs.page_views()
    posting = {name for name, view in views.items() if inputs.takes_a_post(view)}
    missing = sorted(posting - set(inputs.pages()))
    assert not missing, f"add these pages to tests/security/inputs.py: {missing}"
    stale = sorted(set(inputs.pages()) - posting)
    assert not stale, f"these inputs name no page that takes a POST: {stale}"


def test_every_form_a_page_binds_is_posted(hostile_world):
    """A form a view binds to the post (by name in its code) is among the page's forms here."""
    views = inputs.page_views()
    for name, cases in inputs.pages().items():
        declared = {type(f) for case in cases for f in case.forms(hostile_world)}
        named = inputs.forms_named_in(views[name])
        assert named <= declared, (name, named - declared)


def test_every_number_field_of_every_page_form_reads_with_the_shared_parser(hostile_world):
    """One parser for numbers (apps/core/numbers.py): a form's number field is its field class
    (ModelForms: Meta.formfield_callback = numbers.formfield), a formset's counts aside."""
    shared = (numbers.IntegerField, numbers.DecimalField, numbers.IntegerListField)
    found = []
    for name, cases in sorted(inputs.pages().items()):
        for case in cases:
            for form in case.forms(hostile_world):
                each = [form] if isinstance(form, BaseForm) else form.forms[:1]
                for f in each:
                    for field_name, field in f.fields.items():
                        kind = inputs.field_kind(field)
                        if kind == "number" and not isinstance(field, shared):
                            found.append(f"{name} {type(f).__name__}.{field_name}")
    assert not found, found


def _page_client(name, case, world) -> Client:
    client = Client()
    user = inputs.page_user(name, world)
    if user is not None:
        client.force_login(user)
    if case.prime:
        case.prime(client, world)
    return client


def _page_fields(name, case, world) -> dict[str, str]:
    """Field → kind, for every field the page reads: its forms', its own, the valid post's."""
    fields: dict[str, str] = {}
    for form in case.forms(world):
        # A formset's rows are one form repeated: its management form and first row stand for it.
        each = [form] if isinstance(form, BaseForm) else [form.management_form, *form.forms[:1]]
        for f in each:
            for field_name, field in f.fields.items():
                if f.add_prefix(field_name) in inputs.form_field_names(f):
                    fields[f.add_prefix(field_name)] = inputs.field_kind(field)
    for key in inputs.raw_post_keys(inputs.page_views()[name]):
        fields.setdefault(key, "text")
    rows = [
        f for form in case.forms(world) if isinstance(form, BaseFormSet) for f in form.forms[1:]
    ]
    repeated = {f.add_prefix(n) for f in rows for n in f.fields}
    for key, value in case.data(world).items():
        if not hasattr(value, "read") and key not in repeated:
            fields.setdefault(key, "text")
    return fields


@pytest.mark.parametrize("name,index", PAGE_CASES)
def test_pages_refuse_or_escape_hostile_values(name, index, hostile_world):
    w = hostile_world
    case = inputs.pages()[name][index]
    url = reverse(name, kwargs=case.kwargs(w) or None)
    client = _page_client(name, case, w)
    before = _row_counts()  # the same before each value: each is rolled back

    def post(data):
        response = send_or_error(lambda: client.post(url, data))
        return response, _delta(before, _row_counts(), COUNTED_REFUSALS)

    # The valid post is accepted, so that each refusal below is the hostile value's doing.
    with rolled_back():
        response, written = post(case.data(w))
        assert not isinstance(response, Exception), response
        assert response.status_code < 400 and not _page_refusals(response), (
            response.status_code,
            _page_refusals(response),
        )
    problems: list[str] = []
    fields = _page_fields(name, case, w)
    values = {kind: CORE + EXTRA[kind] for kind in EXTRA}
    for field, kind in fields.items():
        for value in [*values[kind], *([TWICE] if kind == "text" else [])]:
            with rolled_back():
                data = {**case.data(w), field: value}
                response, delta = post(data)
                where = f"{name} {field}={_short(value)}"
                if isinstance(response, Exception):
                    problems.append(f"{where}: {type(response).__name__}: {response}"[:300])
                    continue
                status, reasons = response.status_code, _page_refusals(response)
                problems += _accepted_unheld(where, field, value, status >= 400 or bool(reasons))
                if status >= 500:
                    problems.append(f"{where}: {status}")
                elif status >= 400 and not reasons:
                    problems.append(f"{where}: {status} without saying why")
                if (status >= 400 or reasons) and delta:
                    problems.append(f"{where}: refused ({status}) but wrote {delta}")
                elif delta and delta != written:
                    problems.append(f"{where}: wrote {delta}, a valid post writes {written}")
                if _raw_markup(response):
                    problems.append(f"{where}: the answer carries raw markup")
                if value is MARKUP and status < 400 and not reasons and case.show:
                    shown = _shown_raw(case.show, w)
                    if shown:
                        problems.append(f"{where}: stored markup shown raw on {shown}")
    assert not problems, "\n".join(problems[:25])


def test_pages_refuse_oversized_posts(hostile_world, settings, caplog):
    """As in production, where the CSRF check reads the post before any view: a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, or with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS, is a 400
    and writes nothing — on every page that takes a post.

    Each refusal is logged with its request, and pytest keeps a test's log records (for its
    report) until the test ends: the 2.5 MB bodies of every page held 1 GB, the test process's
    peak went from 0.34 to 1.38 GB. Django's loggers are quiet here below CRITICAL."""
    caplog.set_level(logging.CRITICAL, logger="django")
    w = hostile_world
    token = "k" * 32
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    many = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)}
    problems = []
    for name, cases in sorted(inputs.pages().items()):
        for case in cases:
            url = reverse(name, kwargs=case.kwargs(w) or None)
            client = Client(enforce_csrf_checks=True)
            user = inputs.page_user(name, w)
            if user is not None:
                client.force_login(user)
            client.cookies[settings.CSRF_COOKIE_NAME] = token
            valid = {**case.data(w), "csrfmiddlewaretoken": token}
            before = _row_counts()
            for label, data in (
                ("too big", {**valid, "padding": padding}),
                ("too many", {**valid, **many}),
            ):
                with rolled_back():
                    response = send_or_error(lambda c=client, u=url, d=data: c.post(u, d))
                    status = getattr(response, "status_code", response)
                    if status != 400:
                        problems.append(f"{name} {label}: {status}")
                    elif _delta(before, _row_counts(), COUNTED_REFUSALS):
                        problems.append(f"{name} {label}: wrote rows")
    assert not problems, "\n".join(problems)


def test_pages_survive_json_bodies(hostile_world):
    """A page reads forms, not JSON: a JSON body — nested 100,000 deep, or a valid one — posted
    to every page that takes a post is refused or ignored, never a 500, and writes nothing."""
    w = hostile_world
    problems = []
    for name, cases in sorted(inputs.pages().items()):
        for case in cases:
            url = reverse(name, kwargs=case.kwargs(w) or None)
            client = _page_client(name, case, w)
            before = _row_counts()
            for body in (NESTED.encode(), json.dumps(case.data(w), default=str).encode()):
                with rolled_back():
                    response = send_or_error(
                        lambda c=client, u=url, b=body: c.post(
                            u, b, content_type="application/json"
                        )
                    )
                    where = f"{name} {body[:20]!r}"
                    if isinstance(response, Exception):
                        problems.append(f"{where}: {type(response).__name__}: {response}"[:300])
                        continue
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code}")
                    if response.status_code >= 400 and _delta(
                        before, _row_counts(), COUNTED_REFUSALS
                    ):
                        problems.append(f"{where}: refused but wrote rows")
    assert not problems, "\n".join(problems)


# --- the API --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api_schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))


def _api_client(role: str, world) -> APIClient:
    client = APIClient()
    user = {"admin": "alice", "manager": "bob", "partner": "charlie"}.get(role)
    if user is not None:
        client.force_authenticate(world[user])
    return client


def test_every_api_input_is_covered(api_schema):
    writes = set(inputs.write_operations(api_schema))
    assert not sorted(writes - set(inputs.API)), "add to inputs.API"
    assert not sorted(set(inputs.API) - writes), "inputs.API names no such operation"
    found = set(inputs.transition_inputs())
    assert not sorted(found - set(inputs.TRANSITIONS)), "add to inputs.TRANSITIONS"
    assert not sorted(set(inputs.TRANSITIONS) - found), "inputs.TRANSITIONS: no such input"


def _api_targets():
    """(method, path, role) for each API write and each transition input, as each role."""
    for (method, path), api in sorted(inputs.API.items()):
        for role in api.who:
            yield pytest.param(method, path, role, id=f"{method} {path} as {role}")
    for (basename, input_name), (name, _obj, _body, role) in sorted(inputs.TRANSITIONS.items()):
        yield pytest.param(
            "POST", f"transition:{basename}:{input_name}", role, id=f"{basename} {name}"
        )


def _api_request(method, path, world, schema):
    """url, valid body, {field: kind}, pages showing the stored value."""
    if path.startswith("transition:"):
        _, basename, input_name = path.split(":")
        name, obj, body, _role = inputs.TRANSITIONS[(basename, input_name)]
        url = reverse(f"{basename}-run-transition", kwargs={"pk": world[obj].pk, "name": name})
        serializer = inputs.transition_inputs()[(basename, input_name)]()
        kinds = {
            f: _serializer_kind(field)
            for f, field in serializer.fields.items()
            if not field.read_only
        }
        return url, body(world), kinds, inputs.TRANSITION_SHOW.get(basename, ())
    api = inputs.API[(method, path)]
    url = path.replace("{id}", str(world[api.obj].pk)) if api.obj else path
    url = url.replace("{partner_pk}", str(world["partner"].pk))
    fields = inputs.body_fields(schema, inputs.write_operations(schema)[(method, path)])
    kinds = {f: inputs.field_kind(node) for f, node in fields.items()}
    return url, api.body(world), kinds, api.show


def _settable_by(role: str, url: str, kinds: dict[str, str]) -> dict[str, str]:
    """What only staff may set is dropped unread from a partner user's body
    (apps/core/serializers.py; tests/security/test_partner_requests.py)."""
    if role != "partner":
        return kinds
    serializer_class = getattr(resolve(url).func.cls, "serializer_class", None)
    # An instance: a serializer may name its fields by a property (leads: what the apps above add).
    serializer = serializer_class() if serializer_class is not None else None
    unread = {
        *getattr(serializer, "staff_only_input", ()),
        *getattr(serializer, "staff_only_fields", ()),
    }
    return {f: k for f, k in kinds.items() if f not in unread}


def _serializer_kind(field) -> str:
    from rest_framework import serializers

    if isinstance(field, serializers.IntegerField | serializers.DecimalField):
        return "number"
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        return "date"
    return "text"


def _api_send(client, method, url, body):
    payload = body if isinstance(body, bytes) else json.dumps(body)
    return send_or_error(
        lambda: getattr(client, method.lower())(url, payload, content_type="application/json")
    )


def _names_the_reason(response, field) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    return field in body or "non_field_errors" in body or "detail" in body


@pytest.mark.parametrize("method,path,role", list(_api_targets()))
def test_the_api_refuses_or_escapes_hostile_values(method, path, role, hostile_world, api_schema):
    w = hostile_world
    url, valid, kinds, show = _api_request(method, path, w, api_schema)
    kinds = _settable_by(role, url, kinds)
    client = _api_client(role, w)

    before = _row_counts()  # the same before each value: each is rolled back

    def send(body):
        response = _api_send(client, method, url, body)
        return response, _delta(before, _row_counts(), COUNTED_REFUSALS)

    with rolled_back():
        response, written = send(valid)
        assert not isinstance(response, Exception), response
        assert response.status_code < 400, (response.status_code, response.content[:300])
    problems: list[str] = []
    for field, kind in kinds.items():
        for value in JSON_CORE + JSON_EXTRA[kind]:
            with rolled_back():
                response, delta = send({**valid, field: value})
                where = f"{method} {url} {field}={_short(value)}"
                if isinstance(response, Exception):
                    problems.append(f"{where}: {type(response).__name__}: {response}"[:300])
                    continue
                status = response.status_code
                problems += _accepted_unheld(where, field, value, status >= 400)
                if status >= 500:
                    problems.append(f"{where}: {status}")
                elif status >= 400 and not _names_the_reason(response, field):
                    problems.append(f"{where}: {status} {response.content[:100]!r}")
                if status >= 400 and delta:
                    problems.append(f"{where}: refused ({status}) but wrote {delta}")
                elif delta and delta != written:
                    problems.append(f"{where}: wrote {delta}, a valid request writes {written}")
                if status < 400 and isinstance(value, str) and "\x00" in value:
                    problems.append(f"{where}: accepted a NUL character")
                if value is MARKUP and status < 400 and show:
                    shown = _shown_raw(show, w)
                    if shown:
                        problems.append(f"{where}: stored markup shown raw on {shown}")
    assert not problems, "\n".join(problems[:25])


def test_the_api_refuses_malformed_and_oversized_bodies(
    hostile_world, api_schema, settings, caplog
):
    """Every API write and transition input answers a body it cannot read with a JSON 400 (a
    body in a type it does not read: 415), and writes nothing. Django's loggers are quiet below
    CRITICAL, as in test_pages_refuse_oversized_posts (each record holds its request's body)."""
    caplog.set_level(logging.CRITICAL, logger="django")
    w = hostile_world
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    before = _row_counts()
    problems = []
    for target in _api_targets():
        method, path, role = target.values
        url, valid, _kinds, _show = _api_request(method, path, w, api_schema)
        client = _api_client(role, w)
        oversized = json.dumps({**valid, "padding": padding}).encode()
        for body in [*MALFORMED_JSON, oversized]:
            with rolled_back():
                response = _api_send(client, method, url, body)
                where = f"{method} {url} {body[:20]!r}"
                if isinstance(response, Exception):
                    problems.append(f"{where}: {type(response).__name__}: {response}"[:300])
                    continue
                if response.status_code != 400:
                    problems.append(f"{where}: {response.status_code}")
                elif not response.get("Content-Type", "").startswith("application/json"):
                    problems.append(f"{where}: a 400 in {response.get('Content-Type')}, not JSON")
                elif not _names_the_reason(response, ""):
                    problems.append(f"{where}: a 400 that does not say why")
                if _delta(before, _row_counts(), COUNTED_REFUSALS):
                    problems.append(f"{where}: wrote rows")
        with rolled_back():
            response = send_or_error(
                lambda c=client, m=method, u=url: getattr(c, m.lower())(
                    u, "<a/>", content_type="text/xml"
                )
            )
            if getattr(response, "status_code", None) != 415:
                problems.append(
                    f"{method} {url} as XML: {getattr(response, 'status_code', response)}"
                )
    assert not problems, "\n".join(problems)


# --- uploads --------------------------------------------------------------------------------------

# Each upload field of each page, with the test that sends it hostile files.
UPLOADS = {
    ("agreements:create", "document"): "test_the_agreement_document_must_be_a_small_pdf",
    ("agreements:edit", "document"): "test_the_agreement_document_must_be_a_small_pdf",
    ("exchange:upload", "file"): "test_a_csv_import_that_cannot_be_read_is_refused_with_its_reason",
    (
        "portal:team_contacts_import",
        "file",
    ): "test_a_portal_contacts_file_that_cannot_be_read_is_refused",
    ("portal:listing", "logo"): "test_the_locator_logo_must_be_a_small_image",
    ("deals:attachment_upload", "file"): "test_registration_attachments_refuse_hostile_files",
    ("portal:deal_attachment_upload", "file"): "test_registration_attachments_refuse_hostile_files",
    ("enablement:resource_new", "upload"): "test_a_library_file_is_checked_by_its_content",
    ("enablement:resource_edit", "upload"): "test_a_library_file_is_checked_by_its_content",
    ("portal:fund_file_upload", "file"): "test_a_claims_file_must_be_a_small_pdf_or_image",
}


def test_every_upload_gets_hostile_files(hostile_world):
    found = {
        (name, field_name)
        for name, cases in inputs.pages().items()
        for case in cases
        for form in case.forms(hostile_world)
        if isinstance(form, BaseForm)
        for field_name, field in form.fields.items()
        if isinstance(field, FileField)
    }
    assert found == set(UPLOADS), found ^ set(UPLOADS)
    assert all(test in globals() for test in UPLOADS.values())


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("door", ["enablement:resource_new", "enablement:resource_edit"])
@pytest.mark.parametrize(
    "name,content,content_type",
    [
        ("guide.pdf", b"<script>alert(1)</script>", "application/pdf"),
        ("guide.html", b"<html><body onload=alert(1)>", "text/html"),
        ("guide.svg", b"<svg onload=alert(1)></svg>", "image/svg+xml"),
        ("guide.exe", b"MZ\x90\x00\x03", "application/pdf"),
        ("", b"", "application/pdf"),
    ],
)
def test_a_library_file_is_checked_by_its_content(door, name, content, content_type, hostile_world):
    from apps.enablement.models import Resource

    resource = hostile_world["resource"]
    kwargs = {} if door.endswith("_new") else {"pk": resource.pk}
    before = (Resource.objects.count(), resource.file.name)
    client = Client()
    client.force_login(hostile_world["bob"])
    data = {**inputs._resource_data(hostile_world), "content": "file"}
    data["upload"] = SimpleUploadedFile(name or "x", content, content_type=content_type)
    response = client.post(reverse(door, kwargs=kwargs), data)
    assert response.status_code == 400, (door, name, response.status_code)
    resource.refresh_from_db()
    assert (Resource.objects.count(), resource.file.name) == before


def _pdf(content: bytes = PDF, name: str = "agreement.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize("door", ["agreements:create", "agreements:edit"])
def test_the_agreement_document_must_be_a_small_pdf(door, hostile_world):
    from apps.agreements.models import Agreement
    from apps.agreements.services import MAX_DOCUMENT_BYTES

    w = hostile_world
    case = inputs.pages()[door][0]
    url = reverse(door, kwargs=case.kwargs(w) or None)
    client = _page_client(door, case, w)
    refused = {
        "text named .pdf": _pdf(b"just some text", content_type="application/pdf"),
        "html named .pdf": _pdf(b"<html><script>alert(1)</script></html>"),
        "png": _pdf(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "scan.png", "image/png"),
        "empty": _pdf(b""),
        "too big": _pdf(PDF + b"0" * MAX_DOCUMENT_BYTES),
    }
    for label, upload in refused.items():
        with rolled_back():
            before = _row_counts()
            response = client.post(url, {**case.data(w), "document": upload})
            # The page shows the form again with the reason at the field, answered 400.
            assert response.status_code == 400, (label, response.status_code)
            assert "document" in response.context["form"].errors, label
            assert not _delta(before, _row_counts()), label
    # A real PDF whose name is markup: stored under a safe name, shown escaped.
    response = client.post(url, {**case.data(w), "document": _pdf(name=f"{MARKUP}.pdf")})
    assert response.status_code == 302, response.status_code
    agreement = Agreement.objects.exclude(document="").latest("pk")
    assert "<" not in agreement.document.name and ">" not in agreement.document.name
    assert not _shown_raw(("agreements:detail",), {**w, "agreement": agreement})
    served = client.get(reverse("agreements:document", args=[agreement.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_the_locator_logo_must_be_a_small_image(hostile_world):
    """Branch locator: the partner admin's logo is an image by its content, at most 1 MB; SVG
    (which can carry script) and markup named .png are refused; a good one is served as the
    image it is, with nosniff."""
    from apps.locator.models import Listing
    from apps.locator.services import MAX_LOGO_BYTES

    w = hostile_world
    case = inputs.pages()["portal:listing"][0]
    url = reverse("portal:listing")
    client = _page_client("portal:listing", case, w)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    def image(content: bytes, name: str = "logo.png", content_type: str = "image/png"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    refused = {
        "svg": image(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "l.svg"),
        "html named .png": image(b"<html><script>alert(1)</script></html>"),
        "pdf": _pdf(name="logo.png", content_type="image/png"),
        "empty": image(b""),
        "too big": image(png + b"\x00" * MAX_LOGO_BYTES),
    }
    for label, upload in refused.items():
        with rolled_back():
            before = _row_counts()
            response = client.post(url, {**case.data(w), "logo": upload})
            assert response.status_code == 400, (label, response.status_code)
            assert "logo" in response.context["form"].errors, label
            assert not _delta(before, _row_counts()), label
    response = client.post(url, {**case.data(w), "logo": image(png, name=f"{MARKUP}.png")})
    assert response.status_code == 302, response.status_code
    listing = Listing.objects.get(partner=w["partner"])
    assert "<" not in listing.logo.name and ">" not in listing.logo.name
    served = client.get(reverse("locator:listing_logo", args=[listing.pk]))
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("door", ["deals:attachment_upload", "portal:deal_attachment_upload"])
def test_registration_attachments_refuse_hostile_files(door, hostile_world):
    """Only PDFs, images and office documents by their content, at most 10 MB; the reason is
    said; nothing is stored. A markup name is stored cleaned and shown escaped."""
    from apps.deals.models import RegistrationAttachment
    from apps.deals.services.conversation import MAX_ATTACHMENT_BYTES

    w = hostile_world
    case = inputs.pages()[door][0]
    url = reverse(door, kwargs=case.kwargs(w))
    client = _page_client(door, case, w)
    refused = {
        "text named .pdf": _pdf(b"just some text"),
        "html named .pdf": _pdf(b"<html><script>alert(1)</script></html>"),
        "svg": _pdf(b"<svg onload=alert(1)>", "x.svg", "image/svg+xml"),
        "zip not office": _pdf(b"PK\x03\x04" + b"\x00" * 64, "x.docx", "application/zip"),
        "empty": _pdf(b""),
        "too big": _pdf(PDF + b"0" * MAX_ATTACHMENT_BYTES),
    }
    for label, upload in refused.items():
        with rolled_back():
            before = _row_counts()
            response = client.post(url, {"file": upload})
            assert response.status_code == 302, (label, response.status_code)
            assert _page_refusals(response), label
            assert not _delta(before, _row_counts()), label
    response = client.post(url, {"file": _pdf(name=f"{MARKUP}.pdf")})
    assert response.status_code == 302 and not _page_refusals(response)
    attachment = RegistrationAttachment.objects.latest("created_at")
    assert "<" not in attachment.name and ">" not in attachment.name
    assert "<" not in attachment.file.name
    assert not _shown_raw(inputs.DEAL_PAGES, w)


CSV_HEADER = "name,website,partner_type,tier,manager\n"


def _csv_rows(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def _upload(content: bytes, name: str = "partners.csv", kind: str = "partners") -> dict:
    return {"kind": kind, "file": SimpleUploadedFile(name, content, content_type="text/csv")}


@pytest.mark.parametrize(
    "label,content",
    [
        ("utf-16", CSV_HEADER.encode("utf-16")),
        ("windows-1252", (CSV_HEADER + "Caf\xe9 Partners,,reseller,,\n").encode("cp1252")),
        ("binary", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("pdf", PDF),
        ("empty", b"   \n"),
        ("no header", b",,,\nNorthwind,,reseller,,\n"),
        ("header only", CSV_HEADER.encode()),
        ("missing column", b"website\nhttps://x.example\n"),
        ("duplicate column", b"name,name,partner_type\na,b,reseller\n"),
        ("broken quoting", (CSV_HEADER + '"Northwind,"x\n').encode()),
        ("too big", (CSV_HEADER + ("a" * 1000 + ",,reseller,,\n") * 5300).encode()),
        ("too many rows", (CSV_HEADER + "Northwind,,reseller,,\n" * 10_001).encode()),
    ],
)
@pytest.mark.parametrize("kind", ["partners", "leads"])
def test_a_csv_import_that_cannot_be_read_is_refused_with_its_reason(
    kind, label, content, hostile_world
):
    client = _page_client("exchange:upload", inputs.pages()["exchange:upload"][0], hostile_world)
    before = _row_counts()
    response = client.post(reverse("exchange:upload"), _upload(content, kind=kind))
    assert response.status_code == 400, (label, response.status_code)
    assert _page_refusals(response), label
    assert not _delta(before, _row_counts()), label


@pytest.mark.parametrize(
    "label,content",
    [
        ("utf-16", b"name,email\n".decode().encode("utf-16")),
        ("binary", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("pdf", PDF),
        ("empty", b"   \n"),
        ("missing column", b"email\nnancy@acme.example\n"),
        ("broken quoting", b'name,email\n"Nancy,"x\n'),
        ("too many rows", b"name\n" + b"Nancy\n" * 10_001),
    ],
)
def test_a_portal_contacts_file_that_cannot_be_read_is_refused(label, content, hostile_world):
    """A partner admin's contacts CSV (portal Team page): refused with its reason, nothing kept."""
    door = "portal:team_contacts_import"
    client = _page_client(door, inputs.pages()[door][0], hostile_world)
    before = _row_counts()
    upload = SimpleUploadedFile("contacts.csv", content, content_type="text/csv")
    response = client.post(reverse(door), {"file": upload})
    assert response.status_code == 400, (label, response.status_code)
    assert 'id="import-problem"' in response.content.decode(), label
    assert not _delta(before, _row_counts()), label


def test_hostile_csv_cells_are_refused_or_shown_escaped(hostile_world):
    from apps.exchange.models import ImportBatch
    from apps.partners.models import Partner

    client = _page_client("exchange:upload", inputs.pages()["exchange:upload"][0], hostile_world)
    names = [
        MARKUP,
        '=HYPERLINK("https://evil.example")',
        "@SUM(A1)",
        "y" * 6000,
        "Ctrl\x07 Char",
        "'; DROP TABLE partners_partner; --",
        "\u0430cme \u202eexe",
    ]
    rows = [[name, "", "reseller", "", ""] for name in names]
    rows += [["Bad Type", "", MARKUP, "", ""], ["Bad Tier", "", "reseller", MARKUP, ""]]
    content = (CSV_HEADER + _csv_rows(rows)).encode()
    response = client.post(reverse("exchange:upload"), _upload(content, name=f"{MARKUP}.csv"))
    assert response.status_code == 302, response.status_code
    batch = ImportBatch.objects.latest("created_at")
    errors = {row["line"]: row["errors"] for row in batch.rows}
    assert errors[3] and errors[4] and errors[5], errors  # formulas and an over-long cell
    assert errors[9] and errors[10], errors  # no such type, no such tier
    preview = client.get(reverse("exchange:preview", args=[batch.pk]))
    assert preview.status_code == 200
    assert not _raw_markup(preview)
    # A file with refused rows imports nothing.
    before = Partner.objects.count()
    client.post(reverse("exchange:confirm", args=[batch.pk]))
    assert Partner.objects.count() == before
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEWED


def test_registration_csv_cells_are_checked_like_the_form(hostile_world):
    from apps.exchange.models import ImportBatch

    client = _page_client("exchange:upload", inputs.pages()["exchange:upload"][0], hostile_world)
    header = (
        "partner,customer_name,customer_domain,customer_country,contact_name,contact_email,"
        "product,estimated_value,currency,expected_close_date,description\n"
    )
    good = [
        "Acme Resellers",
        "Initech LLC",
        "initech.example",
        "US",
        "Bill",
        "bill@initech.example",
    ]
    good += ["Suite", "1000.00", "USD", (timezone.localdate() + timedelta(days=30)).isoformat(), ""]
    hostile = {1: MARKUP, 2: "not a domain", 3: "ZZ", 5: "not-an-email", 7: "9" * 400}
    hostile |= {8: "XXX", 9: "2024-02-30", 10: MARKUP}
    rows = []
    for column, value in hostile.items():
        cells = list(good)
        cells[column] = value
        if column != 2:  # each row its own customer, so no row is another's duplicate
            cells[2] = f"c{column}-{cells[2]}"
        rows.append(cells)
    content = (header + _csv_rows(rows)).encode()
    response = client.post(reverse("exchange:upload"), _upload(content, kind="registrations"))
    assert response.status_code == 302, response.status_code
    batch = ImportBatch.objects.latest("created_at")
    by_line = {row["line"]: row["errors"] for row in batch.rows}
    # Lines 2 and 9 put markup in the customer name and the description: text, accepted (and
    # shown escaped); every other hostile cell is refused with its column named.
    assert [line for line, errors in by_line.items() if not errors] == [2, 9], by_line
    columns = ["domain", "country", "email", "estimated value", "currency", "close date"]
    for line, column in zip(range(3, 9), columns, strict=True):
        assert column in " ".join(by_line[line]), (line, by_line[line])
    preview = client.get(reverse("exchange:preview", args=[batch.pk]))
    assert not _raw_markup(preview)


def test_the_matrix_and_the_inputs_agree_on_who_posts():
    # Every page here is in the isolation matrix, so page_user() knows its role.
    assert set(inputs.pages()) <= set(MATRIX)


# --- the number corpus in every number cell of every import ---------------------------------------

# The model each kind of import creates, and the cell that tells its rows apart (a partner's
# name, a registration's customer: a row repeating another's is refused as a duplicate).
IMPORT_TARGETS = {"partners": ("partners.Partner", "name"),
                  "registrations": ("deals.DealRegistration", "customer_domain"),
                  "contacts": ("people.Contact", "email"),
                  "leads": ("leads.Lead", "product")}  # fmt: skip


def _number_cells(kind: str) -> list[str]:
    """The columns of an import that hold a number or name a row by id: those whose model field
    is numeric or a relation."""
    from django.db import models

    model = apps.get_model(IMPORT_TARGETS[kind][0])
    numeric = (models.IntegerField, models.DecimalField, models.FloatField)
    found = []
    for column in inputs_columns()[kind]:
        try:
            field = model._meta.get_field(column)
        except FieldDoesNotExist:  # a column of the import itself (the leads' `route`)
            continue
        if field.is_relation or isinstance(field, numeric):
            found.append(column)
    return found


def inputs_columns() -> dict:
    from apps.exchange.imports import COLUMNS

    return COLUMNS


def test_every_import_kind_gets_the_number_corpus():
    assert set(IMPORT_TARGETS) == set(inputs_columns())
    assert all(_number_cells(kind) for kind in IMPORT_TARGETS)


@pytest.mark.parametrize("kind", sorted(IMPORT_TARGETS))
def test_import_number_cells_refuse_what_no_column_holds(kind, hostile_world):
    """Each value of the number corpus in each number cell: never a 500; a value no column holds
    is refused on its row, with the column named."""
    from apps.exchange.imports import EXAMPLES
    from apps.exchange.models import ImportBatch

    w = hostile_world
    client = _page_client("exchange:upload", inputs.pages()["exchange:upload"][0], w)
    columns = inputs_columns()[kind]
    valid = dict(zip(columns, EXAMPLES[kind], strict=True))
    if kind in ("registrations", "contacts"):
        valid["partner"] = w["partner"].name
    unique = IMPORT_TARGETS[kind][1]
    # A file with a NUL anywhere is refused whole, as binary (see the CSV tests above).
    values = [v for v in [*NOT_NUMBERS, *ODD_NUMBERS] if "\x00" not in v]

    def post(rows: list[dict]):
        lines = [[row[c] for c in columns] for row in rows]
        content = (",".join(columns) + "\n" + _csv_rows(lines)).encode()
        response = send_or_error(
            lambda: client.post(reverse("exchange:upload"), _upload(content, kind=kind))
        )
        assert not isinstance(response, Exception), response
        return response

    def upload(rows: list[dict]) -> list[dict]:
        response = post(rows)
        assert response.status_code == 302, (response.status_code, _page_refusals(response))
        return sorted(ImportBatch.objects.latest("created_at").rows, key=lambda r: r["line"])

    with rolled_back():  # the example row is accepted, so each refusal is the value's doing
        assert [row["errors"] for row in upload([valid])] == [[]]
    problems = []
    for column in _number_cells(kind):
        for value in [v for v in NOT_NUMBERS if "\x00" in v]:
            response = post([{**valid, column: value}])
            if response.status_code != 400 or not _page_refusals(response):
                problems.append(f"{kind} {column}={_short(value)}: {response.status_code}")
        rows = [
            {**valid, column: value, unique: f"n{i}-{valid[unique]}"}
            for i, value in enumerate(values)
        ]
        with rolled_back():
            for value, row in zip(values, upload(rows), strict=True):
                said = " ".join(row["errors"])
                named = column in said or column.replace("_", " ") in said
                if value in NOT_NUMBERS and not (row["errors"] and named):
                    problems.append(f"{kind} {column}={_short(value)}: {row['errors']}")
    assert not problems, "\n".join(problems)


def test_a_claims_file_must_be_a_small_pdf_or_image(hostile_world):
    from apps.funds.models import FundFile
    from apps.funds.services.requests import MAX_FILE_BYTES

    w, door = hostile_world, "portal:fund_file_upload"
    case = inputs.pages()[door][0]
    url = reverse(door, kwargs=case.kwargs(w))
    client = _page_client(door, case, w)
    refused = {
        "text named .pdf": _pdf(b"just some text", "invoice.pdf"),
        "html named .png": _pdf(b"<html><script>alert(1)</script></html>", "x.png", "image/png"),
        "office file": _pdf(b"PK\x03\x04" + b"\x00" * 64, "x.docx", "application/msword"),
        "empty": _pdf(b""),
        "too big": _pdf(PDF + b"0" * MAX_FILE_BYTES),
    }
    for label, upload in refused.items():
        with rolled_back():
            before = _row_counts()
            response = client.post(url, {"kind": "invoice", "file": upload})
            assert response.status_code == 400, (label, response.status_code)
            assert not _delta(before, _row_counts()), label
    response = client.post(url, {"kind": "invoice", "file": _pdf(name=f"{MARKUP}.pdf")})
    assert response.status_code == 302, response.status_code
    stored = FundFile.objects.latest("uploaded_at", "pk")
    assert "<" not in stored.name and "<" not in stored.file.name
    assert not _shown_raw(("portal:fund_request", "funds:request"), w)
    served = client.get(reverse("portal:fund_file", args=[stored.request_id, stored.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
