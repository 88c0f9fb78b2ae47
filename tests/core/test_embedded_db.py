"""The embedded default database: the wheel's PostgreSQL, started and stopped by the project."""

from __future__ import annotations

import os
import time

import psutil
import psycopg

from partneros import embedded_db


def _server_pid(var_dir) -> int:
    return int((var_dir / "pgdata" / "postmaster.pid").read_text().split()[0])


def _gone(pid: int, seconds: float = 30) -> bool:
    """Whether the process has left (or is a zombie waiting for its parent) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def test_it_starts_once_serves_pg_trgm_and_stops(tmp_path):
    var_dir = tmp_path / "var"
    first = embedded_db.settings_dict(var_dir)
    try:
        pid = _server_pid(var_dir)
        again = embedded_db.settings_dict(var_dir)  # already running: the same server
        assert again["HOST"] == first["HOST"] and _server_pid(var_dir) == pid
        with psycopg.connect(dbname=first["NAME"], user="postgres", host=first["HOST"]) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            score = conn.execute("SELECT similarity('northwind', 'northwind traders')")
            assert 0 < score.fetchone()[0] < 1
        # Each test run gets a database of its own on the one server.
        assert first["TEST"]["NAME"] == f"test_partneros_{os.getpid()}"
    finally:
        embedded_db.stop(var_dir)
    # pg_ctl returns once the server has shut down; the process itself may take a moment
    # longer to leave on a busy machine.
    assert _gone(pid)
    assert not (var_dir / "pgdata" / "postmaster.pid").exists()
    embedded_db.stop(var_dir)  # stopping a stopped server is no error


def test_the_command_line_starts_and_stops_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(embedded_db, "_var_dir", lambda: tmp_path / "var")
    try:
        assert embedded_db.main(["embedded_db", "start"]) == 0
        assert "running" in capsys.readouterr().out
        assert (tmp_path / "var" / "pgdata" / "postmaster.pid").exists()
    finally:
        assert embedded_db.main(["embedded_db", "stop"]) == 0
    assert not (tmp_path / "var" / "pgdata" / "postmaster.pid").exists()
    assert embedded_db.main(["embedded_db", "restart-everything"]) == 2
