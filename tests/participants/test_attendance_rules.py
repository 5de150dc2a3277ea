"""Attendance rules (issue 13): marked only once a session has started, whether from the
sheet, the API or a service call; the % counts the sessions held so far; eligibility for
a certificate is decided on all the sessions once the training has ended."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from participants import selectors, services
from participants.models import Attendance
from tests.factories import (
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    coordinators_run_every_training,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_run_every_training(db):
    with coordinators_run_every_training():
        yield


@pytest.fixture
def running():
    """A training from yesterday to tomorrow: two sessions held, two to come."""
    today = timezone.localdate()
    training = TrainingFactory(
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
        min_attendance_percent=75,
    )
    now = timezone.now()
    for offset in (-26, -3, 20, 24):  # hours from now
        starts = now + dt.timedelta(hours=offset)
        SessionFactory(training=training, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))
    return training


def sessions(training):
    return list(training.sessions.order_by("starts_at"))


def test_a_session_not_started_is_not_marked_by_the_service(running, coordinator):
    held, _held_too, future, _later = sessions(running)
    registration = RegistrationFactory(training=running)
    with pytest.raises(services.SessionNotStarted) as refused:
        services.attendance_mark(
            session=future, registration=registration, present=True, actor=coordinator
        )
    assert refused.value.field == "session"
    with pytest.raises(services.SessionNotStarted):
        services.attendance_mark_all_present(session=future, actor=coordinator)
    assert not Attendance.objects.exists()
    # Started (even still running) is fine.
    services.attendance_mark(
        session=held, registration=registration, present=True, actor=coordinator
    )
    assert services.attendance_mark_all_present(session=held, actor=coordinator) == 1
    assert Attendance.objects.count() == 1


def test_the_api_answers_400_naming_the_session(running, coordinator):
    future = sessions(running)[2]
    registration = RegistrationFactory(training=running)
    client = APIClient()
    client.force_authenticate(coordinator)
    url = f"/api/v1/sessions/{future.pk}/attendance/"
    for body in ({"registration": registration.pk, "present": True}, {"all_present": True}):
        response = client.post(url, body, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "session_not_started"
        assert "not started" in response.json()["session"][0]
    assert not Attendance.objects.exists()


def test_the_sheet_of_a_future_session_says_so_and_refuses_marks(running, coordinator_client):
    future = sessions(running)[2]
    registration = RegistrationFactory(training=running)
    url = reverse("staff:attendance_sheet", kwargs={"pk": future.pk})
    page = coordinator_client.get(url).content.decode()
    assert "session-not-started" in page
    assert 'name="present"' not in page
    assert 'name="all"' not in page
    for data in ({"person": registration.pk, "present": "1"}, {"all": "1"}):
        response = coordinator_client.post(url, data)
        assert response.status_code == 302
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert messages
        assert "has not started yet" in messages[-1]
    assert not Attendance.objects.exists()
    held = sessions(running)[0]
    page = coordinator_client.get(reverse("staff:attendance_sheet", kwargs={"pk": held.pk}))
    assert 'name="present"' in page.content.decode()


def test_the_percent_counts_the_sessions_held_so_far(running, coordinator):
    first, second, _future, _later = sessions(running)
    both = RegistrationFactory(training=running)
    one = RegistrationFactory(training=running)
    for session in (first, second):
        services.attendance_mark(session=session, registration=both, present=True, actor=None)
    services.attendance_mark(session=first, registration=one, present=True, actor=None)
    rows = {r.pk: r for r in selectors.training_registrations_with_attendance(training=running)}
    assert (rows[both.pk].sessions_total, rows[both.pk].attendance_percent) == (2, 100)
    assert (rows[one.pk].sessions_attended, rows[one.pk].attendance_percent) == (1, 50)
    sheet = {r.pk: r for r in selectors.session_attendance_sheet(session=first)}
    assert sheet[both.pk].attendance_percent == 100
    # Before the end the certificate rule reads the same held sessions (provisional).
    assert selectors.training_certificate_eligibility(training=running)[both.pk].eligible


def test_eligibility_is_decided_on_every_session_once_the_training_has_ended(running, monkeypatch):
    first, second, _future, _later = sessions(running)
    both = RegistrationFactory(training=running)
    for session in (first, second):
        services.attendance_mark(session=session, registration=both, present=True, actor=None)
    after_the_end = timezone.now() + dt.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: after_the_end)
    assert running.has_ended()
    decision = selectors.training_certificate_eligibility(training=running)[both.pk]
    assert (decision.attended, decision.sessions, decision.percent) == (2, 4, 50)
    assert not decision.eligible
    row = selectors.training_registrations_with_attendance(training=running).get(pk=both.pk)
    assert (row.sessions_total, row.attendance_percent) == (4, 50)


def test_the_admin_marks_through_the_service_and_refuses_a_future_session(
    running, coordinator, coordinator_client
):
    held, _held_too, future, _later = sessions(running)
    registration = RegistrationFactory(training=running)  # confirmed
    url = reverse("admin:participants_attendance_add")
    refused = coordinator_client.post(
        url, {"registration": registration.pk, "session": future.pk, "present": "on"}
    )
    assert refused.status_code == 200
    assert "This session has not started yet" in refused.content.decode()
    assert not Attendance.objects.exists()

    marked = coordinator_client.post(
        url, {"registration": registration.pk, "session": held.pk, "present": "on"}
    )
    assert marked.status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.session, attendance.present, attendance.marked_by) == (
        held,
        True,
        coordinator,
    )
