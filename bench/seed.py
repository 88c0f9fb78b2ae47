"""A realistic partner program at scale, for the benchmark (bench/) and the drills.

`python -m bench.seed --partners 10000 --registrations 1000000` makes: managers and one partner
user per partner (password `--password`), partners in every stage with the stage history that
led there, their playbook tasks, an agreement each, deal registrations in every status with
customer domains that collide the way real ones do (a shared pool of customers, some registered
by several partners; at most one approved registration per domain, as the database demands),
their history events, and QBRs (completed ones, one open per active partner) with action items.
Customer names are pronounceable made-up words built from some 2,900 syllables, one or two words
(sometimes a trade: "Frundesh Retail") and a legal suffix, as varied in their trigrams as real
company names: unrelated names rarely reach the conflict threshold, so the conflicts stored per
registration hardly grow with the program. Similar names come from chance and from relatives:
one customer in 25 takes an earlier one's first word (a subsidiary abroad, a division) under a
domain of its own.

Rows get explicit ids (after the current maximum) so relations are known without reading back;
they go in with COPY in batches and the id sequences are moved past them after. The objects
partners see have random ids (apps/core/ids.py) and no sequence: the seeder numbers its own rows
of them sequentially from the top of the small ids it wrote before (a random id lands there about
once in 2**21), and rows it does not number draw a random id each, as the app's own do. It adds to what is there; `--flush` first empties these tables.
Deterministic for a given `--seed`.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps as installed_apps  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.base import BaseCommand  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.agreements.models import Agreement  # noqa: E402
from apps.deals.models import DealRegistration, RegistrationConflict, RegistrationEvent  # noqa: E402
from apps.deals.normalize import name_key  # noqa: E402
from apps.funds.models import (  # noqa: E402
    Attribution,
    FundAllocation,
    FundPeriod,
    FundRequest,
    Movement,
)
from apps.leads import loads  # noqa: E402
from apps.leads.models import Assignment, Lead, Outcome, RoutingRule  # noqa: E402
from apps.notifications.models import Notification  # noqa: E402
from apps.partners.models import Partner, StageHistory, Task  # noqa: E402
from apps.program.models import PartnerType, PlaybookTaskTemplate, Tier  # noqa: E402
from apps.program.money import base_currency  # noqa: E402
from apps.qbrs.models import QBR, ActionItem  # noqa: E402

BATCH = 20_000
# The seeder's sequential ids of random-id models stay below this (random ones rarely do).
SEEDED_ID_CEILING = 2**32
STAGE_PATHS = {
    # the transitions that lead to each stage, oldest first: (name, from, to)
    "recruitment": [],
    "onboarding": [("start_onboarding", "recruitment", "onboarding")],
    "growth": [
        ("start_onboarding", "recruitment", "onboarding"),
        ("complete_onboarding", "onboarding", "growth"),
    ],
    "evaluation": [
        ("start_onboarding", "recruitment", "onboarding"),
        ("complete_onboarding", "onboarding", "growth"),
        ("start_evaluation", "growth", "evaluation"),
    ],
    "expansion": [
        ("start_onboarding", "recruitment", "onboarding"),
        ("complete_onboarding", "onboarding", "growth"),
        ("start_evaluation", "growth", "evaluation"),
        ("start_expansion", "evaluation", "expansion"),
    ],
    "exited": [
        ("start_onboarding", "recruitment", "onboarding"),
        ("complete_onboarding", "onboarding", "growth"),
        ("exit", "growth", "exited"),
    ],
}
STAGE_WEIGHTS = {
    "recruitment": 10,
    "onboarding": 15,
    "growth": 40,
    "evaluation": 15,
    "expansion": 10,
    "exited": 10,
}
# Closed statuses dominate a mature program; a small share waits for review or is protected.
STATUS_WEIGHTS = {
    "submitted": 3,
    "info_requested": 1,  # the manager asked the partner a question (issue 19)
    "approved": 12,
    "rejected": 10,
    "withdrawn": 5,
    "won": 30,
    "lost": 25,
    "expired": 15,
}
ACTIVE = ("onboarding", "growth", "evaluation", "expansion")
WAITING = ("submitted", "info_requested")  # not decided yet
OPEN = (*WAITING, "approved")
TYPES = ["reseller", "referral", "technology", "integrator", "oem"]
# Customer and partner names: pronounceable made-up words as varied as real company names. A
# word is a first syllable (any onset, consonant clusters included, a vowel, maybe a coda),
# perhaps a middle one, and a last one (a simple onset and an ending): "Cryntara", "Frundesh",
# "Solsust". Their trigrams, what the name search scores, come from thousands of syllables, so
# two unrelated names rarely reach the conflict threshold and most trigrams are in few names.
# (Before: two to four of 20 syllables; at 1,000,000 registrations an open registration had 123
# stored conflicts on average.)
# Single consonants begin any syllable; clusters and the rarer onsets only a word.
_ONSETS = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z"]
_CLUSTERS = ["br", "cr", "dr", "fr", "gr", "kr", "pr", "tr", "bl", "cl", "fl", "gl", "pl", "sl"]
_RARER = ["ch", "sh", "th", "st", "sk", "sp", "sc", "qu", "j", "y", "x"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "y"]
_CODAS = ["n", "r", "l", "s", "m"]
_ENDINGS = (
    ["a", "o", "e", "i", "ia", "io", "on", "er", "us", "ex", "ix", "ar", "el", "is", "um"]
    + ["or", "an", "en", "ic", "ys", "ax", "ox", "ay", "ee", "ant", "ent", "ium", "ity", "eon"]
    + ["ora", "ara", "ona", "ova", "ana", "era", "ine", "ell", "ide", "esh", "ink", "ern"]
    + ["ard", "ust"]
)
_ODD = {"quu", "quou", "quy", "jy", "yy"}  # awkward onset-vowel pairs, left out
FIRST_SYLLABLES = sorted(
    o + v + c
    for o in ["", *_ONSETS, *_CLUSTERS, *_RARER]
    for v in _VOWELS
    for c in ["", *_CODAS]
    if o + v not in _ODD and not (c and len(v) > 1)  # no coda after a diphthong
)
MIDDLE_SYLLABLES = sorted(o + v + c for o in _ONSETS for v in _VOWELS[:5] for c in ["", *_CODAS])
LAST_SYLLABLES = sorted(o + e for o in _ONSETS for e in _ENDINGS)
# A second word naming the trade ("Frundesh Retail"): short ones, so that two names sharing one
# and nothing else stay below the threshold. None is a legal suffix that name_key drops.
SECTORS = (
    ["Labs", "Health", "Foods", "Energy", "Media", "Bank", "Data", "Cloud", "Games", "Steel"]
    + ["Paper", "Marine", "Motors", "Retail", "Pharma", "Mining", "Hotels", "Air", "Bio"]
    + ["Tech", "Soft", "Works", "Freight", "Optics", "Dental", "Legal", "Farms", "Homes"]
    + ["Brands", "Audio", "Auto", "Build", "Care", "Chem", "Craft", "Dairy", "Design", "Drinks"]
    + ["Fashion", "Fibre", "Film", "Fleet", "Garden", "Glass", "Grid", "Metals", "Mobile"]
    + ["Music", "Net", "Oil", "Pack", "Power", "Press", "Print", "Rail", "Sports", "Solar"]
    + ["Travel", "Tools", "Toys", "Water", "Wind", "Wine", "Wood"]
)
# A few customers are relatives of an earlier one (a subsidiary abroad, a division): a name like
# the other's, a domain of their own. Their pairs grow with the program, as the shared pool's do.
RELATED_SHARE = 0.04
SUFFIXES = ["Inc", "LLC", "GmbH", "Ltd", "S.A.", "Corp", "", "Group", "AG", "BV"]
TLDS = ["com", "io", "de", "co.uk", "net", "fr", "nl", "com.au"]
PRODUCTS = ["Analytics suite", "Data platform", "Security gateway", "CRM connector", "Support"]
COUNTRIES = ["US", "DE", "GB", "FR", "NL", "AU", "CA", "JP", "BR", "IN"]
CURRENCIES = ["USD", "EUR", "GBP", "USD", "EUR"]


def made_up_word(rng: random.Random) -> str:
    """One pronounceable lowercase word of two or three syllables."""
    if rng.random() < 0.45:
        return (
            rng.choice(FIRST_SYLLABLES) + rng.choice(MIDDLE_SYLLABLES) + rng.choice(LAST_SYLLABLES)
        )
    return rng.choice(FIRST_SYLLABLES) + rng.choice(LAST_SYLLABLES)


def made_up_name(rng: random.Random) -> str:
    """A company name without its legal form: one made-up word ("Cryntara"), one and a sector
    ("Frundesh Retail"), or two ("Vysfant Zolgox")."""
    r = rng.random()
    word = made_up_word(rng).title()
    if r < 0.35:
        return word
    if r < 0.55:
        return f"{word} {rng.choice(SECTORS)}"
    return f"{word} {made_up_word(rng).title()}"


class Writer:
    """Rows as dicts of field attnames → values, written with COPY in batches."""

    def __init__(self, stdout):
        self.stdout = stdout
        self.counts: dict[str, int] = {}

    def next_id(self, model) -> int:
        pks = model.objects.all()
        if not isinstance(model._meta.pk, models.AutoField):  # random ids: above the seeder's own
            pks = pks.filter(pk__lt=SEEDED_ID_CEILING)
        agg = pks.aggregate(m=models.Max("pk"))["m"]
        return (agg or 0) + 1

    def write(self, model, rows) -> None:
        fields = [f for f in model._meta.concrete_fields]
        defaults = {}
        for f in fields:
            if f.has_default():
                defaults[f.attname] = f.get_default()
            elif getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False):
                defaults[f.attname] = timezone.now()
            elif f.null:
                defaults[f.attname] = None
            elif f.blank and f.empty_strings_allowed:
                defaults[f.attname] = ""
        n = 0
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                n += self._flush(model, fields, defaults, batch)
                batch = []
        if batch:
            n += self._flush(model, fields, defaults, batch)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + n

    def _flush(self, model, fields, defaults, batch) -> int:
        pk = model._meta.pk
        if pk.attname not in batch[0]:
            if isinstance(pk, models.AutoField):  # let the sequence number the rows
                fields = [f for f in fields if f is not pk]
            else:  # a random id each (no sequence to ask)
                batch = [{**row, pk.attname: pk.get_default()} for row in batch]
        columns = [f.column for f in fields]
        json_cols = {f.attname for f in fields if isinstance(f, models.JSONField)}
        table = connection.ops.quote_name(model._meta.db_table)
        sql = (
            f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
        )
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in batch:
                values = []
                for f in fields:
                    v = row.get(f.attname, defaults.get(f.attname))
                    if f.attname in json_cols and v is not None:
                        v = json.dumps(v)
                    values.append(v)
                copy.write_row(values)
        return len(batch)

    def reset_sequences(self, model_list) -> None:
        for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
            with connection.cursor() as cursor:
                cursor.execute(sql)


class Command(BaseCommand):
    requires_system_checks: list = []
    help = "Generate a realistic program at scale (partners, history, registrations, QBRs, tasks)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=1000)
        parser.add_argument("--registrations", type=int, default=100_000)
        parser.add_argument("--managers", type=int, default=0, help="default: partners/250 + 2")
        parser.add_argument("--password", default="bench-password-1")
        parser.add_argument("--seed", type=int, default=9)
        parser.add_argument("--flush", action="store_true", help="empty these tables first")

    def handle(self, *args, partners, registrations, managers, password, seed, flush, **opts):
        started = time.monotonic()
        rng = random.Random(seed)
        now = timezone.now().replace(microsecond=0)
        w = Writer(self.stdout)
        touched = [
            User,
            Partner,
            StageHistory,
            Task,
            Agreement,
            DealRegistration,
            RegistrationEvent,
            QBR,
            ActionItem,
            Lead,
            Assignment,
            FundPeriod,
            FundAllocation,
            Movement,
            FundRequest,
            Attribution,
        ]
        if flush:
            self._flush(touched + [Notification])
        program = _Program.read()
        hashed = make_password(password)

        # The steps draw from `rng` in this order, which keeps the data the same for a seed.
        with transaction.atomic():
            manager_ids = _write_managers(w, managers or partners // 250 + 2, hashed, now)
            partner_rows = _write_partners(
                w, rng, partners, program=program, manager_ids=manager_ids, now=now
            )
            w.write(StageHistory, _history_rows(partner_rows))
            w.write(Task, _task_rows(rng, partner_rows, program.playbook))
            w.write(Agreement, _agreement_rows(rng, partner_rows))
            # One partner user per partner: the portal and the API as a partner.
            w.write(User, _partner_user_rows(w.next_id(User), partner_rows, hashed))
            reg_meta = _write_registrations(w, rng, registrations, partner_rows, now)
            w.write(RegistrationEvent, _event_rows(reg_meta))
            del reg_meta
            qbr_rows = _qbr_rows(rng, w.next_id(QBR), partner_rows, now)
            w.write(QBR, qbr_rows)
            w.write(ActionItem, _action_item_rows(rng, qbr_rows))
            _write_funds(w, rng, partner_rows, registrations, now)
            # Leads last, from their own generator: the data above stays the same for a seed.
            _write_leads(w, random.Random(seed + 22), registrations // LEADS_PER, partner_rows, now)
            w.reset_sequences(touched)
            # The routing counts' changes the COPY batches appended, folded as the lead_counts
            # sweep would within a minute (apps/leads/loads.py).
            loads.fold()
        _store_conflicts(w)
        touched.append(RegistrationConflict)
        _analyze(touched)
        for label, n in w.counts.items():
            self.stdout.write(f"  {label:<32} {n:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {time.monotonic() - started:.1f} s (password {password!r})."
            )
        )

    def _flush(self, model_list) -> None:
        """Empty the generated tables. TRUNCATE … CASCADE also empties the users (they
        reference partners): meant for a dedicated benchmark database."""
        tables = [m._meta.db_table for m in model_list]
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")


class _Program:
    """What the seeding reads of the program's configuration (partner types made if none)."""

    def __init__(self, types: dict, tier_ids: list, playbook: dict):
        self.type_ids = [t.pk for t in types.values()]
        self.onboarding_days = {t.pk: t.onboarding_days for t in types.values()}
        self.tier_ids = tier_ids
        self.playbook = playbook

    @classmethod
    def read(cls) -> _Program:
        types = {t.key: t for t in PartnerType.objects.all()}
        if not types:
            for key in TYPES:
                types[key] = PartnerType.objects.create(key=key, name=key.title())
        tier_ids = list(Tier.objects.order_by("rank").values_list("pk", flat=True)) or [None]
        playbook = {
            stage: list(PlaybookTaskTemplate.objects.filter(stage=stage).order_by("order"))
            for stage in ("onboarding", "expansion", "exited")
        }
        return cls(types, tier_ids, playbook)


