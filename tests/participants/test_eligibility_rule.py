"""Certificate eligibility is one database annotation
(``participants.selectors.registrations_annotate_eligibility``): the staff page, the
issuing services and the training report give the same answer, hours included."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from participants import selectors, services
from participants.models import Certificate, Registration
from rtcm.reports.builders import training_report
from tests.factories import AttendanceFactory, RegistrationFactory, SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def held_training(**fields):
    """A training that ended last week: eligibility is final on all its sessions."""
    return TrainingFactory(start_date=timezone.localdate() - dt.timedelta(days=7), **fields)


def sessions_of(training, minutes: list[int]):
    start = timezone.make_aware(dt.datetime.combine(training.start_date, dt.time(8)))
    sessions = []
    for index, length in enumerate(minutes):
        starts = start + dt.timedelta(hours=3 * index)
        sessions.append(
            SessionFactory(
                training=training, starts_at=starts, ends_at=starts + dt.timedelta(minutes=length)
            )
        )
    return sessions


def present(registration, sessions):
    for session in sessions:
        AttendanceFactory(registration=registration, session=session, present=True)


def eligible_not_issued(training) -> int:
    figures = {f.label: f for s in training_report(training=training).sections for f in s.figures}
    return figures["Eligible, not yet issued"].value


def test_hours_are_the_exact_lengths_summed_for_every_reader():
    # Two 59-minute sessions are 1 h 58 min: below a 2-hour minimum. Each rounded to a
    # tenth of an hour they would make 2.0 h; the one rule compares the exact lengths.
    training = held_training(min_attendance_percent=50, min_hours=Decimal("2.0"))
    sessions = sessions_of(training, [59, 59, 60])
    short = RegistrationFactory(training=training)
    present(short, sessions[:2])
    enough = RegistrationFactory(training=training)
    present(enough, sessions[1:])  # 59 + 60 minutes: still short
    full = RegistrationFactory(training=training)
    present(full, sessions)

    by_selector = selectors.training_certificate_eligibility(training=training)
    assert {pk: e.eligible for pk, e in by_selector.items()} == {
        short.pk: False,
        enough.pk: False,
        full.pk: True,
    }
    assert by_selector[short.pk].hours == Decimal("2.0")  # shown to a tenth, compared exactly
    assert by_selector[short.pk].reason == "attendance below the minimum"
    assert by_selector[full.pk].percent == 100
    assert eligible_not_issued(training) == 1
    services.certificates_ensure_for_training(training=training)
    assert list(Certificate.objects.values_list("registration", flat=True)) == [full.pk]
    assert eligible_not_issued(training) == 0


def test_staff_decisions_win_and_only_confirmed_people_count():
    training = held_training(min_attendance_percent=100, min_hours=Decimal("0"))
    sessions = sessions_of(training, [60, 60])
    granted = RegistrationFactory(training=training, certificate_override="grant")
    withheld = RegistrationFactory(training=training, certificate_override="withhold")
    present(withheld, sessions)
    waiting = RegistrationFactory(training=training, status=Registration.Status.WAITLISTED)
    present(waiting, sessions)

    rows = {
        r.pk: r
        for r in selectors.registrations_annotate_eligibility(
            Registration.objects.filter(training=training), training=training
        )
    }
    assert rows[granted.pk].certificate_eligible is True
    assert rows[granted.pk].certificate_reason == "granted"
    assert rows[withheld.pk].certificate_eligible is False
    assert rows[withheld.pk].certificate_reason == "withheld"
    assert rows[waiting.pk].certificate_eligible is False
    assert rows[waiting.pk].certificate_reason == "unconfirmed"
    assert set(selectors.training_certificate_eligibility(training=training)) == {
        granted.pk,
        withheld.pk,
    }
    assert eligible_not_issued(training) == 1


def test_a_training_without_sessions_gives_no_certificate_by_attendance():
    training = held_training(min_attendance_percent=0, min_hours=Decimal("0"))
    registration = RegistrationFactory(training=training)
    decision = selectors.training_certificate_eligibility(training=training)[registration.pk]
    assert decision.eligible is False
    assert decision.sessions == 0


def test_the_rule_is_one_query_whatever_the_number_of_people(django_assert_num_queries):
    training = held_training()
    sessions = sessions_of(training, [180, 180])
    for _ in range(6):
        present(RegistrationFactory(training=training), sessions)
    with django_assert_num_queries(1):
        assert len(selectors.training_certificate_eligibility(training=training)) == 6
