"""A coordinator who is not a superuser re-runs a training: clones it onto new dates,
publishes the draft, and approves the registration a participant sends in."""

import datetime as dt

import pytest
from django.utils import timezone

from courses.models import Training
from participants.models import Registration
from rtcm.core.roles import COORDINATOR
from tests.e2e.conftest import register_through_the_form, sign_in, staff_account
from tests.factories import SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_coordinator_clones_publishes_and_approves(open_page):
    coordinator = staff_account("coordinator", COORDINATOR)
    held = timezone.localdate() - dt.timedelta(days=60)
    source = TrainingFactory(
        title="Readmission basics",
        slug="readmission-basics",
        start_date=held,
        end_date=held + dt.timedelta(days=1),
        status=Training.Status.COMPLETED,
        requires_approval=True,
    )
    source.coordinators.add(coordinator)
    SessionFactory(training=source, title="Readmission agreements")
    new_start = timezone.localdate() + dt.timedelta(days=40)

    page = open_page()
    sign_in(page, "coordinator", next_url=f"/staff/trainings/{source.slug}/clone/")
    page.fill("#id_start_date", new_start.isoformat())
    page.get_by_role("button", name="Create the draft").click()
    page.wait_for_url("**/edit/")
    assert "is ready as a draft" in page.inner_text("main")
    clone = Training.objects.exclude(pk=source.pk).get()
    assert clone.status == Training.Status.DRAFT
    assert clone.start_date == new_start
    assert list(clone.sessions.values_list("title", flat=True)) == ["Readmission agreements"]
    assert not clone.registrations.exists()

    page.goto(f"/staff/trainings/{clone.slug}/")
    page.locator('button[data-action="publish"]').click()
    page.wait_for_url(f"**/staff/trainings/{clone.slug}/")
    assert "The training is published" in page.inner_text("main")
    clone.refresh_from_db()
    assert clone.status == Training.Status.OPEN

    person = open_page()
    register_through_the_form(
        person, clone.slug, given_name="Madina", family_name="Rahimova", email="madina@example.org"
    )
    registration = Registration.objects.get(training=clone)
    assert registration.status == Registration.Status.PENDING

    page.goto(f"/staff/trainings/{clone.slug}/registrations/")
    page.check(f"#pick-{registration.pk}")
    page.select_option("#id_action", "approve")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert "Madina Rahimova" in page.inner_text("main")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert not coordinator.is_superuser
