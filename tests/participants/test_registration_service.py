"""The registration state machine, through the service functions."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from courses.models import Training
from participants import services
from participants.models import Participant, Registration
from rtcm.core.errors import AlreadyRegistered, InvalidTransition, RegistrationClosed, TrainingFull
from tests.factories import TrainingFactory, manage_links_in, person_data

pytestmark = pytest.mark.django_db
Status = Registration.Status


def submit(training, **overrides):
    data = person_data(**overrides)
    data.pop("consent")
    return services.registration_submit(training=training, participant_data=data)


def test_free_seat_confirms():
    training = TrainingFactory(capacity=2)
    assert submit(training, email="a@example.org").status == Status.CONFIRMED


def test_full_training_waitlists_new_registrant():
    training = TrainingFactory(capacity=1)
    submit(training, email="a@example.org")
    second = submit(training, email="b@example.org")
    assert second.status == Status.WAITLISTED
    assert second.waitlisted_at is not None


def test_full_training_without_waitlist_refuses_and_writes_nothing():
    training = TrainingFactory(capacity=1, waitlist_enabled=False)
    submit(training, email="a@example.org")
    with pytest.raises(TrainingFull):
        submit(training, email="new-person@example.org")
    assert not Participant.objects.filter(email="new-person@example.org").exists()
    assert Registration.objects.filter(training=training).count() == 1


def test_approval_required_goes_pending_even_with_seats():
    training = TrainingFactory(capacity=5, requires_approval=True)
    assert submit(training).status == Status.PENDING


def test_approve_confirms_when_a_seat_is_free_else_waitlists():
    training = TrainingFactory(capacity=1, requires_approval=True)
    first = submit(training, email="a@example.org")
    second = submit(training, email="b@example.org")
    assert services.registration_approve(registration=first).status == Status.CONFIRMED
    assert services.registration_approve(registration=second).status == Status.WAITLISTED


def test_approve_twice_is_refused():
    training = TrainingFactory(requires_approval=True)
    registration = submit(training)
    services.registration_approve(registration=registration)
    with pytest.raises(InvalidTransition):
        services.registration_approve(registration=registration)


def test_reject_keeps_the_reason():
    training = TrainingFactory(requires_approval=True)
    registration = services.registration_reject(
        registration=submit(training), reason="Profile does not match the target audience."
    )
    assert registration.status == Status.REJECTED
    assert registration.decision_reason == "Profile does not match the target audience."


@pytest.mark.parametrize(
    "email", ["nurlan@example.org", "NURLAN@Example.ORG", " Nurlan@example.org "]
)
def test_same_email_any_case_is_already_registered(email):
    training = TrainingFactory()
    submit(training, email="nurlan@example.org")
    with pytest.raises(AlreadyRegistered):
        submit(training, email=email)
    assert Registration.objects.filter(training=training).count() == 1
    assert Participant.objects.count() == 1


def test_same_person_registers_for_two_trainings_as_one_participant():
    submit(TrainingFactory(), email="nurlan@example.org")
    submit(TrainingFactory(), email="Nurlan@Example.org")
    assert Participant.objects.count() == 1
    assert Registration.objects.count() == 2


def test_public_form_does_not_overwrite_an_existing_persons_details():
    submit(TrainingFactory(), email="nurlan@example.org", family_name="Абдуллаев")
    submit(TrainingFactory(), email="nurlan@example.org", family_name="Someone Else")
    assert Participant.objects.get().family_name == "Абдуллаев"


def test_cancel_gives_the_seat_to_the_first_waitlisted_person():
    training = TrainingFactory(capacity=1)
    confirmed = submit(training, email="a@example.org")
    first_waiting = submit(training, email="b@example.org")
    second_waiting = submit(training, email="c@example.org")

    services.registration_cancel(registration=confirmed)

    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Status.CONFIRMED
    assert first_waiting.waitlisted_at is None
    assert second_waiting.status == Status.WAITLISTED


def test_cancelling_a_waitlisted_person_promotes_nobody():
    training = TrainingFactory(capacity=1)
    submit(training, email="a@example.org")
    waiting = submit(training, email="b@example.org")
    other = submit(training, email="c@example.org")
    services.registration_cancel(registration=waiting)
    other.refresh_from_db()
    assert other.status == Status.WAITLISTED


def test_cancel_twice_is_refused():
    registration = submit(TrainingFactory())
    services.registration_cancel(registration=registration)
    with pytest.raises(InvalidTransition):
        services.registration_cancel(registration=registration)


def test_cancelled_person_may_register_again_at_the_back_of_the_queue():
    training = TrainingFactory(capacity=1)
    submit(training, email="a@example.org")
    waiting = submit(training, email="b@example.org")
    services.registration_cancel(registration=waiting)
    later = submit(training, email="c@example.org")
    again = submit(training, email="b@example.org")
    assert again.pk == waiting.pk
    assert again.status == Status.WAITLISTED
    assert again.waitlisted_at > later.waitlisted_at


def test_capacity_growth_fills_from_waitlist_in_order():
    training = TrainingFactory(capacity=1)
    submit(training, email="a@example.org")
    b = submit(training, email="b@example.org")
    c = submit(training, email="c@example.org")
    d = submit(training, email="d@example.org")
    training.capacity = 3
    training.save()
    promoted = services.training_fill_from_waitlist(training=training)
    assert [r.pk for r in promoted] == [b.pk, c.pk]
    d.refresh_from_db()
    assert d.status == Status.WAITLISTED


@pytest.mark.parametrize("over", ["ended", "completed", "cancelled"])
def test_nobody_is_promoted_into_a_training_that_is_over(over):
    # A seat added or freed after the end is no seat: the waiting people stay waiting
    # and are not told "you have a seat" for a finished training.
    training = TrainingFactory(capacity=1)
    submit(training, email="a@example.org")
    waiting = submit(training, email="b@example.org")
    mail.outbox.clear()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    changes = {
        "ended": {"start_date": yesterday - dt.timedelta(days=2), "end_date": yesterday},
        "completed": {"status": "completed"},
        "cancelled": {"status": "cancelled"},
    }[over]
    Training.objects.filter(pk=training.pk).update(capacity=5, **changes)
    training.refresh_from_db()
    assert services.training_fill_from_waitlist(training=training) == []
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITLISTED
    assert mail.outbox == []


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "draft"},
        {"status": "closed"},
        {"status": "cancelled"},
        {"registration_closes_at": timezone.now() - dt.timedelta(minutes=1)},
        {"registration_opens_at": timezone.now() + dt.timedelta(days=1)},
    ],
)
def test_registration_outside_the_window_is_closed_and_writes_nothing(changes):
    training = TrainingFactory(**changes)
    with pytest.raises(RegistrationClosed):
        submit(training)
    assert Participant.objects.count() == 0
    assert Registration.objects.count() == 0


def test_each_change_mails_the_person_after_commit(django_capture_on_commit_callbacks):
    training = TrainingFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = submit(training, email="a@example.org", preferred_language="en")
        submit(training, email="b@example.org", preferred_language="en")
    assert [m.to for m in mail.outbox] == [["a@example.org"], ["b@example.org"]]
    assert "Your seat is confirmed" in mail.outbox[0].subject
    assert manage_links_in(mail.outbox[0].body) == [confirmed]
    assert "waiting list" in mail.outbox[1].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=confirmed)
    # The cancelled person and the promoted one each hear of it.
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


def test_no_mail_for_a_refused_submission(django_capture_on_commit_callbacks):
    training = TrainingFactory(capacity=1, waitlist_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(training, email="a@example.org")
        with pytest.raises(TrainingFull):
            submit(training, email="b@example.org")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
