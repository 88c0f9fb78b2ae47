"""Redocly's lint (its recommended rules, redocly.yaml) of the schema: zero errors. Redocly
comes from the npm registry (package.json, package-lock.json), installed by `make npm`, which
`make test` runs first. A failure names the operation, the rule and the message."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"


def _lint(document: dict, folder: Path) -> tuple[int, dict]:
    assert REDOCLY.exists(), "Redocly is not installed: run `make npm` (npm ci)"
    schema = folder / "openapi.json"
    schema.write_text(json.dumps(document))
    result = subprocess.run(  # noqa: S603 — our own file, our own arguments
        [str(REDOCLY), "lint", str(schema), "--format=json", "--config", "redocly.yaml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.stdout.strip(), result.stderr[-2000:]
    return result.returncode, json.loads(result.stdout)


def _where(document: dict, pointer: str) -> str:
    """ "#/paths/~1api~1v1~1qbrs~1/get/summary" → "GET /api/v1/qbrs/ (qbrs_list)"."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.lstrip("#/").split("/")]
    if len(parts) >= 3 and parts[0] == "paths" and parts[2] in document["paths"].get(parts[1], {}):
        operation = document["paths"][parts[1]][parts[2]]
        return f"{parts[2].upper()} {parts[1]} ({operation.get('operationId')})"
    return pointer


def _errors(document: dict, report: dict, severity: str = "error") -> list[str]:
    return [
        f"{_where(document, p['location'][0]['pointer'])}: {p['ruleId']}: {p['message']}"
        for p in report["problems"]
        if p["severity"] == severity
    ]


def test_redocly_finds_no_error_in_the_schema(openapi, tmp_path):
    returncode, report = _lint(openapi, tmp_path)
    assert not _errors(openapi, report), "\n".join(_errors(openapi, report))
    assert report["totals"]["errors"] == 0
    assert returncode == 0
    # Nor a warning (info-license-strict was one: a license names its terms' address).
    warnings = _errors(openapi, report, "warn")
    assert not warnings, "\n".join(warnings)
    assert report["totals"]["warnings"] == 0


def test_a_lint_failure_names_the_operation(openapi, tmp_path):
    """The lint above cannot pass vacuously: over a copy with one summary removed it fails,
    naming that operation."""
    broken = json.loads(json.dumps(openapi))
    del broken["paths"]["/api/v1/qbrs/"]["get"]["summary"]
    returncode, report = _lint(broken, tmp_path)
    assert returncode != 0
    assert _errors(broken, report) == [
        "GET /api/v1/qbrs/ (qbrs_list): operation-summary: "
        "Operation object should contain `summary` field."
    ]
