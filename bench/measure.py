"""In-process timings on one seeded database (run by bench.run in a subprocess):
`python -m bench.measure OUT.json [--iterations N] [--sweeps]`. Prints nothing but errors."""

from __future__ import annotations

import itertools
import json
import math
import os
import random
import statistics
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from datetime import datetime, timedelta  # noqa: E402

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.accounts.services import token_create  # noqa: E402
from apps.core import sweeps  # noqa: E402
from apps.dashboard import cache as dashboard_cache  # noqa: E402
from apps.dashboard.models import HealthMark, MoneyMark  # noqa: E402
from apps.dashboard.tasks import refresh as dashboard_refresh  # noqa: E402
from apps.deals.models import OPEN_STATUSES, DealRegistration  # noqa: E402
from apps.leads.models import Lead  # noqa: E402
from apps.leads.services import lead_create  # noqa: E402
from bench.seed import SUFFIXES, made_up_name, made_up_word  # noqa: E402


def stats(samples: list[float]) -> dict:
    s = sorted(samples)
    return {
        "n": len(s),
        "median_ms": round(statistics.median(s), 2),
        "p95_ms": round(s[max(0, math.ceil(0.95 * len(s)) - 1)], 2),
    }


def timed(fn, iterations: int, warmup: int = 3) -> tuple[dict, int]:
    for _ in range(warmup):
        fn(0)
    samples = []
    queries = 0
    for i in range(iterations):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            fn(i + 1)
            samples.append((time.perf_counter() - t0) * 1000)
        queries = len(ctx.captured_queries)
    return {**stats(samples), "queries": queries}, queries


