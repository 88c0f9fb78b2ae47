"""Fill the catalogues' new entries from the translations a change brought along.

A branch that marks new strings writes them, translated, to locale/new/<branch>.json (a list of
{"msgid", "msgid_plural"?, "msgctxt"?, "de", "fr", "es", "ja"}). After `make messages` has added
the new msgids to every catalogue, this fills each untranslated entry from those files, prints
what is still missing per language, and removes nothing: review the result, then delete the
JSON files.

    .venv/bin/python scripts/fill_catalogues.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("de", "fr", "es", "ja")


def _known() -> dict[tuple[str, str], dict]:
    known: dict[tuple[str, str], dict] = {}
    for path in sorted((ROOT / "locale" / "new").glob("*.json")):
        for row in json.loads(path.read_text()):
            known[(row.get("msgctxt") or "", row["msgid"])] = row
    return known


def fill(code: str, known: dict[tuple[str, str], dict]) -> list[str]:
    path = ROOT / "locale" / code / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path), wrapwidth=79)
    missing = []
    for entry in po:
        if entry.obsolete or (entry.translated() and "fuzzy" not in entry.flags):
            continue
        row = known.get((entry.msgctxt or "", entry.msgid))
        text = row.get(code) if row else None
        if not text:
            missing.append(entry.msgid)
            continue
        if entry.msgid_plural:
            forms = text if isinstance(text, list) else [text]
            entry.msgstr_plural = {i: form for i, form in enumerate(forms)}
        else:
            entry.msgstr = text if isinstance(text, str) else text[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        # msgmerge's guess at an earlier msgid, meaningless once translated
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save(str(path))
    return missing


def main() -> int:
    known = _known()
    status = 0
    for code in LANGUAGES:
        if not (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").exists():
            continue
        missing = fill(code, known)
        print(f"{code}: {len(missing)} missing" + (f", e.g. {missing[:3]}" if missing else ""))
        status = status or bool(missing)
    return status


if __name__ == "__main__":
    sys.exit(main())
