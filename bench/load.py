"""A small threaded HTTP load generator (stdlib only): C workers send requests to one loopback
server for a fixed duration (or until a request cap), each request built by a function of its
sequence number. Reports throughput, latency percentiles and status counts."""

from __future__ import annotations

import http.client
import itertools
import math
import socket
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

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


def run_load(
    name: str,
    host: str,
    port: int,
    build: Callable[[int], Request],
    *,
    concurrency: int = 8,
    duration: float = 10.0,
    max_requests: int = 100_000,
    warmup: float = 1.0,
) -> LoadResult:
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
            try:
                conn.request(method, path, body=body, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                status = resp.status
                if status >= 300 and status not in samples:
                    samples[status] = body.decode(errors="replace")
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                status = 0
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
