"""Private servers for the drills, so nothing else on the machine is disturbed: a redis-server on
its own port and a PostgreSQL cluster in a temporary folder, started and stopped by the drill."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _wait(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    raise AssertionError("server did not reach the expected state in time")


class PrivateRedis:
    def __init__(self, port: int = 6390):
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="partneros-drill-redis-")
        self.url = f"redis://127.0.0.1:{port}/0"

    def ping(self) -> bool:
        r = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "ping"],
            capture_output=True,
            text=True,
        )
        return r.stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                self.dir,
                "--logfile",
                f"{self.dir}/redis.log",
                "--pidfile",
                f"{self.dir}/redis.pid",
            ],
            check=True,
        )
        _wait(self.ping)

    def stop(self) -> None:
        # Data survives a stop (append-only file): a broker outage, not a data loss.
        subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "shutdown"],
            capture_output=True,
        )
        _wait(lambda: not self.ping())

    def cleanup(self) -> None:
        if self.ping():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePostgres:
    """initdb into a temporary folder, run as the postgres OS user (initdb refuses root)."""

    def __init__(self, port: int = 5433):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="partneros-drill-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/partneros_drill"
        self.as_postgres = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def ready(self) -> bool:
        r = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
        )
        return r.returncode == 0

    def ctl(self, action: str, *extra: str) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "pg.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1",
            action,
            *extra,
        )

    def start(self) -> None:
        self.ctl("start")
        _wait(self.ready)

    def restart(self) -> None:
        self.ctl("restart", "-m", "fast")
        _wait(self.ready)

    def create_database(self) -> None:
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-c",
                "CREATE DATABASE partneros_drill",
            ],
            check=True,
            capture_output=True,
        )

    def cleanup(self) -> None:
        if self.ready():
            self._run(
                str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False
            )
        shutil.rmtree(self.dir, ignore_errors=True)
