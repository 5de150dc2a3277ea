"""A coordinator who is not a superuser: today's sessions and the attendance sheet on a
phone, then the certificates once the training has ended."""

import datetime as dt

import pytest
from django.utils import timezone

from courses.models import Training
from participants.models import Attendance, Certificate, Registration
from rtcm.core.roles import COORDINATOR
from tests.e2e.conftest import PHONE, no_sideways_scrolling, sign_in, staff_account
from tests.factories import RegistrationFactory, SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def confirmed(training, given_name: str, family_name: str) -> Registration:
    return RegistrationFactory(
        training=training,
        status=Registration.Status.CONFIRMED,
        participant__given_name=given_name,
        participant__family_name=family_name,
        participant__email=f"{given_name.lower()}@example.org",
    )


def test_todays_sessions_on_a_phone_lead_to_the_sheet(open_page):
    coordinator = staff_account("coordinator", COORDINATOR)
    today = timezone.localdate()
    training = TrainingFactory(
        title="Support to vulnerable migrants: a training with a long title on a small screen",
        start_date=today,
        end_date=today,
        status=Training.Status.CLOSED,
    )
    training.coordinators.add(coordinator)
    session = SessionFactory(
        training=training, title="Opening", starts_at=at(today, 0, 1), ends_at=at(today, 0, 2)
    )
    confirmed(training, "Dilnoza", "Karimova")
    page = open_page(PHONE)
    sign_in(page, "coordinator", next_url="/staff/today/")
    assert "Opening" in page.inner_text("main")
    assert no_sideways_scrolling(page)
    page.get_by_role("link", name="Attendance sheet").click()
    page.wait_for_url(f"**/staff/sessions/{session.pk}/attendance/")
    assert "Dilnoza Karimova" in page.inner_text("main")
    assert no_sideways_scrolling(page)


def test_a_coordinator_marks_attendance_on_a_phone_then_issues_certificates(open_page):
    coordinator = staff_account("coordinator", COORDINATOR)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    training = TrainingFactory(
        title="Readmission procedures",
        start_date=yesterday,
        end_date=yesterday,
        status=Training.Status.CLOSED,
    )
    training.coordinators.add(coordinator)
    session = SessionFactory(
        training=training, title="Day one", starts_at=at(yesterday, 9), ends_at=at(yesterday, 12)
    )
    present = confirmed(training, "Arman", "Nurlanov")
    absent = confirmed(training, "Bahodir", "Yusupov")

    page = open_page(PHONE)
    sign_in(page, "coordinator", next_url=f"/staff/sessions/{session.pk}/attendance/")
    assert no_sideways_scrolling(page)
    page.get_by_role("button", name="Mark Arman Nurlanov present").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Mark Bahodir Yusupov absent").first.click()
    page.wait_for_load_state()
    counts = page.inner_text(".attendance-counts")
    assert "Present: 1" in counts
    assert "Absent: 1" in counts
    assert no_sideways_scrolling(page)
    marks = dict(Attendance.objects.filter(session=session).values_list("registration", "present"))
    assert marks == {present.pk: True, absent.pk: False}

    # The training has ended: its certificates, for those who attended enough.
    page.goto(f"/staff/trainings/{training.slug}/certificates/")
    page.get_by_role("button", name="Issue certificates").click()
    page.wait_for_url("**/staff/jobs/**")
    assert "The certificates are being issued." in page.inner_text("main")
    certificate = Certificate.objects.get(registration__training=training)
    assert certificate.registration_id == present.pk
    assert not Certificate.objects.filter(registration=absent).exists()
    assert not coordinator.is_superuser
