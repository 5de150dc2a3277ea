"""Waiting-list rules (issue 13): only a person holding a seat is told that cancelling
gives it to the next person; nobody joins the waiting list of a training that has started
unless its coordinator keeps the list open (``Training.waitlist_after_start``)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from participants import services
from participants.models import Participant, Registration
from rtcm.core.errors import TrainingFull
from tests.factories import RegistrationFactory, TrainingFactory, person_data

pytestmark = pytest.mark.django_db

SEAT_TEXT = "your seat goes to the next person"


@pytest.mark.parametrize(
    ("status", "told"),
    [("confirmed", True), ("waitlisted", False), ("pending", False)],
)
def test_only_a_person_with_a_seat_is_told_it_goes_to_the_next(client, status, told):
    training = TrainingFactory(capacity=1)
    registration = RegistrationFactory(training=training, status=status)
    page = client.get(registration.get_absolute_url() + "?cancel=1").content.decode()
    assert "Cancel my registration" in page
    assert (SEAT_TEXT in page) is told


@pytest.fixture
def started_and_full():
    """Started yesterday, ends tomorrow, registration still open, its one seat taken."""
    today = timezone.localdate()
    training = TrainingFactory(
        capacity=1,
        start_date=today - dt.timedelta(days=1),
        end_date=today + dt.timedelta(days=1),
    )
    RegistrationFactory(training=training)
    return training


def test_the_service_refuses_the_waiting_list_once_started(started_and_full):
    before = Registration.objects.count(), Participant.objects.count()
    with pytest.raises(TrainingFull) as refused:
        services.registration_submit(training=started_and_full, participant_data=person_data())
    assert "already started" in str(refused.value.message)
    assert (Registration.objects.count(), Participant.objects.count()) == before


def test_the_coordinator_may_keep_the_waiting_list_open(started_and_full):
    started_and_full.waitlist_after_start = True
    started_and_full.save()
    registration = services.registration_submit(
        training=started_and_full, participant_data=person_data()
    )
    assert registration.status == Registration.Status.WAITLISTED


def test_before_the_start_a_full_training_still_has_its_waiting_list():
    training = TrainingFactory(capacity=1)  # starts in a month
    RegistrationFactory(training=training)
    registration = services.registration_submit(training=training, participant_data=person_data())
    assert registration.status == Registration.Status.WAITLISTED


def test_a_seat_is_still_taken_after_the_start(started_and_full):
    started_and_full.capacity = 2
    started_and_full.save()
    registration = services.registration_submit(
        training=started_and_full, participant_data=person_data()
    )
    assert registration.status == Registration.Status.CONFIRMED


def test_the_form_and_the_page_say_so(client, started_and_full):
    detail = client.get(started_and_full.get_absolute_url()).content.decode()
    assert "its waiting list is closed" in detail
    assert "Join the waiting list" not in detail
    url = reverse("training_register", kwargs={"slug": started_and_full.slug})
    form_page = client.get(url).content.decode()
    assert "waitlist-closed" in form_page
    assert "if you register you join the waiting list" not in form_page
    before = Registration.objects.count()
    response = client.post(url, person_data())
    assert response.status_code == 400
    assert "its waiting list is closed" in response.content.decode()
    assert Registration.objects.count() == before


def test_the_api_answers_with_the_reason(started_and_full):
    data = person_data()
    data["consent"] = True
    response = APIClient().post(
        f"/api/v1/trainings/{started_and_full.slug}/register/", data, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "training_full"
    assert "already started" in body["non_field_errors"][0]
    assert Registration.objects.count() == 1
