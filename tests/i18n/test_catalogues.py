"""Every language offered has a complete catalogue: no page is ever half translated."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

OFFERED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]*\}")


def _catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(settings.LOCALE_PATHS[0] / code / "LC_MESSAGES" / "django.po"))


def test_english_german_french_spanish_and_japanese_are_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "de", "fr", "es", "ja"]
    assert [code for code, _name in settings.ALL_LANGUAGES] == ["en", "de", "fr", "es", "ja"]


@pytest.mark.parametrize("code", OFFERED)
def test_the_catalogue_is_complete(code):
    po = _catalogue(code)
    assert len(po) > 1000, "the catalogue holds the strings of the whole app"
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("code", OFFERED)
def test_each_translation_keeps_the_placeholders_of_its_source(code):
    wrong = []
    for e in _catalogue(code):
        if e.obsolete:
            continue
        sources = [e.msgid, e.msgid_plural] if e.msgid_plural else [e.msgid]
        wanted = {p for s in sources for p in PLACEHOLDER.findall(s)}
        texts = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for text in texts:
            if {p for p in PLACEHOLDER.findall(text)} - wanted or (
                not e.msgid_plural and set(PLACEHOLDER.findall(text)) != wanted
            ):
                wrong.append(e.msgid)
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("code", OFFERED)
def test_gnu_msgfmt_compiles_it_without_a_complaint(code, tmp_path):
    po = settings.LOCALE_PATHS[0] / code / "LC_MESSAGES" / "django.po"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext is a system package (scripts/system-packages.sh)"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_catalogue_holds_every_string_the_code_marks(tmp_path):
    """makemessages run now finds no msgid a committed catalogue lacks: a string marked since the
    last `make messages` fails here until it is translated into every offered language. It runs
    on a copy of the sources, so the committed catalogues are never rewritten by a test."""
    for folder in ("apps", "templates", "partneros"):
        shutil.copytree(
            settings.BASE_DIR / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc")
        )
    (tmp_path / "locale").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [str(Path(sys.executable).parent / "django-admin"), "makemessages", "-l", "de", "-v", "0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )
    fresh = polib.pofile(str(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    for code in OFFERED:
        committed = {(e.msgctxt, e.msgid) for e in _catalogue(code) if not e.obsolete}
        missing = sorted(e.msgid for e in fresh if (e.msgctxt, e.msgid) not in committed)
        assert not missing, f"{code}: run `make messages` and translate: {missing[:10]}"
