"""The mixed load (issue 24): partner users, managers and API integrations together, with
Locust (bench/scenario.py, driven by bench/steps.py), against gunicorn and a real Celery worker
consuming the product's queue (notifications are delivered, dashboard refreshes run) on the
seeded database. Called by bench/run.py after Django is set up for that database.

Logins happen here, before any load: one session per partner user and manager and one token per
integration, for as many users of each kind as the largest step has."""

from __future__ import annotations

import json
import os
import random
import secrets
import subprocess
import time
from pathlib import Path

from bench.load import free_port, gunicorn, running, wait_until_serving

MIX = {"partners": 0.70, "managers": 0.25, "api": 0.05}
FULL_STEPS, QUICK_STEPS = (25, 50, 100, 200), (10, 25, 50)
TARGETS_P95_MS = {100: 150, 200: 500}  # reported, not asserted
PRODUCT_QUEUE = "celery"  # partneros/settings.py's CELERY_TASK_DEFAULT_QUEUE when not set


def steps(quick: bool) -> list[int]:
    raw = os.environ.get("BENCH_MIX_STEPS")
    if raw:
        return [int(v) for v in raw.split(",") if v.strip()]
    return list(QUICK_STEPS if quick else FULL_STEPS)


def logins_needed(users: int) -> dict[str, int]:
    """How many prepared logins of each kind the largest step needs (Locust rounds the mix, so
    one spare of each)."""
    return {kind: int(users * share) + 2 for kind, share in MIX.items()}


# The scenario's pure parts (bench/scenario.py and bench/steps.py import Locust, which
# patches the standard library: they stay out of the test process).


def domain_for(slot_n: int, k: int, domains: list[str]) -> str:
    """The customer domain of a slot's k-th submission: each slot walks the pool from its own
    offset, so one partner never claims a customer twice (a partner holds one open registration
    per customer) for the first len(domains) submissions, and the partners of one run spread
    over the pool instead of all claiming the same customer first."""
    return domains[(slot_n * 13 + k) % len(domains)]


def review_action(html: str, pk: int) -> str:
    """What a manager does on a waiting registration's page: approve when the page offers it
    (no other partner protects the customer), else reject."""
    return "approve" if f"/registrations/{pk}/transitions/approve/" in html else "reject"


def cpu_split(before: dict, after: dict, seconds: float) -> dict:
    """CPU used per process group during a window, as a share of one core (1.0 = one core busy
    all the time; the machine has os.cpu_count()). `other` is the machine's busy time that none
    of the named groups used (everything else running on the machine meanwhile)."""
    used = {k: after[k] - before[k] for k in after}
    named = sum(v for k, v in used.items() if k != "machine")
    used["other"] = max(0.0, used.pop("machine") - named)
    return {k: round(v / seconds, 2) for k, v in used.items()}


def _active_partner_users(count: int, rng: random.Random):
    from apps.accounts.models import User
    from apps.partners.models import ACTIVE_STAGES

    ids = list(
        User.objects.filter(
            role="partner", is_active=True, partner__stage__in=list(ACTIVE_STAGES)
        ).values_list("id", flat=True)
    )
    chosen = rng.sample(ids, min(count, len(ids)))
    return list(User.objects.filter(id__in=chosen).order_by("id"))


def _recent_registrations(partner_ids: list[int], per_partner: int = 5) -> dict[int, list[int]]:
    from django.db import connection

    from apps.deals.models import DealRegistration

    table = DealRegistration._meta.db_table
    sql = (
        f"SELECT partner_id, id FROM (SELECT partner_id, id, row_number() OVER "  # noqa: S608
        f"(PARTITION BY partner_id ORDER BY submitted_at DESC) AS n FROM {table} "
        f"WHERE partner_id = ANY(%s)) recent WHERE n <= %s"
    )
    found: dict[int, list[int]] = {pk: [] for pk in partner_ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, [partner_ids, per_partner])
        for partner_id, reg_id in cursor.fetchall():
            found[partner_id].append(reg_id)
    return found


def _session(user, csrf: str) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"session": client.cookies["sessionid"].value, "csrf": csrf}


def plan(*, port: int, users: int, seed: int = 24) -> dict:
    """Everything the load generator needs, made before it starts: the logins, each partner's
    recent registrations (for its detail pages), customer domains none of the load's partners
    holds open and new customer names (every submission a new claim), partners for the
    managers' partner pages."""
    from apps.accounts.models import User
    from apps.accounts.services import token_create
    from apps.partners.models import Partner
    from bench.measure import fresh_domains, submission_payload
    from bench.seed import SUFFIXES, made_up_name

    rng = random.Random(seed)
    need = logins_needed(users)
    partner_users = _active_partner_users(need["partners"] + need["api"], rng)
    portal, api = partner_users[: need["partners"]], partner_users[need["partners"] :]
    recent = _recent_registrations([u.partner_id for u in portal])
    managers = list(User.objects.filter(role="manager", is_active=True).order_by("id"))
    partner_ids = list(Partner.objects.values_list("id", flat=True))
    template = submission_payload(0, ["example.com"])
    return {
        "host": f"http://127.0.0.1:{port}",
        "partners": [
            {**_session(u, secrets.token_hex(16)), "registrations": recent[u.partner_id]}
            for u in portal
        ],
        "managers": [
            _session(managers[n % len(managers)], secrets.token_hex(16))
            for n in range(need["managers"])
        ],
        "api": [{"token": token_create(u)} for u in api],
        "domains": fresh_domains(partner_users, 2000),
        "names": [f"{made_up_name(rng)} {rng.choice(SUFFIXES)}".strip() for _ in range(5000)],
        "submission": {
            k: v for k, v in template.items() if k not in ("customer_name", "customer_domain")
        },
        "partner_ids": rng.sample(partner_ids, min(500, len(partner_ids))),
    }