def _write_managers(w: Writer, count: int, hashed: str, now) -> list[int]:
    uid = w.next_id(User)
    manager_ids = list(range(uid, uid + count))
    w.write(
        User,
        (
            {
                "id": i,
                "username": f"scale-manager-{i}",
                "email": f"manager{i}@vendor.example",
                "password": hashed,
                "role": "manager",
                "is_active": True,
                "date_joined": now,
            }
            for i in manager_ids
        ),
    )
    return manager_ids


def _write_partners(
    w: Writer, rng, count: int, *, program: _Program, manager_ids, now
) -> list[dict]:
    """Partners in every stage; each row keeps `_times`, when it took each step of its path."""
    pid = w.next_id(Partner)
    stages = rng.choices(list(STAGE_WEIGHTS), weights=list(STAGE_WEIGHTS.values()), k=count)
    partner_rows = [
        _partner_row(rng, pid + n, n, stage, program=program, manager_ids=manager_ids, now=now)
        for n, stage in enumerate(stages)
    ]
    w.write(Partner, ({k: v for k, v in r.items() if k != "_times"} for r in partner_rows))
    return partner_rows


def _partner_row(rng, pk: int, n: int, stage: str, *, program: _Program, manager_ids, now) -> dict:
    created = now - timedelta(days=rng.randint(30, 1100), minutes=rng.randint(0, 1440))
    steps = STAGE_PATHS[stage]
    times = sorted(
        created + timedelta(seconds=rng.randint(0, int((now - created).total_seconds())))
        for _ in steps
    )
    type_id = rng.choice(program.type_ids)
    name = f"{made_up_word(rng).title()} {rng.choice(['Partners', 'Solutions', 'Systems', 'Consulting', 'Digital'])} {n}"
    row = {
        "id": pk,
        "name": name,
        "website": f"https://{name.split()[0].lower()}{n}.example",
        "partner_type_id": type_id,
        "tier_id": rng.choice(program.tier_ids),
        "manager_id": rng.choice(manager_ids),
        "stage": stage,
        "stage_entered_at": times[-1] if times else created,
        "qualification_customer": rng.randint(2, 5),
        "qualification_credibility": rng.randint(2, 5),
        "qualification_capability": rng.randint(2, 5),
        "qualification_commitment": rng.randint(2, 5),
        "created_at": created,
        "_times": times,
    }
    if steps:
        row["onboarding_started_at"] = times[0]
        row["onboarding_due_date"] = timezone.localdate(times[0]) + timedelta(
            days=program.onboarding_days[type_id]
        )
        if len(steps) > 1:
            row["onboarding_completed_at"] = times[1]
    return row


