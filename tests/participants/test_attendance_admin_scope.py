"""The attendance admin's add page keeps to the coordinator's own trainings: an id typed
into its raw-id fields for another coordinator's person or session is refused there."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.models import Attendance
from rtcm.core.roles import COORDINATOR
from tests.factories import RegistrationFactory, SessionFactory, TrainingFactory, staff_user

pytestmark = pytest.mark.django_db


def started_training(coordinator):
    today = timezone.localdate()
    training = TrainingFactory(start_date=today - dt.timedelta(days=1), end_date=today)
    training.coordinators.add(coordinator)
    starts = timezone.now() - dt.timedelta(hours=3)
    session = SessionFactory(
        training=training, starts_at=starts, ends_at=starts + dt.timedelta(hours=1)
    )
    return RegistrationFactory(training=training), session


def test_a_coordinator_cannot_mark_attendance_at_another_coordinators_training():
    mine, theirs = staff_user("a", roles=(COORDINATOR,)), staff_user("b", roles=(COORDINATOR,))
    my_person, my_session = started_training(mine)
    their_person, their_session = started_training(theirs)
    client = Client()
    client.force_login(mine)
    url = reverse("admin:participants_attendance_add")

    for registration, session in ((their_person, their_session), (my_person, their_session)):
        refused = client.post(
            url, {"registration": registration.pk, "session": session.pk, "present": "on"}
        )
        assert refused.status_code == 200
        assert "Select a valid choice" in refused.content.decode()
    assert not Attendance.objects.exists()

    marked = client.post(
        url, {"registration": my_person.pk, "session": my_session.pk, "present": "on"}
    )
    assert marked.status_code == 302
    assert Attendance.objects.get().registration == my_person