def mixed_load(*, root: Path, python: str, env: dict, workers: int, quick: bool) -> dict:
    """gunicorn (`workers` sync workers) and one Celery worker on the product's queue, the
    scenario's steps run by Locust in its own process; the registrations and notifications the
    load made are removed after, and the queue emptied."""
    from django.db import connections

    from bench.measure import undo_writes, writes_mark

    started = time.monotonic()
    sizes = steps(quick)
    step_seconds = float(os.environ.get("BENCH_MIX_SECONDS", 10 if quick else 60))
    settle = float(os.environ.get("BENCH_MIX_SETTLE", 5 if quick else 10))
    port = free_port()
    # The product's queue, not the one the other tables send their nudges to (nobody reads it).
    env = {**env, "CELERY_TASK_DEFAULT_QUEUE": PRODUCT_QUEUE}
    _empty_queue(env)  # nothing left from an earlier run for the worker to catch up on
    var = root / "var"
    plan_path, out_path = var / "bench-mixed-plan.json", var / "bench-mixed-steps.json"
    mark = writes_mark()
    the_plan = plan(port=port, users=max(sizes))
    connections.close_all()
    celery = [
        str(Path(python).with_name("celery")),
        "-A",
        "partneros",
        "worker",
        "--concurrency=1",
        "--without-mingle",
        "--without-gossip",
        "--loglevel=INFO",  # each task run, in var/bench-celery.log
    ]
    try:
        with (
            running(celery, cwd=root, env=env, log_path=var / "bench-celery.log") as worker,
            running(
                gunicorn(python, port, workers),
                cwd=root,
                env=env,
                log_path=var / "bench-mixed-gunicorn.log",
                port=port,
            ) as app,
        ):
            wait_until_serving(port, "/healthz", seconds=120, workers=2 * workers)
            the_plan.update(
                app_pid=app.pid,
                celery_pid=worker.pid,
                steps=sizes,
                step_seconds=step_seconds,
                settle_seconds=settle,
            )
            plan_path.write_text(json.dumps(the_plan))
            subprocess.run(
                [python, "-m", "bench.steps", str(plan_path), str(out_path)],
                cwd=root,
                env={**env, "PYTHONWARNINGS": "ignore"},
                check=True,
            )
        result = json.loads(out_path.read_text())
    finally:
        plan_path.unlink(missing_ok=True)  # sessions and tokens
        removed = undo_writes(mark)  # rows: the registrations with their events and conflicts
        _empty_queue(env)
    return {
        "gunicorn_workers": workers,
        "celery_workers": 1,
        "mix": MIX,
        "think_seconds": [1, 5],
        "step_seconds": step_seconds,
        "settle_seconds": settle,
        "logins": {k: len(the_plan[k]) for k in ("partners", "managers", "api")},
        "rows_removed_after": removed,
        "seconds": round(time.monotonic() - started, 1),
        **result,
    }


def _empty_queue(env: dict) -> None:
    """Drop what no worker has taken (after the run: a refresh, a delivery nudge)."""
    try:
        import redis

        redis.Redis.from_url(env["REDIS_URL"]).delete(env["CELERY_TASK_DEFAULT_QUEUE"])
    except Exception:  # noqa: S110 - nothing to clean if Redis is not there
        pass


def targets(mixed: dict) -> dict:
    """The issue's mixed-load targets, where this run had the step they speak of."""
    by_users = {s["users"]: s["total"] for s in mixed["steps"]}
    met = {
        f"mixed_{users}_users_p95<{limit}ms": by_users[users]["p95_ms"] < limit
        for users, limit in TARGETS_P95_MS.items()
        if users in by_users and by_users[users]["p95_ms"] is not None
    }
    met["mixed_no_failed_request"] = all(t["failures"] == 0 for t in by_users.values())
    return met


def table(mixed: dict) -> str:
    cpu_keys = ("app", "postgres", "celery", "redis", "load", "other")
    lines = [
        f"Mixed load (Locust): {mixed['gunicorn_workers']} gunicorn workers, "
        f"{mixed['celery_workers']} Celery worker; 70% partner users, 25% managers, 5% API; "
        f"think time 1-5 s; {mixed['step_seconds']} s measured per step "
        f"({mixed.get('seconds', '?')} s in all).",
        "",
        "| users | req/s | failures | p50 ms | p95 ms | p99 ms "
        "| CPU cores: app, PostgreSQL, Celery, Redis, load, other |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for s in mixed["steps"]:
        t, cpu = s["total"], s["cpu_cores"]
        lines.append(
            f"| {s['users']} | {t['rps']} | {t['failures']} | {t['p50_ms']} | {t['p95_ms']} | "
            f"{t['p99_ms']} | {', '.join(str(cpu.get(k, '')) for k in cpu_keys)} |"
        )
    lines += [
        "",
        "| users | request | n | failures | p50 ms | p95 ms | p99 ms |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for s in mixed["steps"]:
        for name, r in s["requests"].items():
            lines.append(
                f"| {s['users']} | {name} | {r['requests']} | {r['failures']} | {r['p50_ms']} | "
                f"{r['p95_ms']} | {r['p99_ms']} |"
            )
    errors = {e: n for s in mixed["steps"] for e, n in s["errors"].items()}
    if errors:
        lines += ["", "Failures:"] + [f"- {n} × {e}" for e, n in errors.items()]
    return "\n".join(lines)