def _history_rows(partner_rows):
    for r in partner_rows:
        for (name, frm, to), at in zip(STAGE_PATHS[r["stage"]], r["_times"], strict=True):
            yield {
                "partner_id": r["id"],
                "transition": name,
                "from_stage": frm,
                "to_stage": to,
                "actor_id": r["manager_id"],
                "note": "",
                "reason": "Strategic fit ended" if name == "exit" else "",
                "via": "",
                "at": at,
            }


def _task_rows(rng, partner_rows, playbook: dict):
    for r in partner_rows:
        templates = playbook.get(r["stage"]) or []
        if not templates and r["stage"] in ("onboarding", "expansion"):
            templates = [None, None, None]
        entered = r["stage_entered_at"]
        for order, t in enumerate(templates):
            done = rng.random() < 0.5
            yield {
                "partner_id": r["id"],
                "stage": r["stage"],
                "stage_visit": entered,
                "title": t.title if t else f"Playbook step {order + 1}",
                "description": t.description if t else "",
                "owner_side": t.owner_side if t else rng.choice(["vendor", "partner"]),
                "due_date": timezone.localdate(entered)
                + timedelta(days=(t.due_offset_days if t else 14 * (order + 1))),
                "required": t.required if t else True,
                "done": done,
                "done_at": entered + timedelta(days=1) if done else None,
                "order": order,
            }


