"""A small threaded HTTP load generator (stdlib only): C workers send requests to one loopback
server for a fixed duration (or until a request cap), each request built by a function of its
sequence number. Reports throughput, latency percentiles and status counts."""

from __future__ import annotations

import http.client
import itertools
import math
import os
import socket
import statistics
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

Request = tuple[str, str, dict, bytes | None]  # method, path, headers, body


@dataclass
class LoadResult:
    name: str
    requests: int
    seconds: float
    statuses: dict
    latencies_ms: list
    samples: dict  # the first body seen per status other than 2xx, to tell failures apart

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        lat = sorted(self.latencies_ms)
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "median_ms": round(statistics.median(lat), 2) if lat else None,
            "p95_ms": round(lat[max(0, math.ceil(0.95 * len(lat)) - 1)], 2) if lat else None,
            "statuses": dict(self.statuses),
            "samples": {k: v[:300] for k, v in self.samples.items()},
        }


def run_load(  # noqa: PLR0913 (the options are keyword-only)
    name: str,
    host: str,
    port: int,
    build: Callable[[int], Request],
    *,
    concurrency: int = 8,
    duration: float = 10.0,
    max_requests: int = 100_000,
    warmup: float = 1.0,
    on_answer: Callable[[int, int, bytes], None] | None = None,
) -> LoadResult:
    """`on_answer(n, status, body)`, when given, hears every request's answer (status 0: no
    answer at all), for a caller that checks each request's outcome, not only the counts."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("The load generator only targets loopback.")
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    samples: dict = {}
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + duration

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=30)
        local_lat, local_status = [], Counter()
        while True:
            now = time.monotonic()
            if now >= stop_at:
                break
            n = next(counter)
            if n >= max_requests:
                break
            method, path, headers, body = build(n)
            t0 = time.perf_counter()
            status, body = _send(conn, method, path, headers, body)
            if status == 0:
                conn = http.client.HTTPConnection(host, port, timeout=30)
            elif status >= 300 and status not in samples:
                samples[status] = body.decode(errors="replace")
            if on_answer is not None:
                on_answer(n, status, body)
            elapsed = (time.perf_counter() - t0) * 1000
            if now >= measure_from:  # only after the warm-up
                local_lat.append(elapsed)
                local_status[status] += 1
        conn.close()
        with lock:
            latencies.extend(local_lat)
            statuses.update(local_status)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(duration + warmup + 60)
    seconds = min(time.monotonic(), stop_at) - measure_from
    return LoadResult(name, len(latencies), max(seconds, 0.001), statuses, latencies, samples)


def _send(conn, method: str, path: str, headers: dict, body: bytes | None) -> tuple[int, bytes]:
    """One request on `conn`: its status and body, or (0, b"") when no answer came (the
    connection is closed then, and the caller opens another)."""
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        answer = resp.read()
        if resp.getheader("Connection", "").lower() == "close":
            conn.close()
        return resp.status, answer
    except (OSError, http.client.HTTPException):
        conn.close()
        return 0, b""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, *, seconds: float) -> None:
    """Until a server accepts connections on the port (or the time is up)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)


def _processes():
    """(pid, parent pid, CPU seconds, program) of every process in /proc. A process's time
    includes its ended children's (cutime, cstime), so a PostgreSQL backend or autovacuum worker
    that exits mid-run still counts, once."""
    hz = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                command = fh.read(200).decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        seconds = sum(int(f) for f in fields[11:15]) / hz  # utime, stime, cutime, cstime
        yield int(pid), int(fields[1]), seconds, command


def classify(pid: int, ppid: int, command: str, roots: dict[str, int]) -> str | None:
    """Which bucket a process's CPU goes to: a root process (by its id) with its direct
    children (gunicorn's or Celery's workers), else PostgreSQL or Redis by program, else none."""
    for label, root in roots.items():
        if pid == root:
            return label
    for label, root in roots.items():
        if ppid == root:
            return label
    program = command.split("\0", 1)[0]
    if program.startswith("postgres") or program.endswith("/postgres"):
        return "postgres"
    if "redis-server" in command:
        return "redis"
    return None


def cpu_seconds(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by the processes a request runs through, read from /proc:
    each root of `roots` (label → process id, e.g. the app's gunicorn master, the Celery worker,
    this load generator) with its direct children, PostgreSQL (its server and every backend and
    autovacuum worker) and Redis — so a load result can say where its CPU went."""
    used = dict.fromkeys([*roots, "postgres", "redis"], 0.0)
    for pid, ppid, seconds, command in _processes():
        label = classify(pid, ppid, command, roots)
        if label is not None:
            used[label] += seconds
    return used


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores, /proc/stat: everything but idle
    and iowait), so what the named processes did not use is visible as the rest's share."""
    with open("/proc/stat") as fh:
        ticks = [int(v) for v in fh.readline().split()[1:]]
    idle = ticks[3] + ticks[4]
    # guest time is already counted in user time
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@contextmanager
def running(command: list[str], *, cwd, env: dict, log_path, port: int | None = None):
    """A server process (gunicorn, a Celery worker) for the duration of a block, its output in
    log_path; waits for `port` to accept connections when given; stopped gracefully after."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            if port is not None:
                wait_for_port(port, seconds=60)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def gunicorn(python: str, port: int, workers: int) -> list[str]:
    """The app as the README serves it: gunicorn's sync workers, on loopback."""
    return [
        str(Path(python).with_name("gunicorn")),
        "partneros.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]


def wait_until_serving(port: int, path: str, *, seconds: float, workers: int = 1) -> None:
    """Until `workers` requests sent at once to `path` all answer 200: gunicorn's master opens
    the port before its workers have imported the app (seconds each on a busy machine)."""
    deadline = time.monotonic() + seconds

    def ok() -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds)
        try:
            conn.request("GET", path)
            return conn.getresponse().status == 200
        except (OSError, http.client.HTTPException):
            return False
        finally:
            conn.close()

    while time.monotonic() < deadline:
        with ThreadPoolExecutor(workers) as pool:
            answers = list(pool.map(lambda _: ok(), range(workers)))
        if all(answers):
            return
        time.sleep(0.5)
    raise TimeoutError(f"nothing answered 200 on {path} within {seconds} s")