def actors():
    manager = User.objects.filter(role="manager", username__startswith="scale-manager-").first()
    busiest = (
        DealRegistration.objects.filter(partner__stage="growth")
        .values("partner_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:20]
    )
    ids = [row["partner_id"] for row in busiest]
    partner_users = list(User.objects.filter(role="partner", partner_id__in=ids, is_active=True))
    return manager, partner_users


def fresh_domains(partner_users, limit: int) -> list[str]:
    """Recent customers' domains, so conflict detection meets their registrations, that none of
    the benchmark's partners holds open (a partner holds one open registration per customer):
    each (partner, domain) the benchmark submits is a new claim, answered 201."""
    open_statuses = list(OPEN_STATUSES)  # submitted, info requested, approved: as the service
    taken = set(
        DealRegistration.objects.filter(
            partner_id__in={u.partner_id for u in partner_users}, status__in=open_statuses
        ).values_list("customer_domain", flat=True)
    )
    recent = (
        DealRegistration.objects.filter(status__in=open_statuses)
        .order_by("-submitted_at")
        .values_list("customer_domain", flat=True)[: limit * 10]
    )
    return [d for d in dict.fromkeys(recent) if d not in taken][:limit]


def submission_payload(n: int, domains: list[str]) -> dict:
    """A new customer's name made the way the seeded ones are (made-up words with a legal
    suffix), so each submission's name search meets a realistic neighbourhood: names sharing
    a long common prefix would all be similar to each other and the search would measure that."""
    today = timezone.localdate()
    rng = random.Random(uuid.uuid4().int)
    return {
        "customer_name": f"{made_up_name(rng)} {rng.choice(SUFFIXES)}".strip(),
        # Existing customers' domains: conflict detection finds the other registrations.
        # Once they run out (a small data set), a new customer each: never a second open claim.
        "customer_domain": (
            f"https://www.{domains[n]}/contact"
            if n < len(domains)
            else f"https://www.{made_up_word(rng).lower()}{n}.de/contact"
        ),
        "customer_country": "DE",
        "contact_name": "Jordan Buyer",
        "contact_email": "jordan@example.com",
        "product": "Analytics suite",
        "estimated_value": "48000.00",
        "currency": "EUR",
        "expected_close_date": (today + timedelta(days=45)).isoformat(),
        "description": "Benchmark submission.",
    }


def writes_mark() -> datetime:
    """Where the benchmark's own writes begin: the time (ids are random, they do not grow)."""
    return timezone.now()


def undo_writes(since: datetime) -> int:
    """Remove the registrations (with their events and conflict pairs) and the notifications
    the benchmark created, so every run measures the seeded program, not the last run's
    submissions piled on it. Returns how many registrations were removed."""
    from apps.notifications.models import Notification

    with transaction.atomic():
        removed, _ = DealRegistration.objects.filter(submitted_at__gte=since).delete()
        Lead.objects.filter(created_at__gte=since).delete()  # with their assignments
        Notification.objects.filter(created_at__gte=since).delete()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM bench_ceiling")
    return removed


def committed_sweeps(out: str) -> None:
    """On a throwaway copy of the seeded database (bench/run.py makes and drops it): each sweep's
    catch-up committed, then VACUUM ANALYZE as autovacuum would, then its repeat passes, each
    committed — what the next beats cost a live program. (In the rolled-back measure the repeat
    runs inside the catch-up's own transaction, where the rows it just marked still sit in the
    due-indexes as dead versions it must visit.)"""
    runs = int(os.environ.get("BENCH_SWEEP_RUNS", "3"))
    results: dict = {}
    for name in sorted(sweeps.REGISTRY, key=lambda n: n == "notification_delivery"):
        t0 = time.perf_counter()
        sweeps.run(name, timezone.now())
        catch_up = (time.perf_counter() - t0) * 1000
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        repeat = []
        for _ in range(runs):
            t0 = time.perf_counter()
            sweeps.run(name, timezone.now())
            repeat.append((time.perf_counter() - t0) * 1000)
        results[name] = {"catch_up_ms": round(catch_up, 2), "repeat": stats(repeat)}
    with open(out, "w") as fh:
        json.dump(results, fh, indent=2, default=str)


def main() -> None:
    out = sys.argv[1]
    if "--committed-sweeps" in sys.argv:
        committed_sweeps(out)
        return
    mark = writes_mark()
    try:
        _measure(out)
    finally:
        undo_writes(mark)


def _measure(out: str) -> None:
    iterations = int(os.environ.get("BENCH_ITERATIONS", "30"))
    run_sweeps = "--sweeps" in sys.argv
    manager, partner_users = actors()
    partner = partner_users[0]
    token = token_create(partner)
    domains = fresh_domains([partner], 200)
    submitted = itertools.count()  # warm-up calls repeat n: each submission gets its own domain
    staff = Client()
    staff.force_login(manager)
    portal = Client()
    portal.force_login(partner)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    results: dict = {"endpoints": {}, "sweeps": {}}

    def ok(response, code=200):
        if response.status_code != code:  # checked under python -O too
            raise AssertionError((response.status_code, response.content[:300]))

    def submit(n):
        ok(
            api.post(
                "/api/v1/deal-registrations/",
                submission_payload(next(submitted), domains),
                content_type="application/json",
            ),
            201,
        )

    routed = itertools.count()

    def route_lead(n):
        """A new lead from Germany routed by the rules (bench/seed.py: DACH first): the rule's
        matching partners, their open leads and what the rule gave each, one choice."""
        lead = lead_create(
            data={
                "company": f"Routed {n} GmbH",
                "domain": f"routed{next(routed)}.example",
                "country": "DE",
                "contact_name": "Kim Buyer",
                "contact_email": "kim@routed.example",
                "product": "Analytics suite",
            },
            source="api",
            actor=manager,
            route=True,
        )
        if lead.partner_id is None:  # checked under python -O too
            raise AssertionError("the benchmark's lead was not routed")

    endpoints = {
        "lead_routing": route_lead,
        "portal_lead_inbox": lambda n: ok(portal.get("/portal/leads/")),
        "api_deal_submission": submit,
        "review_queue_page": lambda n: ok(staff.get("/registrations/")),
        "portal_registration_list": lambda n: ok(portal.get("/portal/registrations/")),
        "api_registration_list": lambda n: ok(api.get("/api/v1/deal-registrations/")),
        # Market development funds: the manager's request queue, the partner's "My funds".
        "funds_request_queue": lambda n: ok(staff.get("/funds/queue/")),
        "portal_my_funds": lambda n: ok(portal.get("/portal/funds/")),
        # The page shows a stored snapshot of its figures (apps/dashboard/snapshot.py):
        # current, then right after a write (the stale snapshot shown, a refresh requested —
        # the lock is released so every iteration requests one), then the refresh itself (what
        # the worker computes: every figure), then with no snapshot at all (computed in the page).
        "dashboard": lambda n: ok(staff.get("/")),
        "dashboard_after_write": lambda n: (
            dashboard_cache.bump(),
            dashboard_cache.release(90, None),
            ok(staff.get("/")),
        ),
        # As after a registration's write: its partner marked for its health score and money
        # figures (the triggers of apps/dashboard/stores.py), so every refresh recomputes one
        # partner's; what such a write does not touch (the lifecycle figures, the leads, the
        # return on funds: apps/core/freshness.py) is kept.
        "dashboard_refresh": lambda n: (
            HealthMark.objects.create(partner_id=partner.partner_id),
            MoneyMark.objects.create(partner_id=partner.partner_id),
            dashboard_refresh(90, None),
        ),
        "dashboard_uncached": lambda n: (dashboard_cache.cache.clear(), ok(staff.get("/"))),
    }
    for name, fn in endpoints.items():
        results["endpoints"][name], _ = timed(fn, iterations)

    if run_sweeps:
        # Each sweep over the whole data set, in a transaction rolled back after, so every run
        # sees the same data: the first pass catches up on everything due, the second finds
        # nothing left to do (what a sweep costs on its next beat).
        for name in sorted(sweeps.REGISTRY, key=lambda n: n == "notification_delivery"):
            first, repeat, did = [], [], {}
            try:
                _sweep_runs(name, first, repeat, did)
            except Exception as exc:  # an app still being built: report it, measure the rest
                results["sweeps"][name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                continue
            results["sweeps"][name] = {
                "catch_up": stats(first),
                "repeat": stats(repeat),
                "did": did,
            }
    results["rows"] = {
        "partners": connection.cursor()
        .execute("SELECT count(*) FROM partners_partner")
        .fetchone()[0],
        "registrations": DealRegistration.objects.count(),
        "leads": Lead.objects.count(),
    }
    with open(out, "w") as fh:
        json.dump(results, fh, indent=2, default=str)


def _sweep_runs(name, first, repeat, did) -> None:
    for _ in range(int(os.environ.get("BENCH_SWEEP_RUNS", "3"))):
        with transaction.atomic():
            now = timezone.now()
            t0 = time.perf_counter()
            done = sweeps.run(name, now)
            first.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            sweeps.run(name, now)
            repeat.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)
        did.clear()
        did.update(done)


if __name__ == "__main__":
    main()