def _agreement_rows(rng, partner_rows):
    for r in partner_rows:
        if r["stage"] == "recruitment":
            continue
        start = timezone.localdate(r["_times"][0])
        exited = r["stage"] == "exited"
        yield {
            "partner_id": r["id"],
            "kind": "reseller",
            "title": f"Reseller agreement {r['id']}",
            "start_date": start,
            "end_date": start + timedelta(days=rng.choice([365, 730, 1095])),
            "notice_period_days": 30,
            "status": "terminated" if exited else "active",
            "signed_at": r["_times"][0],
            "signed_by_name": "Pat Signer",
            "terminated_at": r["stage_entered_at"] if exited else None,
            "termination_reason": "Partnership exited" if exited else "",
            "created_at": r["_times"][0],
        }


def _partner_user_rows(uid: int, partner_rows, hashed: str):
    for n, r in enumerate(partner_rows):
        yield {
            "id": uid + n,
            "username": f"scale-partner-{r['id']}",
            "email": f"user{r['id']}@partner.example",
            "password": hashed,
            "role": "partner",
            "partner_role": "admin",  # each company's one portal user is its partner admin
            "partner_id": r["id"],
            "is_active": True,
            "date_joined": r["created_at"],
        }


def _customers(rng, pool_size: int) -> list[tuple[str, str, str]]:
    """(name, domain, name key) of a pool of customers, some relatives of earlier ones."""
    customers: list[tuple[str, str, str]] = []
    for c in range(pool_size):
        if c and rng.random() < RELATED_SHARE:
            # A relative of an earlier customer: its first word, alone or with a sector.
            word = customers[rng.randrange(c)][0].split()[0]
            name = word if rng.random() < 0.5 else f"{word} {rng.choice(SECTORS)}"
        else:
            name = made_up_name(rng)
            word = name.split()[0]
        cname = f"{name} {rng.choice(SUFFIXES)}".strip()
        domain = f"{word.lower()}{c}.{rng.choice(TLDS)}"
        customers.append((cname, domain, name_key(cname)))
    return customers


# (id, status, submitted, reviewed, manager id) of each registration written, for its events.
RegMeta = tuple[int, str, object, object, int]


