from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.models import PartnerRole
from apps.notifications.services import deliver_outbox
from tests.factories import PartnerUserFactory

LINK = re.compile(r"/accounts/invitation/([\w-]+)/")


def delivered_links(now=None) -> list[tuple[str, str]]:
    """Deliver the outbox; [(address, token)] of the invitation e-mails sent by this run."""
    before = len(mail.outbox)
    deliver_outbox(now=now or timezone.now())
    found = []
    for message in mail.outbox[before:]:
        match = LINK.search(message.body)
        if match:
            found.append((message.to[0], match.group(1)))
    return found


@pytest.fixture
def acme_admin(acme):
    return PartnerUserFactory(username="erin", partner=acme, partner_role=PartnerRole.ADMIN)


@pytest.fixture
def acme_member(acme):
    return PartnerUserFactory(username="frank", partner=acme, partner_role=PartnerRole.MEMBER)


@pytest.fixture
def acme_finance(acme):
    return PartnerUserFactory(username="grace", partner=acme, partner_role=PartnerRole.FINANCE)
