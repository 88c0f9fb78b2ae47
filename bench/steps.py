"""Runs the mixed-load scenario (bench/scenario.py) headless with Locust, step by step:
`python -m bench.steps PLAN.json OUT.json` (started by bench/mixed.py, which prepares the plan and
the servers). Each step grows the users to its size, lets them settle (spawned users act at
once), then measures for a fixed time: requests a second, failures, p50/p95/p99 overall and per
request, and the CPU each process group used (/proc)."""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
from locust.env import Environment  # noqa: E402
from locust.log import setup_logging  # noqa: E402
from locust.stats import StatsEntry  # noqa: E402

from bench.load import cpu_seconds, machine_busy_seconds  # noqa: E402
from bench.mixed import cpu_split  # noqa: E402

PERCENTILES = {"p50_ms": 0.5, "p95_ms": 0.95, "p99_ms": 0.99}


def entry_summary(entry: StatsEntry, seconds: float) -> dict:
    """One request type's (or the total's) figures over a measured window."""
    n = entry.num_requests
    row = {
        "requests": n,
        "failures": entry.num_failures,
        "rps": round(n / seconds, 1) if seconds else 0.0,
    }
    for key, p in PERCENTILES.items():
        row[key] = entry.get_response_time_percentile(p) if n else None
    row["max_ms"] = round(entry.max_response_time) if n else None
    return row


def sample(roots: dict[str, int]) -> dict:
    return {**cpu_seconds(roots), "machine": machine_busy_seconds()}


def run_step(env: Environment, users: int, *, seconds: float, settle: float, roots) -> dict:
    runner = env.runner
    runner.start(users, spawn_rate=min(users, 100))  # Locust warns above 100 a second
    if runner.spawning_greenlet is not None:
        runner.spawning_greenlet.join()
    gevent.sleep(settle)
    env.stats.reset_all()
    before, t0 = sample(roots), time.monotonic()
    gevent.sleep(seconds)
    after, elapsed = sample(roots), time.monotonic() - t0
    stats = env.stats
    by_request = {
        name: entry_summary(entry, elapsed)
        for (name, _method), entry in sorted(stats.entries.items())
        if entry.num_requests  # reset entries of requests not made in this window
    }
    errors = {f"{e.name}: {e.error}"[:200]: e.occurrences for e in stats.errors.values()}
    return {
        "users": users,
        "users_by_class": runner.user_classes_count,
        "seconds": round(elapsed, 1),
        "total": entry_summary(stats.total, elapsed),
        "requests": by_request,
        "errors": errors,
        "cpu_cores": cpu_split(before, after, elapsed),
    }


def main(plan_path: str, out_path: str) -> None:
    os.environ["BENCH_PLAN"] = plan_path
    setup_logging("WARNING")
    from bench import scenario  # reads the plan

    plan = scenario.PLAN
    roots = {"app": plan["app_pid"], "celery": plan["celery_pid"], "load": os.getpid()}
    env = Environment(
        user_classes=[scenario.PartnerUser, scenario.ManagerUser, scenario.ApiUser],
        host=plan["host"],
    )
    env.create_local_runner()
    steps = []
    try:
        for users in plan["steps"]:
            step = run_step(
                env, users, seconds=plan["step_seconds"], settle=plan["settle_seconds"], roots=roots
            )
            steps.append(step)
            t = step["total"]
            print(
                f"    {users} users: {t['rps']} req/s, p95 {t['p95_ms']} ms, "
                f"{t['failures']} failed, CPU {step['cpu_cores']}",
                flush=True,
            )
    finally:
        env.runner.quit()
    with open(out_path, "w") as fh:
        json.dump({"steps": steps, "waiting_left": len(scenario.WAITING)}, fh, indent=2)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