def _write_registrations(w: Writer, rng, count: int, partner_rows, now) -> list[RegMeta]:
    # Customers: a pool about a third the size of the registrations, so most customers
    # are registered more than once (by the same or other partners): realistic collisions.
    pool_size = max(10, count // 3)
    customers = _customers(rng, pool_size)
    dealing = [r for r in partner_rows if r["stage"] != "recruitment"] or partner_rows
    # Bigger partners register more: a skewed pick.
    weights = [1.0 / (1 + i % 50) for i in range(len(dealing))]
    # What is already protected stays the one approval of its domain.
    approved_domains: set[str] = set(
        DealRegistration.objects.filter(status="approved").values_list("customer_domain", flat=True)
    )
    # A partner holds one open registration per customer (the database demands it too).
    open_claims: set[tuple[int, str]] = set(
        DealRegistration.objects.filter(status__in=OPEN).values_list(
            "partner_id", "customer_domain"
        )
    )
    rid = w.next_id(DealRegistration)
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=count)
    picks = rng.choices(range(len(dealing)), weights=weights, k=count)
    meta: list[RegMeta] = []

    def regs():
        today = timezone.localdate(now)
        for n in range(count):
            partner = dealing[picks[n]]
            cname, domain, key = customers[rng.randrange(pool_size)]
            status = _registration_status(
                statuses[n], partner, domain, approved_domains, open_claims
            )
            if status in WAITING:
                submitted = now - timedelta(minutes=rng.randint(5, 60 * 24 * 6))
            else:
                submitted = now - timedelta(minutes=rng.randint(60 * 24 * 7, 60 * 24 * 1000))
            row = {
                "id": rid + n,
                "partner_id": partner["id"],
                "submitted_by_id": None,
                "status": status,
                "customer_name": cname,
                "customer_domain": domain,
                "customer_country": rng.choice(COUNTRIES),
                "contact_name": "Jordan Buyer",
                "contact_email": f"jordan@{domain}",
                "product": rng.choice(PRODUCTS),
                "estimated_value": Decimal(rng.randint(1_000, 500_000)),
                "currency": rng.choice(CURRENCIES),
                "expected_close_date": today + timedelta(days=rng.randint(-400, 365)),
                "description": "",
                "submitted_at": submitted,
                "extensions_used": 0,
                "customer_name_key": key,
            }
            if status == "info_requested":  # asked some hours after it came in
                row["info_requested_at"] = min(now, submitted + timedelta(hours=rng.randint(1, 48)))
            if status not in (*WAITING, "withdrawn"):
                _add_review(rng, row, partner["manager_id"], now)
            meta.append(
                (row["id"], status, submitted, row.get("reviewed_at"), partner["manager_id"])
            )
            yield row

    w.write(DealRegistration, regs())
    return meta


def _registration_status(
    drawn: str, partner: dict, domain: str, approved_domains: set, open_claims: set
) -> str:
    """The drawn status, made possible: none open for inactive partners, one open per partner
    and customer, one approval per customer."""
    status = drawn
    if partner["stage"] not in ACTIVE and status in OPEN:
        status = "expired" if status == "approved" else "withdrawn"
    if status in OPEN and (partner["id"], domain) in open_claims:
        status = "withdrawn"
    if status == "approved":
        if domain in approved_domains:
            status = "rejected"
        else:
            approved_domains.add(domain)
    if status in OPEN:
        open_claims.add((partner["id"], domain))
    return status


def _add_review(rng, row: dict, manager_id: int, now) -> None:
    """The review of a registration past submission, and its close when it closed."""
    status = row["status"]
    reviewed = row["submitted_at"] + timedelta(hours=rng.randint(1, 96))
    row["reviewed_at"] = reviewed
    row["reviewed_by_id"] = manager_id
    if status == "rejected":
        row["rejection_reason"] = "Customer already engaged directly."
        return
    row["approved_at"] = reviewed
    row["expires_at"] = reviewed + timedelta(days=90)
    if status == "approved":
        # Protected now: most for weeks yet, a few lapse for the sweep.
        row["approved_at"] = row["reviewed_at"] = now - timedelta(days=rng.randint(1, 89))
        row["expires_at"] = row["approved_at"] + timedelta(days=90)
        if rng.random() < 0.01:
            row["expires_at"] = now - timedelta(hours=rng.randint(1, 48))
        return
    row["closed_at"] = min(now, reviewed + timedelta(days=rng.randint(5, 90)))
    if status == "won":
        row["actual_value"] = row["estimated_value"]
    if status == "lost":
        row["lost_reason"] = "Chose a competitor."


def _event_rows(reg_meta: list[RegMeta]):
    for reg_id, status, submitted, reviewed, manager_id in reg_meta:
        yield {
            "registration_id": reg_id,
            "transition": "submit",
            "from_status": "",
            "to_status": "submitted",
            "at": submitted,
        }
        if status == "info_requested":
            yield {
                "registration_id": reg_id,
                "transition": "request_info",
                "from_status": "submitted",
                "to_status": "info_requested",
                "actor_id": manager_id,
                "at": submitted + timedelta(hours=1),
            }
        if status == "withdrawn":
            yield {
                "registration_id": reg_id,
                "transition": "withdraw",
                "from_status": "submitted",
                "to_status": "withdrawn",
                "at": submitted + timedelta(days=1),
            }
        elif reviewed is not None:
            decision = "reject" if status == "rejected" else "approve"
            yield {
                "registration_id": reg_id,
                "transition": decision,
                "from_status": "submitted",
                "to_status": "rejected" if status == "rejected" else "approved",
                "actor_id": manager_id,
                "at": reviewed,
            }


