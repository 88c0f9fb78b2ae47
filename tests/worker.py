"""A real Celery worker (and beat) in a subprocess, against the test database and real Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
TMP = Path(tempfile.gettempdir())
CELERY = str(Path(sys.executable).with_name("celery"))


def test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def worker_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(PARTNEROS_TESTING="1", DATABASE_URL=test_database_url(), **extra)
    return env


def wait_for(predicate, timeout: float = 60, interval: float = 0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@contextmanager
def celery_worker(queue: str | None = None, *, beat: bool = False, **env):
    """Start `celery worker` consuming a private queue; yields the queue name."""
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    args = [
        CELERY,
        "-A",
        "partneros",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "-Q",
        queue,
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
    ]
    if beat:
        args += ["--beat", "--schedule", str(TMP / f"celerybeat-{queue}")]
    log = open(TMP / f"celery-{queue}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        args,
        cwd=ROOT,
        env=worker_env(CELERY_TASK_DEFAULT_QUEUE=queue, **env),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield queue
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
