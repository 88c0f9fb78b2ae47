"""The starter library a fresh installation ships (issue 20): one Markdown file per template in
`starter/`, with a small header (title, summary, phase, kind, tags, audience), loaded by data
migration 0002 and edited by admins afterwards like any resource.

Also the chains each stage's playbook walks through (DESIGN.md section 2, issue 20), by file.
"""

from __future__ import annotations

from pathlib import Path

STARTER_DIR = Path(__file__).resolve().parent / "starter"

# stage → [(file stem, the default playbook task title it serves, or None)], in chain order.
CHAINS: dict[str, list[tuple[str, str | None]]] = {
    "recruitment": [
        ("strategy-ideal-partner-profile", None),
        ("recruitment-qualification-framework", None),
        ("recruitment-discovery-call-script", None),
        ("recruitment-partner-pitch", None),
        ("recruitment-proposal", None),
    ],
    "onboarding": [
        ("recruitment-agreement", None),
        ("recruitment-onboarding-checklist", "Kickoff call"),
        ("enablement-roadmap", "Sales certification"),
        ("enablement-training-deck", "Product training"),
    ],
    "evaluation": [
        ("enablement-success-metrics", None),
        ("recruitment-customer-overlap-tracker", None),
        ("enablement-qbr-template", None),
        ("strategy-strategy-plan", None),
    ],
    "expansion": [
        ("strategy-business-case", "Expansion plan"),
        ("strategy-strategy-plan", "Joint business plan update"),
        ("enablement-co-marketing-playbook", "Launch announcement"),
    ],
    "exited": [
        ("strategy-exit-checklist", "Review the agreement's exit clauses"),
        ("exit-customer-transition", "Customer transition plan"),
    ],
}


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parse(text: str) -> dict:
    """A starter file's header and body: `---` lines around `key: value` pairs, then Markdown."""
    _, header, body = text.split("---\n", 2)
    meta: dict[str, str] = {}
    for line in header.strip().splitlines():
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    return {
        "title": meta["title"],
        "summary": meta.get("summary", ""),
        "phase": meta["phase"],
        "kind": meta["kind"],
        "tags": _items(meta.get("tags", "")),
        "is_template": meta.get("template") == "yes",
        "internal": meta.get("internal") == "yes",
        "partner_types": _items(meta.get("partner_types", "")),
        "stages": _items(meta.get("stages", "")),
        "min_tier_rank": int(meta["min_tier"]) if meta.get("min_tier") else None,
        "body": body.strip() + "\n",
    }


def starter_files() -> dict[str, dict]:
    """Every starter template by file stem, parsed."""
    return {path.stem: parse(path.read_text("utf-8")) for path in sorted(STARTER_DIR.glob("*.md"))}