def _qbr_rows(rng, qid: int, partner_rows, now) -> list[dict]:
    """Two completed QBRs per active or exited partner, and one open per active partner."""
    qbr_rows: list[dict] = []
    for r in partner_rows:
        if r["stage"] in ("recruitment", "onboarding"):
            continue
        for back in (2, 1):
            at = now - timedelta(days=91 * back + rng.randint(0, 20))
            qbr_rows.append(
                {
                    "id": qid + len(qbr_rows),
                    "partner_id": r["id"],
                    "quarter": f"{at.year}-Q{(at.month - 1) // 3 + 1}",
                    "scheduled_for": at,
                    "status": "completed",
                    "satisfaction_score": rng.randint(4, 10),
                    "outcome": "continue",
                    "metrics": {"registrations_submitted": rng.randint(0, 40)},
                    "started_at": at,
                    "completed_at": at + timedelta(hours=1),
                    "created_at": at - timedelta(days=30),
                }
            )
        if r["stage"] in ACTIVE:
            status = "in_progress" if r["stage"] == "evaluation" else "scheduled"
            at = now + timedelta(days=rng.randint(-3, 60), hours=rng.randint(0, 23))
            qbr_rows.append(
                {
                    "id": qid + len(qbr_rows),
                    "partner_id": r["id"],
                    "quarter": f"{at.year}-Q{(at.month - 1) // 3 + 1}",
                    "scheduled_for": at,
                    "status": status,
                    "started_at": now if status == "in_progress" else None,
                    "metrics": {},
                    "created_at": now - timedelta(days=30),
                }
            )
    return qbr_rows


def _action_item_rows(rng, qbr_rows):
    return (
        {
            "qbr_id": q["id"],
            "title": f"Follow up {k + 1}",
            "owner_side": rng.choice(["vendor", "partner"]),
            "due_date": timezone.localdate(q["scheduled_for"]) + timedelta(days=14),
            "done": q["status"] == "completed" and rng.random() < 0.7,
            "created_at": q["scheduled_for"],
        }
        for q in qbr_rows
        if q["status"] == "completed"
        for k in range(2)
    )


def _store_conflicts(w: Writer) -> None:
    """The conflicts between open registrations, stored as a submission stores them, by the
    same set-based backfill the migration that introduced stored conflicts ran."""
    stored = importlib.import_module("apps.deals.migrations.0004_backfill_conflicts")
    # Its temporary tables drop at commit: inside a caller's transaction, drop them now.
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TABLE IF EXISTS pg_temp.conflict_open, pg_temp.conflict_keys, pg_temp.conflict_key_pairs"
        )
    stored.backfill(installed_apps, SimpleNamespace(connection=connection))
    w.counts["deals.RegistrationConflict"] = RegistrationConflict.objects.count()


# Leads (issue 22): one for every LEADS_PER registrations, in every status, over the active
# partners, which serve one or two countries each; three routing rules (two by country, one for
# every lead) as a program would keep them.
LEADS_PER = 20
LEAD_STATUS_WEIGHTS = {
    "new": 4, "assigned": 10, "accepted": 16, "converted": 14, "rejected_by_partner": 4,
    "recalled": 4, "closed": 48,
}  # fmt: skip
LEAD_RULES = [
    ("DACH", 1, ["DE", "AT", "CH"]),
    ("North America", 2, ["US", "CA"]),
    ("Anyone", 100, []),
]
ACTIVE = ("onboarding", "growth", "maintenance")


