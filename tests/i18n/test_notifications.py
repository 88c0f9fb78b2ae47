"""A notification is written in its recipient's language, not in the language of whoever
caused it."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from apps.core.formatting import format_date
from apps.deals.services import registration_transition
from apps.deals.services.conversation import comment_create
from apps.notifications.models import Notification
from apps.partners.models import Partner, Stage
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reg(acme, bob, charlie):
    Partner.objects.filter(pk=acme.pk).update(stage=Stage.GROWTH, manager=bob)
    acme.refresh_from_db()
    return RegistrationFactory(partner=acme, submitted_by=charlie)


def test_a_partner_user_who_chose_german_reads_the_managers_comment_in_german(reg, bob, charlie):
    charlie.language = "de"
    charlie.save(update_fields=["language"])
    comment_create(registration=reg, author=bob, body="Please send the RFP.")
    n = Notification.objects.get(recipient=charlie)
    assert n.subject == f"Neuer Kommentar zu Ihrer Registrierung: {reg.customer_name}"
    assert n.body.endswith("schrieb: Please send the RFP.")


def test_the_manager_reads_english_though_the_partner_wrote_in_german(reg, bob, charlie):
    charlie.language = "de"
    charlie.save(update_fields=["language"])
    with translation.override("de"):  # the partner's request, in German
        comment_create(registration=reg, author=charlie, body="Anbei die Ausschreibung.")
    n = Notification.objects.get(recipient=bob)
    assert n.subject == f"New comment from {reg.partner.name}: {reg.customer_name}"
    assert n.body.endswith("wrote: Anbei die Ausschreibung.")


def test_without_a_choice_the_notification_is_in_english(reg, bob, charlie):
    with translation.override("de"):
        comment_create(registration=reg, author=bob, body="Noted.")
    assert Notification.objects.get(recipient=charlie).subject.startswith("New comment on your")


def test_the_partner_reads_the_decision_on_their_registration_in_their_language(reg, bob, charlie):
    charlie.language = "de"
    charlie.save(update_fields=["language"])
    registration_transition(registration=reg, name="approve", actor=bob)
    n = Notification.objects.get(recipient=charlie, kind="deal_approve")
    assert n.subject == f"Registrierung genehmigt: {reg.customer_name}"
    reg.refresh_from_db()
    with translation.override("de"):
        until = format_date(timezone.localtime(reg.expires_at).date())
    assert n.body.endswith(f"ist für Ihr Unternehmen geschützt bis {until}.")
