"""The manager side's pages of partners, QBRs, onboarding and import/export speak the user's
language: for an admin and a manager whose language is German, each page shows the German of
sentences its templates hold and none of their English. A sentence left unmarked in a template
(a heading, a button, a count, an hx-confirm question, an aria-label) stays English here.

Each page names pairs (English, German) from its own templates: the English must be absent from
the whole response (attributes included), the German present, which proves the part of the page
that holds it was rendered."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.exchange.models import ImportBatch
from apps.partners.models import Stage
from tests.factories import PartnerFactory
from tests.qbrs.factories import QBRFactory
from tests.security.conftest import acme, charlie, dave, globex, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

PAGES: dict[str, list[tuple[str, str]]] = {
    "partners:list": [
        ("Board by stage", "Board nach Phase"),
        ("Add partner", "Partner hinzufügen"),
        ("Days in stage", "Tage in der Phase"),
        ("3 partners", "3 Partner"),
    ],
    "partners:board": [
        ("Partners by stage", "Partner nach Phase"),
        ("Partner board", "Partnerboard"),
    ],
    "partners:detail": [
        ("Lifecycle", "Lebenszyklus"),
        ("Stage timeline", "Phasenverlauf"),
        ("4C qualification", "4C-Qualifizierung"),
        ("Save scores", "Bewertung speichern"),
        ("Partner since", "Partner seit"),
        ("Partner's task", "Aufgabe des Partners"),
        ("In stage since", "In der Phase seit"),
        ("growth ⇄ evaluation cycles", "Zyklen Wachstum ⇄ Bewertung"),
        ("Tasks done", "Erledigte Aufgaben"),
    ],
    "qbrs:list": [
        ("Schedule a QBR", "QBR planen"),
        ("Partner or quarter", "Partner oder Quartal"),
        ("Filter QBRs", "QBRs filtern"),
    ],
    "qbrs:new": [("Schedule a QBR", "QBR planen")],
    "completed qbr": [
        ("Last four quarters", "Letzte vier Quartale"),
        ("Add an action item", "Maßnahme hinzufügen"),
        ("Mark done: Zqxmarker action", "Als erledigt markieren: Zqxmarker action"),
        ("manager Bob", "Manager Bob"),
    ],
    "scheduled qbr": [
        ("Run the QBR", "QBR durchführen"),
        ("Start QBR", "QBR starten"),
        ("Cancel this QBR?", "Diesen QBR absagen?"),
        ("Starting the QBR moves", "Mit dem Start des QBR wechselt"),
    ],
    "onboarding:overview": [
        ("Next task", "Nächste Aufgabe"),
        ("1 partner onboarding", "1 Partner im Onboarding"),
        ("5 days left", "noch 5 Tage"),
        ("Only my partners", "Nur meine Partner"),
    ],
    "exchange:index": [
        ("Check the file", "Datei prüfen"),
        ("Upload a CSV: every row", "Laden Sie eine CSV-Datei hoch"),
    ],
    "import preview": [
        ("Import preview:", "Importvorschau:"),
        ("All 2 rows pass the checks", "Alle 2 Zeilen bestehen die Prüfungen"),
        ("Import 2 rows", "2 Zeilen importieren"),
    ],
}


@pytest.fixture
def pages(world, alice, bob):  # noqa: F811 (the imported fixture)
    """Acme (growth, with a task and a completed QBR from the world) also has a scheduled QBR;
    Initech is onboarding, due in five days."""
    scheduled = QBRFactory(
        partner=world["partner"], scheduled_for=timezone.now() + timedelta(days=10)
    )
    PartnerFactory(
        name="Initech",
        stage=Stage.ONBOARDING,
        manager=bob,
        onboarding_due_date=timezone.localdate() + timedelta(days=5),
    )
    return {
        **{name: reverse(name) for name in PAGES if ":" in name and name != "partners:detail"},
        "partners:detail": reverse("partners:detail", args=[world["partner"].pk]),
        "completed qbr": reverse("qbrs:detail", args=[world["qbr"].pk]),
        "scheduled qbr": reverse("qbrs:detail", args=[scheduled.pk]),
    }


def _preview_url(user) -> str:
    row = {"line": 2, "cells": {"name": "Hooli"}, "errors": []}
    batch = ImportBatch.objects.create(
        kind="partners", created_by=user, filename="partners.csv", rows=[row, {**row, "line": 3}]
    )
    return reverse("exchange:preview", args=[batch.pk])


@pytest.mark.parametrize("role", ["admin", "manager"])
def test_the_manager_pages_speak_german(role, pages, alice, bob, client_for):
    user = {"admin": alice, "manager": bob}[role]
    user.language = "de"
    user.save(update_fields=["language"])
    client = client_for(user)
    urls = {**pages, "import preview": _preview_url(user)}
    english, missing = {}, {}
    for page, pairs in PAGES.items():
        response = client.get(urls[page])
        assert response.status_code == 200, (page, response.status_code)
        text = html.unescape(response.content.decode())
        assert '<html lang="de">' in text, page
        english[page] = [en for en, _de in pairs if en in text]
        missing[page] = [de for _en, de in pairs if de not in text]
    assert not any(english.values()), english
    assert not any(missing.values()), missing