def _write_leads(w: Writer, rng, count: int, partner_rows, now) -> None:
    for name, priority, countries in LEAD_RULES:
        RoutingRule.objects.get_or_create(
            name=name, defaults={"priority": priority, "countries": countries}
        )
    active = [r for r in partner_rows if r["stage"] in ACTIVE] or partner_rows
    with connection.cursor() as cursor:  # the countries each partner serves, by its id
        cursor.execute(
            "UPDATE partners_partner SET countries = ARRAY[(%s::varchar[])[1 + id %% %s]] "
            "|| CASE WHEN id %% 3 = 0 THEN ARRAY['AT']::varchar[] ELSE '{}' END "
            "WHERE id = ANY(%s)",
            [list(COUNTRIES), len(COUNTRIES), [r["id"] for r in partner_rows]],
        )
    statuses = rng.choices(
        list(LEAD_STATUS_WEIGHTS), weights=list(LEAD_STATUS_WEIGHTS.values()), k=count
    )
    leads, assignments = [], []
    for n, status in enumerate(statuses):
        partner = rng.choice(active)
        created = now - timedelta(minutes=rng.randint(30, 60 * 24 * 365))
        domain = f"lead{n}.example"
        row = {
            "company": f"{made_up_word(rng).title()} {rng.choice(SUFFIXES)}".strip(),
            "domain": domain,
            "country": rng.choice(COUNTRIES),
            "contact_name": "Robin Buyer",
            "contact_email": f"robin@{domain}",
            "product": rng.choice(PRODUCTS),
            "estimated_value": Decimal(rng.randint(1_000, 200_000)),
            "currency": rng.choice(CURRENCIES),
            "source": rng.choice(["web", "locator", "api", "import", "manual"]),
            "status": status,
            "created_at": created,
        }
        row["id"] = Lead._meta.pk.get_default()
        assigned = created + timedelta(minutes=rng.randint(1, 120))
        if status == "assigned":  # its clock running: due within the day
            assigned = now - timedelta(hours=rng.randint(0, 23))
            accept_by = assigned + timedelta(hours=24)
            row.update(partner_id=partner["id"], assigned_at=assigned, accept_by=accept_by)
            row["remind_at"] = row["clock_due_at"] = assigned + timedelta(hours=12)
            assignments.append((row, partner, assigned, Outcome.PENDING, None))
        elif status in ("accepted", "converted", "closed"):
            answered = assigned + timedelta(minutes=rng.randint(10, 60 * 20))
            row.update(partner_id=partner["id"], assigned_at=assigned, accepted_at=answered)
            if status == "converted":
                row["converted_at"] = answered + timedelta(days=1)
                row["registration_status"] = rng.choice(["submitted", "approved", "won", "lost"])
            if status == "closed":
                row["closed_at"] = answered + timedelta(days=rng.randint(2, 60))
            assignments.append((row, partner, assigned, Outcome.ACCEPTED, answered))
        elif status in ("rejected_by_partner", "recalled"):  # back with the vendor
            outcome = Outcome.REJECTED if status == "rejected_by_partner" else Outcome.LAPSED
            assignments.append((row, partner, assigned, outcome, assigned + timedelta(hours=24)))
        leads.append(row)
    w.write(Lead, leads)
    w.write(
        Assignment,
        (
            {
                "lead_id": row["id"],
                "partner_id": partner["id"],
                "explanation": "Seeded for the benchmark.",
                "assigned_at": at,
                "accept_by": at + timedelta(hours=24),
                "outcome": outcome,
                "ended_at": ended,
            }
            for row, partner, at, outcome, ended in assignments
        ),
    )


# Market development funds in proportion to the program: a period, an allocation for each
# active partner, about one fund request per 25 registrations in every status (the queue
# holds the submitted ones and the claims), the ledger's movements (the database's trigger
# moves the balances), and registrations credited to the approved activities.
FUND_STATUSES = {
    "draft": 8, "submitted": 15, "returned": 4, "approved": 22, "rejected": 8, "claimed": 6,
    "claim_approved": 10, "paid": 22, "cancelled": 3, "expired": 2,
}  # fmt: skip
FUND_ACTIVITIES = ["event", "webinar", "digital_campaign", "content_syndication", "training"]
FUNDED_STAGES = ("onboarding", "growth", "evaluation", "expansion")
QUEUE_ROWS = 60  # the funds queue pages show 50 (apps/funds/views.py PAGE_SIZE)


