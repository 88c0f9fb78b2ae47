"""Extension decisions: the manager's form starts from the days the partner asked for and shows
the extensions left; grant as requested, grant fewer (with a reason the partner is told), or
decline (with a reason); the program's maximum is enforced at every door."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from apps.core.errors import DomainError, InvalidInput
from apps.deals.models import ExtensionRequest, RegistrationEvent
from apps.deals.services import (
    extension_request_create,
    extension_request_decline,
    extension_request_grant,
    registration_transition,
)
from apps.notifications.models import Notification
from apps.program.models import ProgramSettings
from tests.deals.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(acme, charlie):
    """An approved registration whose partner asks for 45 more days."""
    reg = RegistrationFactory(partner=acme, approved=True, customer_name="Initech")
    return extension_request_create(
        registration=reg, requested_by=charlie, days=45, reason="Procurement needs a quarter"
    )


def _decide(client, ext, **data):
    return client.post(reverse("deals:decide_extension", args=[ext.registration_id, ext.pk]), data)


def test_the_form_starts_from_the_days_asked_and_shows_the_extensions_left(client_for, bob, asked):
    r = client_for(bob).get(reverse("deals:detail", args=[asked.registration_id]))
    html = r.content.decode()
    assert r.context["extension_form"]["days"].value() == 45
    assert 'value="45"' in html
    assert "Extensions left: 2 of 2." in html
    assert "Grant as requested (45 days)" in html and "Procurement needs a quarter" in html


def test_granting_as_requested_extends_by_the_days_asked(client_for, bob, charlie, asked):
    reg = asked.registration
    before = reg.expires_at
    r = _decide(client_for(bob), asked, decision="grant_requested", days="10")  # days ignored
    assert r.status_code == 302
    reg.refresh_from_db()
    asked.refresh_from_db()
    assert reg.expires_at == before + timedelta(days=45) and reg.extensions_used == 1
    assert (asked.status, asked.granted_days, asked.decided_by) == ("granted", 45, bob)
    n = Notification.objects.get(recipient=charlie, kind="deal_extend")
    assert "(+45 days)" in n.body


def test_granting_fewer_needs_a_reason_and_the_partner_is_told_it(client_for, bob, charlie, asked):
    c = client_for(bob)
    reg = asked.registration
    before = reg.expires_at
    r = _decide(c, asked, decision="grant", days="20", reason="")
    assert r.status_code == 400
    assert "Say why fewer than the 45 days asked for" in r.content.decode()
    reg.refresh_from_db()
    assert reg.expires_at == before and reg.extensions_used == 0
    r = _decide(c, asked, decision="grant", days="20", reason="Budget decision is due in 3 weeks")
    assert r.status_code == 302
    reg.refresh_from_db()
    asked.refresh_from_db()
    assert reg.expires_at == before + timedelta(days=20)
    assert (asked.status, asked.granted_days) == ("granted", 20)
    assert asked.decision_reason == "Budget decision is due in 3 weeks"
    told = "+20 of the 45 days asked for: Budget decision is due in 3 weeks"
    assert told in Notification.objects.get(recipient=charlie, kind="deal_extend").body
    assert RegistrationEvent.objects.get(registration=reg, transition="extend").note == told
    page = client_for(charlie).get(reverse("portal:deal_detail", args=[reg.pk])).content.decode()
    assert told in page


def test_declining_needs_a_reason_and_the_partner_is_told_it(client_for, bob, charlie, asked):
    c = client_for(bob)
    assert _decide(c, asked, decision="decline", reason=" ").status_code == 400
    asked.refresh_from_db()
    assert asked.status == "pending"
    r = _decide(c, asked, decision="decline", reason="No activity with the customer since May")
    assert r.status_code == 302
    asked.refresh_from_db()
    assert (asked.status, asked.decision_reason) == (
        "declined",
        "No activity with the customer since May",
    )
    n = Notification.objects.get(recipient=charlie, kind="deal_extension_declined")
    assert "No activity with the customer since May" in n.body
    assert asked.registration.extensions_used == 0


def test_the_maximum_number_of_extensions_is_enforced(client_for, bob, charlie, acme):
    settings = ProgramSettings.get()
    settings.max_extensions = 1
    settings.save()
    reg = RegistrationFactory(partner=acme, approved=True)
    first = extension_request_create(registration=reg, requested_by=charlie, days=10)
    extension_request_grant(request=first, actor=bob)
    reg.refresh_from_db()
    with pytest.raises(DomainError):  # the partner may not even ask again
        extension_request_create(registration=reg, requested_by=charlie, days=10)
    # A request left over from before the maximum was lowered: only declining remains.
    settings.max_extensions = 2
    settings.save()
    second = extension_request_create(registration=reg, requested_by=charlie, days=10)
    settings.max_extensions = 1
    settings.save()
    html = client_for(bob).get(reverse("deals:detail", args=[reg.pk])).content.decode()
    assert "Extensions left: 0 of 1." in html and "Grant as requested" not in html
    r = _decide(client_for(bob), second, decision="grant_requested")
    assert r.status_code == 302  # refused, said on the page
    reg.refresh_from_db()
    second.refresh_from_db()
    assert reg.extensions_used == 1 and second.status == "pending"
    with pytest.raises(DomainError) as refused:
        registration_transition(registration=reg, name="extend", actor=bob, days=10)
    assert refused.value.code == "conditions_unmet"


def test_the_api_extend_grants_fewer_only_with_a_reason(api_for, bob, asked):
    api = api_for(bob)
    url = f"/api/v1/deal-registrations/{asked.registration_id}/transitions/extend/"
    r = api.post(url, {"days": 30}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = api.post(url, {"days": 30, "reason": "A quarter is too long"}, format="json")
    assert r.status_code == 200
    asked.refresh_from_db()
    assert (asked.status, asked.granted_days) == ("granted", 30)


def test_the_services_refuse_what_the_page_refuses(bob, asked):
    with pytest.raises(InvalidInput):
        extension_request_decline(request=asked, actor=bob, reason="")
    extension_request_decline(request=asked, actor=bob, reason="Not now")
    with pytest.raises(DomainError):
        extension_request_grant(request=ExtensionRequest.objects.get(pk=asked.pk), actor=bob)
