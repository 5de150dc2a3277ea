"""Vetting, assignments with their clash check and .ics, hours."""

import datetime as dt
from decimal import Decimal

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from courses.models import Training
from rtcm.core.errors import DomainError
from tests.factories import SessionFactory, TrainingFactory, network_officer_user, past_training
from tests.volunteers.factories import AssignmentFactory, VolunteerFactory
from volunteers import selectors, services
from volunteers.models import Assignment, Volunteer, VolunteerMessage

pytestmark = pytest.mark.django_db


def calendar_of(message) -> icalendar.Calendar:
    [(name, content, mimetype)] = message.attachments
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    return icalendar.Calendar.from_ical(content)


# --- vetting ----------------------------------------------------------------------------


def test_accepting_an_applicant_records_who_and_mails_a_welcome(committed):
    officer = network_officer_user()
    volunteer = VolunteerFactory(status=Volunteer.Status.APPLICANT, correspondence_language="ru")
    with committed():
        services.volunteer_accept(volunteer=volunteer, actor=officer)
    volunteer.refresh_from_db()
    assert volunteer.status == Volunteer.Status.ACTIVE
    assert volunteer.status_changed_by == officer
    assert volunteer.status_changed_at is not None
    [email] = mail.outbox
    assert email.to == [volunteer.email]
    assert "волонтёр" in email.body  # in the volunteer's language (Russian)
    message = VolunteerMessage.objects.get(volunteer=volunteer)
    assert message.kind == VolunteerMessage.Kind.ACCEPTED
    assert message.language == "ru"
    assert message.status == VolunteerMessage.Status.SENT


def test_declining_an_applicant_mails_them_and_cannot_be_done_twice(committed):
    volunteer = VolunteerFactory(status=Volunteer.Status.APPLICANT)
    with committed():
        services.volunteer_decline(volunteer=volunteer, actor=None)
    assert Volunteer.objects.get(pk=volunteer.pk).status == Volunteer.Status.DECLINED
    assert "cannot accept your application" in mail.outbox[0].body
    with pytest.raises(services.InvalidVolunteerTransition):
        services.volunteer_accept(volunteer=volunteer, actor=None)
    assert len(mail.outbox) == 1


def test_a_volunteer_with_assignments_to_come_is_not_deactivated():
    assignment = AssignmentFactory()
    with pytest.raises(services.InvalidVolunteerTransition, match="Open day"):
        services.volunteer_deactivate(volunteer=assignment.volunteer, actor=None)
    services.assignment_cancel(assignment=assignment, actor=None)
    services.volunteer_deactivate(volunteer=assignment.volunteer, actor=None)
    assert Volunteer.objects.get(pk=assignment.volunteer_id).status == Volunteer.Status.INACTIVE


# --- assignments --------------------------------------------------------------------------