def _write_funds(w: Writer, rng, partner_rows, registrations: int, now) -> None:
    today = timezone.localdate(now)
    active = [r for r in partner_rows if r["stage"] in FUNDED_STAGES]
    if not active:
        return
    per_partner = max(1, round(registrations / len(partner_rows) / 25))
    period = FundPeriod.objects.create(
        name=f"Bench {today.isoformat()} {rng.randint(0, 10**6)}",
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=90),
        budget=Decimal(50_000 * len(active)),
        allocated_base=Decimal(40_000 * len(active)),
        currency=base_currency(),
    )
    deadline = today + timedelta(days=120)
    alloc_rows = [
        {
            "period_id": period.pk,
            "partner_id": r["id"],
            "amount": Decimal(40_000),
            "currency": period.currency,
            "amount_base": Decimal(40_000),
            "claim_deadline": deadline,
            "created_at": now - timedelta(days=90),
        }  # fmt: skip
        for r in active
    ]
    aid = w.next_id(FundAllocation)
    for n, row in enumerate(alloc_rows):
        row["id"] = aid + n
    movements: list[dict] = []
    rid = w.next_id(FundRequest)
    statuses = list(FUND_STATUSES)
    weights = list(FUND_STATUSES.values())
    request_rows: list[dict] = []

    def add(a: dict, status: str) -> None:
        row = _fund_request_row(
            rng, a, status, pk=rid + len(request_rows), now=now, deadline=deadline
        )
        request_rows.append(row)
        movements.extend(_fund_request_movements(a, row))

    for a in alloc_rows:
        for _ in range(max(1, int(rng.gauss(per_partner, per_partner / 3)))):
            add(a, rng.choices(statuses, weights=weights)[0])
    # The request and claim queues hold at least a page and a bit at every size, so the 1%
    # data's queue pages show as many rows as the full data's (the scale ratio compares the
    # cost of the data's size, not of a fuller page).
    for status in ("submitted", "claimed"):
        missing = QUEUE_ROWS - sum(r["status"] == status for r in request_rows)
        for n in range(max(0, missing)):
            add(alloc_rows[n % len(alloc_rows)], status)
    # An allocation covers what its requests committed (the database refuses an overspend):
    # the top-up can put many waiting claims on one allocation of the 1% data.
    committed: Counter = Counter()
    for m in movements:
        if m["kind"] == "committed":
            committed[m["allocation_id"]] += m["amount"]
    for a in alloc_rows:
        a["amount"] = a["amount_base"] = max(a["amount"], committed[a["id"]])
    period.allocated_base = sum(a["amount"] for a in alloc_rows)
    period.budget = period.allocated_base * 5 / 4
    period.save(update_fields=["budget", "allocated_base"])
    w.write(FundAllocation, alloc_rows)
    allocated = [
        {
            "allocation_id": a["id"],
            "kind": "allocated",
            "amount": a["amount"],
            "currency": a["currency"],
            "at": a["created_at"],
        }  # fmt: skip
        for a in alloc_rows
    ]
    movements[:0] = allocated
    w.write(FundRequest, request_rows)
    w.write(Movement, movements)
    # Registrations credited to the approved activities: each such request takes up to three of
    # its partner's registrations, none credited twice.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO funds_attribution (request_id, registration_id, at)
            SELECT r.id, d.id, r.created_at
            FROM (SELECT id, partner_id, created_at,
                         row_number() OVER (PARTITION BY partner_id ORDER BY id) AS n
                  FROM funds_fundrequest
                  WHERE status IN ('approved', 'claimed', 'claim_approved', 'paid')
                    AND allocation_id IN (
                        SELECT id FROM funds_fundallocation WHERE period_id = %s)) r
            JOIN (SELECT id, partner_id,
                         row_number() OVER (PARTITION BY partner_id ORDER BY id) AS n
                  FROM deals_dealregistration) d
              ON d.partner_id = r.partner_id AND d.n BETWEEN r.n * 3 - 2 AND r.n * 3
            ON CONFLICT DO NOTHING
            """,
            [period.pk],
        )
        w.counts["funds.Attribution"] = cursor.rowcount


def _fund_request_row(rng, a: dict, status: str, *, pk: int, now, deadline) -> dict:
    """One fund request of `status` on allocation `a`, with the fields that status has set."""
    today = timezone.localdate(now)
    created = now - timedelta(days=rng.randint(1, 80), minutes=rng.randint(0, 1440))
    requested = Decimal(rng.randint(5, 40) * 100)
    approved = requested - Decimal(rng.randint(0, 4) * 100)
    row = {
        "id": pk, "allocation_id": a["id"],
        "partner_id": a["partner_id"], "status": status,
        "activity_type": rng.choice(FUND_ACTIVITIES),
        "title": f"{made_up_word(rng).title()} {rng.choice(['webinar', 'summit', 'campaign', 'roadshow'])}",
        "starts_on": today + timedelta(days=rng.randint(-60, 60)),
        "requested_amount": requested, "expected_leads": rng.randint(5, 80),
        "expected_pipeline": requested * 20, "created_at": created,
    }  # fmt: skip
    row["ends_on"] = row["starts_on"] + timedelta(days=rng.randint(0, 2))
    if status != "draft":
        row["submitted_at"] = row["waiting_since"] = created + timedelta(hours=1)
    if status in ("approved", "claimed", "claim_approved", "paid", "expired"):
        row["approved_amount"] = approved
        row["approved_at"] = created + timedelta(days=2)
        row["claim_due"] = deadline
    if status in ("claimed", "claim_approved", "paid"):
        row["actual_cost"] = approved
        row["claimed_at"] = row["waiting_since"] = created + timedelta(days=20)
        row["leads_created"] = rng.randint(0, 60)
        row["registrations_created"] = rng.randint(0, 8)
    if status in ("claim_approved", "paid"):
        row["claim_amount"] = approved
    if status == "paid":
        row["payment_reference"] = f"MDF-{row['id']}"
        row["paid_on"] = today - timedelta(days=rng.randint(0, 20))
        row["paid_at"] = now - timedelta(days=rng.randint(0, 20))
    return row


def _fund_request_movements(a: dict, row: dict) -> list[dict]:
    """The ledger's movements a request of the row's status has made on its allocation."""
    status, approved = row["status"], row.get("approved_amount")
    kinds = {
        "approved": ["committed"],
        "claimed": ["committed"],
        "claim_approved": ["committed", "claimed"],
        "paid": ["committed", "claimed", "paid"],
        "expired": ["committed", "released"],
    }.get(status, [])
    return [_movement(a, row, kind, approved) for kind in kinds]


def _movement(allocation: dict, request: dict, kind: str, amount: Decimal) -> dict:
    return {
        "allocation_id": allocation["id"], "request_id": request["id"], "kind": kind,
        "amount": amount, "currency": allocation["currency"], "at": request["created_at"],
    }  # fmt: skip


def _analyze(model_list) -> None:
    """Statistics, and (outside a transaction) the visibility map a live database's
    autovacuum keeps: without it PostgreSQL's index-only scans read the heap anyway.

    Outside a transaction the whole database is vacuumed, not only the tables written here: the
    triggers fill the roll-ups (the dashboard's per-day counts and review-time histograms, the
    routing counts) row by row as the batches arrive, leaving some 700,000 dead row versions at
    the full size that a live database's autovacuum would have cleared long since. Left there,
    the dashboard's review-time read visited 119,000 index entries for 15,000 live rows (16 ms
    instead of 4)."""
    with connection.cursor() as cursor:
        if not connection.in_atomic_block:
            cursor.execute("VACUUM (ANALYZE)")
            return
        for model in model_list:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def main(argv: list[str]) -> None:
    call_command(Command(), *argv)


if __name__ == "__main__":
    main(sys.argv[1:])
