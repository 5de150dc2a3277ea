"""Retention of participants' data (issue 12, item 8): each rule reaches exactly the rows
past its limit — one day inside it stays — and beat runs real tasks."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from participants import selectors, services, tasks
from participants.models import Answer, Participant, Registration
from participants.selectors import years_before
from participants.services import retention
from rtcm.celery import app as celery_app
from tests.factories import (
    AttendanceFactory,
    ParticipantFactory,
    QuestionFactory,
    RegistrationFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    """Read when a test runs (a module-level date goes stale across midnight in a long run)."""
    return timezone.localdate()


def training_ended(on: dt.date, **kwargs):
    return TrainingFactory(
        start_date=on - dt.timedelta(days=2), end_date=on, status="completed", **kwargs
    )


def answered(training, status: str, **kwargs) -> Registration:
    question = training.questions.first() or QuestionFactory(training=training)
    registration = RegistrationFactory(training=training, status=status, **kwargs)
    Answer.objects.create(registration=registration, question=question, value="My unit's cases")
    return registration


# --- answers of unattended registrations ----------------------------------------------


@pytest.fixture
def unattended(settings):
    settings.RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS = 730
    cutoff = today() - dt.timedelta(days=730)
    past = training_ended(cutoff - dt.timedelta(days=1))
    inside = training_ended(cutoff)  # ended one day later: kept one more day
    rows = {
        "cancelled": answered(past, "cancelled"),
        "rejected": answered(past, "rejected"),
        "confirmed, never present": answered(past, "confirmed"),
        "confirmed, marked absent": answered(past, "confirmed"),
        "confirmed, present": answered(past, "confirmed"),
        "inside: cancelled": answered(inside, "cancelled"),
        "inside: confirmed, never present": answered(inside, "confirmed"),
        "upcoming: cancelled": answered(TrainingFactory(), "cancelled"),
    }
    AttendanceFactory(registration=rows["confirmed, marked absent"], present=False)
    AttendanceFactory(registration=rows["confirmed, present"], present=True)
    return rows


def test_answers_of_unattended_registrations_go_exactly_past_the_limit(unattended):
    past_limit = {"cancelled", "rejected", "confirmed, never present", "confirmed, marked absent"}
    selected = set(selectors.registrations_unattended_past_retention())
    assert selected == {unattended[label] for label in past_limit}

    deleted = retention.registrations_forget_unattended_answers()

    assert deleted == 4
    for label, registration in unattended.items():
        assert registration.answers.exists() == (label not in past_limit), label
    # The rows stay for the counts, with their status.
    assert Registration.objects.count() == len(unattended)
    assert Registration.objects.get(pk=unattended["cancelled"].pk).status == "cancelled"
    assert retention.registrations_forget_unattended_answers() == 0  # safe twice


def test_unattended_answers_are_kept_when_the_rule_is_off(unattended, settings):
    settings.RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS = 0
    assert retention.registrations_forget_unattended_answers() == 0
    assert Answer.objects.count() == len(unattended)


# --- inactive participants --------------------------------------------------------------


def on_record_since(participant: Participant, years: int) -> Participant:
    Participant.objects.filter(pk=participant.pk).update(
        created_at=timezone.now() - dt.timedelta(days=366 * years)
    )
    return participant


@pytest.fixture
def people(settings):
    settings.RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS = 5
    cutoff = years_before(today(), 5)
    before, at_cutoff = training_ended(cutoff - dt.timedelta(days=1)), training_ended(cutoff)
    inactive = on_record_since(ParticipantFactory(given_name="Inactive"), 8)
    RegistrationFactory(participant=inactive, training=before)
    inside = on_record_since(ParticipantFactory(given_name="Inside"), 8)
    RegistrationFactory(participant=inside, training=at_cutoff)
    coming_back = on_record_since(ParticipantFactory(given_name="Returning"), 8)
    RegistrationFactory(participant=coming_back, training=before)
    RegistrationFactory(participant=coming_back, training=TrainingFactory())
    # On record for a day, no training yet (nothing to count from): kept.
    new = ParticipantFactory(given_name="New")
    return {"inactive": inactive, "inside": inside, "coming back": coming_back, "new": new}


def test_people_with_no_training_within_the_limit_are_anonymised(people):
    assert list(selectors.participants_inactive_past_retention()) == [people["inactive"]]

    assert services.participants_apply_retention() == {
        "answers_deleted": 0,
        "participants_erased": 1,
    }

    inactive = Participant.objects.get(pk=people["inactive"].pk)
    assert inactive.erased_at is not None
    assert inactive.given_name != "Inactive"
    assert inactive.registrations.count() == 1  # still counted
    for label in ("inside", "coming back", "new"):
        person = Participant.objects.get(pk=people[label].pk)
        assert person.erased_at is None, label
    # Erased people are not selected again: the task is safe to run twice.
    assert tasks.participants_apply_retention.delay().get() == {
        "answers_deleted": 0,
        "participants_erased": 0,
    }


def test_no_one_is_anonymised_when_the_rule_is_off(people, settings):
    settings.RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS = 0
    assert services.participants_apply_retention()["participants_erased"] == 0
    assert not Participant.objects.filter(erased_at__isnull=False).exists()


def test_years_before_29_february_is_28_february():
    assert years_before(dt.date(2028, 2, 29), 5) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2026, 12, 1), 5) == dt.date(2021, 12, 1)


# --- beat -------------------------------------------------------------------------------


def test_every_beat_entry_names_a_registered_task():
    celery_app.loader.import_default_modules()
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"participants.tasks.participants_apply_retention"} <= names
    assert settings.CELERY_BEAT_SCHEDULE["retention-participants"]["task"] == (
        tasks.participants_apply_retention.name
    )
    missing = names - set(celery_app.tasks)
    assert not missing