def _at(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_an_overlapping_assignment_is_refused_naming_the_clash():
    volunteer = VolunteerFactory()
    first = services.assignment_create(
        volunteer=volunteer,
        event="Migration School open day",
        role=Assignment.Role.REGISTRATION,
        starts_at=_at(5, 9),
        ends_at=_at(5, 13),
        actor=None,
    )
    with pytest.raises(services.VolunteerNotAvailable) as refused:
        services.assignment_create(
            volunteer=volunteer,
            event="Press conference",
            role=Assignment.Role.SOCIAL_MEDIA,
            starts_at=_at(5, 12),
            ends_at=_at(5, 15),
            actor=None,
        )
    text = str(refused.value.message)
    assert "already assigned at that time" in text
    assert "Migration School open day" in text
    assert "Registration desk" in text
    assert list(Assignment.objects.all()) == [first]
    assert VolunteerMessage.objects.filter(kind=VolunteerMessage.Kind.ASSIGNED).count() == 1


def test_touching_or_cancelled_assignments_do_not_clash():
    volunteer = VolunteerFactory()
    first = services.assignment_create(
        volunteer=volunteer,
        event="Morning",
        role="logistics",
        starts_at=_at(5, 9),
        ends_at=_at(5, 12),
        actor=None,
    )
    services.assignment_create(
        volunteer=volunteer,
        event="Afternoon",
        role="logistics",
        starts_at=_at(5, 12),
        ends_at=_at(5, 15),
        actor=None,
    )
    services.assignment_cancel(assignment=first, actor=None)
    services.assignment_create(
        volunteer=volunteer,
        event="Morning again",
        role="it",
        starts_at=_at(5, 9),
        ends_at=_at(5, 12),
        actor=None,
    )
    assert Assignment.objects.filter(volunteer=volunteer).count() == 3
    # Another volunteer at the same time is no clash either.
    services.assignment_create(
        volunteer=VolunteerFactory(),
        event="Afternoon",
        role="logistics",
        starts_at=_at(5, 12),
        ends_at=_at(5, 15),
        actor=None,
    )


@pytest.mark.parametrize(
    "status", [Volunteer.Status.APPLICANT, Volunteer.Status.INACTIVE, Volunteer.Status.DECLINED]
)
def test_only_active_volunteers_are_assigned(status):
    volunteer = VolunteerFactory(status=status)
    with pytest.raises(services.VolunteerNotAvailable, match="only active volunteers"):
        services.assignment_create(
            volunteer=volunteer,
            event="Open day",
            role="logistics",
            starts_at=_at(3, 9),
            ends_at=_at(3, 12),
            actor=None,
        )
    assert not Assignment.objects.exists()
    assert mail.outbox == []


def test_a_training_assignment_takes_the_training_times_and_mails_an_ics(committed):
    training = TrainingFactory(title="Border management basics")
    start = timezone.make_aware(dt.datetime.combine(training.start_date, dt.time(9)))
    SessionFactory(training=training, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    last = start + dt.timedelta(days=1, hours=5)
    SessionFactory(training=training, starts_at=last, ends_at=last + dt.timedelta(hours=3))
    volunteer = VolunteerFactory(given_name="Ləman")
    with committed():
        assignment = services.assignment_create(
            volunteer=volunteer, training=training, role=Assignment.Role.INTERPRETATION, actor=None
        )
    assert assignment.starts_at == start
    assert assignment.ends_at == last + dt.timedelta(hours=3)
    assert assignment.programme == training.programme
    [email] = mail.outbox
    assert "Border management basics" in email.subject
    [event] = calendar_of(email).walk("VEVENT")
    assert event["uid"] == f"volunteer-assignment-{assignment.pk}@rtcm"
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == last + dt.timedelta(hours=3)
    assert "Border management basics" in str(event["summary"])
    assert "Interpretation" in str(event["summary"])
    assert str(event["status"]) == "CONFIRMED"
    # A training assignment overlapping it is refused too.
    with pytest.raises(services.VolunteerNotAvailable, match="Border management basics"):
        services.assignment_create(
            volunteer=volunteer,
            event="Evening",
            role="it",
            starts_at=start + dt.timedelta(hours=1),
            ends_at=start + dt.timedelta(hours=2),
            actor=None,
        )


def test_a_training_without_sessions_spans_its_days():
    training = TrainingFactory()  # three days, no agenda yet
    assignment = services.assignment_create(
        volunteer=VolunteerFactory(), training=training, role="logistics", actor=None
    )
    assert assignment.ends_at - assignment.starts_at == dt.timedelta(days=3)
    assert timezone.localtime(assignment.starts_at).date() == training.start_date
    assert timezone.localtime(assignment.starts_at).hour == 0


def test_cancelling_mails_an_ics_that_cancels_the_event(committed):
    assignment = services.assignment_create(
        volunteer=VolunteerFactory(),
        event="Open day",
        role="logistics",
        starts_at=_at(3, 9),
        ends_at=_at(3, 12),
        actor=None,
    )
    with committed():
        services.assignment_cancel(assignment=assignment, actor=None)
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.CANCELLED
    cancelled = mail.outbox[-1]
    calendar = calendar_of(cancelled)
    assert str(calendar["method"]) == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["uid"] == f"volunteer-assignment-{assignment.pk}@rtcm"
    assert str(event["status"]) == "CANCELLED"
    with pytest.raises(services.InvalidAssignment):
        services.assignment_cancel(assignment=assignment, actor=None)


# --- hours --------------------------------------------------------------------------------


def test_hours_are_recorded_within_the_assignment_span():
    training = past_training(title="Readmission in practice")  # four sessions of 3 h
    assignment = services.assignment_create(
        volunteer=VolunteerFactory(), training=training, role="registration", actor=None
    )
    for bad in (0, -1, "abc", "NaN", services.assignment_max_hours(assignment) + 1):
        with pytest.raises(services.InvalidHours):
            services.assignment_complete(assignment=assignment, hours=bad)
    assert Assignment.objects.get(pk=assignment.pk).status == Assignment.Status.PLANNED
    services.assignment_complete(assignment=assignment, hours="10.5")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.COMPLETED
    assert assignment.hours == Decimal("10.5")


def test_hours_default_to_the_training_sessions():
    training = past_training()  # four sessions of 3 h
    assignment = services.assignment_create(
        volunteer=VolunteerFactory(), training=training, role="logistics", actor=None
    )
    services.assignment_complete(assignment=assignment)
    assert Assignment.objects.get(pk=assignment.pk).hours == Decimal("12.0")


def test_an_assignment_to_come_or_cancelled_records_no_hours():
    assignment = AssignmentFactory()
    with pytest.raises(services.InvalidAssignment, match="not started"):
        services.assignment_complete(assignment=assignment, hours=2)
    services.assignment_cancel(assignment=assignment, actor=None)
    with pytest.raises(services.InvalidAssignment):
        services.assignment_complete(assignment=assignment, hours=2)


def test_volunteer_hours_for_reports():
    training = past_training()
    first, second = VolunteerFactory(), VolunteerFactory()
    for volunteer, hours in ((first, "5"), (second, "7.5")):
        assignment = services.assignment_create(
            volunteer=volunteer, training=training, role="logistics", actor=None
        )
        services.assignment_complete(assignment=assignment, hours=hours)
    event = services.assignment_create(
        volunteer=first,
        event="Open day",
        role="it",
        starts_at=_at(-30, 9),
        ends_at=_at(-30, 12),
        actor=None,
    )
    services.assignment_complete(assignment=event, hours="2")
    AssignmentFactory(volunteer=first)  # planned: not counted
    assert selectors.volunteer_hours() == Decimal("14.5")
    trainings = Training.objects.filter(pk=training.pk)
    assert selectors.volunteer_hours(trainings_qs=trainings) == Decimal("12.5")
    rows = {v.pk: v.hours for v in selectors.volunteer_hours_by_volunteer()}
    assert rows == {first.pk: Decimal("7.0"), second.pk: Decimal("7.5")}
    month_ago = _at(-30, 0).date()
    assert selectors.volunteer_hours(start=month_ago, end=month_ago) == Decimal("2.0")
    assert selectors.volunteer_hours(end=month_ago - dt.timedelta(days=1)) == 0


def test_a_domain_error_is_one_family():
    assert issubclass(services.VolunteerNotAvailable, DomainError)


def test_nobody_is_assigned_to_a_cancelled_training():
    training = TrainingFactory(status=Training.Status.CANCELLED)
    with pytest.raises(services.InvalidAssignment, match="cancelled"):
        services.assignment_create(
            volunteer=VolunteerFactory(), training=training, role="logistics", actor=None
        )
    assert not Assignment.objects.exists()


def test_the_database_refuses_a_second_volunteer_with_the_same_email(monkeypatch):
    VolunteerFactory(email="same@example.org")
    # As if two applications arrived at once: both pass the check, the database decides.
    monkeypatch.setattr(selectors, "volunteer_with_email", lambda *a, **k: None)
    with pytest.raises(services.DuplicateVolunteer):
        services.volunteer_apply(
            data={
                "given_name": "Ləman",
                "family_name": "Əliyeva",
                "email": "SAME@example.org",
                "country": "AZ",
            },
            languages=["az"],
            skills=["it"],
            consent=True,
        )
    assert Volunteer.objects.count() == 1
