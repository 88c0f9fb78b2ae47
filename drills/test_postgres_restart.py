"""PostgreSQL restarted under load (a private cluster): the app recovers by itself through its
connection health checks, and requests that failed left no half-written rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.utils import timezone

from bench.load import free_port, run_load, wait_for_port
from drills.servers import PrivatePostgres

ROOT = Path(__file__).resolve().parents[1]
SETUP = """
from apps.accounts.models import User
from apps.accounts.services import token_create
from apps.partners.models import Partner
from apps.program.models import PartnerType
manager = User.objects.create_user("mara", "mara@vendor.example", "x", role="manager")
partner = Partner(name="Restart Partners", stage="growth", manager=manager,
                  partner_type=PartnerType.objects.first())
partner.save()
user = User.objects.create_user("rita", "rita@partner.example", "x", role="partner", partner=partner)
print(token_create(user))
"""


@pytest.fixture
def private_postgres():
    server = PrivatePostgres(int(os.environ.get("DRILL_PG_PORT", "5433")))
    server.init()
    server.start()
    server.create_database()
    try:
        yield server
    finally:
        server.cleanup()


def test_the_app_recovers_from_a_postgres_restart_without_half_written_rows(private_postgres):
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        DATABASE_URL=private_postgres.url,
        PARTNEROS_TESTING="1",
        DATABASE_CONN_MAX_AGE="600",
        NOTIFY_NUDGE_DELIVERY="0",
        DJANGO_SETTINGS_MODULE="partneros.settings",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    token = (
        subprocess.run(
            [*manage, "shell", "-c", SETUP],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    port = free_port()
    log = open(private_postgres.dir / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "partneros.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    close = (timezone.localdate() + timedelta(days=30)).isoformat()
    names: dict[int, str] = {}

    def build(n):
        names[n] = f"Restart Customer {n:05d}"
        body = {
            "customer_name": names[n],
            "customer_domain": f"restart{n}.example",
            "customer_country": "US",
            "contact_name": "Jordan Buyer",
            "contact_email": "jordan@example.com",
            "product": "Suite",
            "estimated_value": "5000.00",
            "currency": "USD",
            "expected_close_date": close,
        }
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Token {token}",
            "Host": "127.0.0.1",
        }
        return "POST", "/api/v1/deal-registrations/", headers, json.dumps(body).encode()

    try:
        wait_for_port(port, seconds=30)
        # Ready when every worker answers: a few successful requests before the load starts.
        warm = run_load(
            "warm",
            "127.0.0.1",
            port,
            lambda n: build(n + 200_000),
            concurrency=3,
            duration=60,
            max_requests=6,
            warmup=0,
        )
        log.flush()
        tail = (private_postgres.dir / "gunicorn.log").read_text()[-3000:]
        assert warm.statuses == {201: 6}, (warm.statuses, warm.samples, tail)
        restarter = threading.Timer(3.0, private_postgres.restart)
        restarter.start()
        answers: dict[int, tuple[int, str]] = {}

        def heard(n, status, body):
            code = json.loads(body).get("code", "") if status == 503 else ""
            answers[n] = (status, code)

        during = run_load(
            "restart",
            "127.0.0.1",
            port,
            build,
            concurrency=4,
            duration=10,
            warmup=0,
            on_answer=heard,
        )
        restarter.join()
        print(f"\nunder load with a restart at 3 s: {during.summary()}")
        # Recovered by itself: no process restarted, every later request succeeds.
        offset = 100_000
        after = run_load(
            "after",
            "127.0.0.1",
            port,
            lambda n: build(n + offset),
            concurrency=2,
            duration=30,
            max_requests=40,
            warmup=0,
        )
        print(f"after the restart: {after.summary()}")
        assert after.statuses == {201: 40}, after.statuses
        # While it restarts: accepted, or 503 with Retry-After (nothing done) — never a 500.
        # (0: the load generator's own connection failed, no answer at all.)
        assert set(during.statuses) <= {201, 503, 0}, during.statuses
    finally:
        server.terminate()
        server.wait(20)
        log.close()

    created = 6 + during.statuses.get(201, 0) + after.statuses.get(201, 0)
    _check_outcomes(private_postgres.url, names, answers, created)


def _check_outcomes(url, names, answers, created):
    with psycopg.connect(url) as conn:
        half = conn.execute(
            "SELECT count(*) FROM deals_dealregistration r WHERE NOT EXISTS "
            "(SELECT 1 FROM deals_registrationevent e WHERE e.registration_id = r.id "
            "AND e.transition = 'submit') OR NOT EXISTS "
            "(SELECT 1 FROM notifications_notification n WHERE n.key LIKE "
            "'deal-submitted:' || r.id || ':%%')"
        ).fetchone()[0]
        stored = conn.execute("SELECT count(*) FROM deals_dealregistration").fetchone()[0]
        kept = {
            name for (name,) in conn.execute("SELECT customer_name FROM deals_dealregistration")
        }
    outcomes = Counter(code or status for status, code in answers.values())
    print(f"stored {stored} registrations for {created} answered 201; half-written: {half}")
    print(f"answers while it restarted: {dict(outcomes)}")
    assert half == 0
    # Request by request: a 201 was stored; a 503 that said nothing was done stored nothing;
    # only a lost answer (0) or a commit whose acknowledgement was lost ("outcome_unknown") may
    # have gone either way.
    for n, (status, code) in answers.items():
        if status == 201:
            assert names[n] in kept, (n, status)
        elif status == 503 and code != "outcome_unknown":
            assert names[n] not in kept, (n, status, code)
    assert stored - created == sum(
        names[n] in kept for n, (status, code) in answers.items() if status != 201
    )
