"""The mixed-load benchmark's pure parts (bench/mixed.py, bench/load.py): the steps, the logins
it prepares, every submission a new claim, the manager's decision read from the real page, the
CPU split and the targets. The Locust scenario itself runs in `make bench` (CI's quick size)."""

from __future__ import annotations

import math
import os

import pytest

from bench import mixed
from bench.load import classify, cpu_seconds, machine_busy_seconds
from tests.deals.factories import RegistrationFactory


def test_steps_full_quick_and_chosen(monkeypatch):
    monkeypatch.delenv("BENCH_MIX_STEPS", raising=False)
    assert mixed.steps(quick=False) == [25, 50, 100, 200]
    assert mixed.steps(quick=True) == [10, 25, 50]
    monkeypatch.setenv("BENCH_MIX_STEPS", "5, 40")
    assert mixed.steps(quick=False) == [5, 40]


def test_there_are_logins_for_every_user_of_a_step():
    # Locust gives each class its weighted share, rounded either way: one more than the exact
    # share of each kind is always there, so no two users of a step share a login.
    for users in range(1, 201):
        need = mixed.logins_needed(users)
        for kind, share in mixed.MIX.items():
            assert need[kind] >= math.ceil(users * share) + 1, (users, kind)
    assert sum(mixed.MIX.values()) == pytest.approx(1.0)


def test_every_submission_of_a_partner_is_a_new_customer_and_partners_start_apart():
    domains = [f"customer{n}.example" for n in range(2000)]
    for slot in range(0, 160, 7):
        walked = [mixed.domain_for(slot, k, domains) for k in range(len(domains))]
        assert len(set(walked)) == len(domains)
    firsts = [mixed.domain_for(slot, 0, domains) for slot in range(150)]
    assert len(set(firsts)) == 150


@pytest.mark.django_db
def test_the_manager_approves_what_the_real_page_offers_and_rejects_the_rest(bob, client_for):
    free = RegistrationFactory(customer_domain="free.example")
    RegistrationFactory(customer_domain="held.example", approved=True)
    held = RegistrationFactory(customer_domain="held.example")
    page = client_for(bob)
    for reg, expected in ((free, "approve"), (held, "reject")):
        html = page.get(f"/registrations/{reg.pk}/").content.decode()
        assert mixed.review_action(html, reg.pk) == expected
        # Another registration's button is not this one's.
        assert mixed.review_action(html, reg.pk * 10) == "reject"


def test_cpu_split_in_cores_with_the_rest_of_the_machine_as_other():
    before = {"app": 10.0, "postgres": 5.0, "load": 1.0, "machine": 100.0}
    after = {"app": 20.0, "postgres": 10.0, "load": 2.0, "machine": 130.0}
    assert mixed.cpu_split(before, after, 10.0) == {
        "app": 1.0,
        "postgres": 0.5,
        "load": 0.1,
        "other": 1.4,
    }


def test_processes_are_counted_by_root_then_parent_then_program():
    roots = {"app": 100, "load": 7}
    assert classify(100, 1, "gunicorn\0", roots) == "app"
    assert classify(101, 100, "gunicorn\0", roots) == "app"  # a worker
    assert classify(100, 7, "gunicorn\0", roots) == "app"  # the root itself before its parent
    assert classify(7, 1, "python\0", roots) == "load"
    assert classify(55, 1, "postgres: 15/main: postgres db\0", roots) == "postgres"
    assert classify(56, 1, "/usr/lib/postgresql/15/bin/postgres\0-D\0", roots) == "postgres"
    assert classify(57, 1, "/usr/bin/redis-server 127.0.0.1:6379\0", roots) == "redis"
    assert classify(58, 1, "bash\0", roots) is None


def test_cpu_is_read_from_proc_for_this_process():
    used = cpu_seconds({"load": os.getpid()})
    assert set(used) == {"load", "postgres", "redis"}
    assert used["load"] > 0
    assert machine_busy_seconds() >= used["load"] / (os.cpu_count() or 1)


def _step(users, p95, failures=0):
    total = {
        "requests": 100,
        "failures": failures,
        "rps": 10.0,
        "p50_ms": 20,
        "p95_ms": p95,
        "p99_ms": p95,
    }
    return {
        "users": users,
        "total": total,
        "requests": {"manager: dashboard": total},
        "errors": {"manager: dashboard: 500": failures} if failures else {},
        "cpu_cores": {"app": 1.0, "postgres": 0.5, "celery": 0.1, "load": 0.1, "other": 0.2},
    }


def test_targets_speak_of_the_steps_that_ran():
    run = {"steps": [_step(25, 40), _step(100, 149), _step(200, 600)]}
    assert mixed.targets(run) == {
        "mixed_100_users_p95<150ms": True,
        "mixed_200_users_p95<500ms": False,
        "mixed_no_failed_request": True,
    }
    quick = {"steps": [_step(10, 30), _step(50, 90, failures=2)]}
    assert mixed.targets(quick) == {"mixed_no_failed_request": False}


def test_the_table_has_a_row_per_step_and_per_request_and_lists_failures():
    run = {
        "gunicorn_workers": 5,
        "celery_workers": 1,
        "step_seconds": 60.0,
        "steps": [_step(25, 40), _step(50, 90, failures=2)],
    }
    text = mixed.table(run)
    assert "| 25 | 10.0 | 0 | 20 | 40 | 40 | 1.0, 0.5, 0.1, , 0.1, 0.2 |" in text
    assert "| 50 | manager: dashboard | 100 | 2 | 20 | 90 | 90 |" in text
    assert "- 2 × manager: dashboard: 500" in text
