"""Browser journey of issue 20 (part 2): a partner takes a course — its lessons, then the quiz —
passes, and finds its certification; the manager sees it on the course's and the partner's
pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.enablement.models import Certification, Lesson
from apps.partners.models import Stage
from tests.enablement.factories import CourseFactory, ResourceFactory, quiz
from tests.factories import PartnerFactory, PartnerUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_partner_passes_a_course_and_the_manager_sees_the_certification(
    page, live_server, login, shot, bob
):
    partner = PartnerFactory(name="Acme Resellers", stage=Stage.ONBOARDING, manager=bob)
    erin = PartnerUserFactory(
        username="erin", first_name="Erin", last_name="Ellis", partner=partner
    )
    course = CourseFactory(title="Selling the platform 101", pass_mark=60)
    for order, title in enumerate(["Partner pitch", "Pricing by tier"], start=1):
        resource = ResourceFactory(title=title, body=f"# {title}\n\nWhat a seller says.")
        Lesson.objects.create(course=course, resource=resource, order=order)
    quiz(
        course,
        ("When do you register a deal?", ["Before you quote", "After the customer signs"]),
        ("What does a registration give you?", ["*Protection", "*Your tier's discount", "A win"]),
    )
    login(erin)
    page.get_by_role("link", name="Courses").first.click()
    page.get_by_role("link", name="Selling the platform 101").click()
    expect(page.get_by_text("Open every lesson first")).to_be_visible()
    shot("courses-portal-course")
    for title in ("Partner pitch", "Pricing by tier"):
        page.get_by_role("link", name=title).click()
        expect(page.get_by_role("heading", name=title).first).to_be_visible()
        page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("button", name="Take the quiz").click()
    expect(page.get_by_text("When do you register a deal?")).to_be_visible()
    page.get_by_label("Before you quote").check()
    page.get_by_label("Protection").check()
    page.get_by_label("Your tier's discount").check()
    shot("courses-portal-quiz")
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Score: 100 %")).to_be_visible()
    expect(page.get_by_text("You are certified in “Selling the platform 101”")).to_be_visible()
    shot("courses-portal-result")
    page.get_by_role("link", name="My certifications").click()
    expect(page.get_by_role("cell", name="Selling the platform 101")).to_be_visible()
    shot("courses-portal-certifications")
    assert Certification.objects.filter(user=erin, status="active").count() == 1

    page.context.clear_cookies()  # erin's session ends; bob signs in
    login(bob)
    page.get_by_role("link", name="Courses").first.click()
    row = page.get_by_role("row", name="Selling the platform 101")
    expect(row).to_contain_text("100 %")
    shot("courses-manager-list")
    page.get_by_role("link", name="Certifications").click()
    expect(page.get_by_role("cell", name="Erin Ellis")).to_be_visible()
    shot("courses-manager-certifications")
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    section = page.get_by_role("region", name="Certifications")
    expect(section.get_by_role("cell", name="Erin Ellis")).to_be_visible()
    section.scroll_into_view_if_needed()
    shot("courses-manager-partner-page")
    page.get_by_role("link", name="Courses").first.click()
    page.get_by_role("link", name="Selling the platform 101").click()
    shot("courses-manager-editor")
