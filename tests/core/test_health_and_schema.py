from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_it_reports_database_and_broker_health(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "unavailable"}


@pytest.mark.redis
def test_it_reports_the_real_redis_broker_ok(client):
    assert client.get("/healthz").json()["broker"] == "ok"


def test_it_reports_an_unreachable_broker_as_unavailable(client, monkeypatch):
    from partneros.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unavailable"


def test_the_schema_is_a_valid_openapi_document(api_for, bob):
    response = api_for(bob).get("/api/v1/schema/")
    assert response.status_code == 200
    document = yaml.safe_load(response.content)
    validate(document)
    assert document["openapi"].startswith("3.")
    assert "/api/v1/users/me/" in document["paths"]
    assert "/api/v1/notifications/{id}/read/" in document["paths"]


def test_the_schema_generator_reports_no_warnings():
    env = {**os.environ, "PARTNEROS_TESTING": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            os.devnull,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_production_settings_pass_check_deploy():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PARTNEROS_TESTING", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x7" * 30 + "-production-grade-secret-key-value",
        DJANGO_ALLOWED_HOSTS="partneros.example.com",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.argv=['manage.py','check','--deploy','--fail-level','WARNING']; "
            "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','partneros.settings'); "
            "from django.core.management import execute_from_command_line; execute_from_command_line(sys.argv)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret():
    env = {
        k: v for k, v in os.environ.items() if k not in {"PARTNEROS_TESTING", "DJANGO_SECRET_KEY"}
    }
    env["DJANGO_DEBUG"] = "0"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE']='partneros.settings'; import django; django.setup()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def _keyless(*args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PARTNEROS_TESTING", "DJANGO_SECRET_KEY", "DJANGO_DEBUG", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_commands_that_serve_nothing_run_without_a_secret():
    result = _keyless("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize("command", ["runserver", "check"])
def test_serving_or_judging_the_deployment_still_needs_a_secret(command):
    result = _keyless(command, "--deploy" if command == "check" else "--noreload")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
