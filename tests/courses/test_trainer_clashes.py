""" "Nobody teaches two sessions at once": one read, ``courses.selectors.trainer_clashes``,
asked by the booking service and the admin's forms."""

import datetime as dt
import pathlib

import pytest
from django.utils import timezone

from courses.models import Training
from courses.selectors import sessions_overlap, trainer_clashes
from experts import services as expert_services
from tests.factories import ExpertFactory, SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def booked():
    """Aziz teaches 10:00–12:00 on the first day of a training; Leyla teaches nothing."""
    training = TrainingFactory(title="Readmission")
    day = training.start_date
    session = SessionFactory(
        training=training, title="Case law", starts_at=at(day, 10), ends_at=at(day, 12)
    )
    aziz = ExpertFactory(given_name="Aziz", family_name="Karimov")
    session.trainers.add(aziz)
    return {"day": day, "session": session, "aziz": aziz, "leyla": ExpertFactory()}


def test_an_overlapping_booking_is_named_per_expert(booked):
    day, aziz, leyla = booked["day"], booked["aziz"], booked["leyla"]
    clashes = trainer_clashes(
        expert_ids=[aziz.pk, leyla.pk], starts_at=at(day, 11), ends_at=at(day, 13)
    )
    assert list(clashes) == [aziz.pk]
    assert clashes[aziz.pk] == booked["session"]
    assert clashes[aziz.pk].training.title == "Readmission"


@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [
        ((9, 0), (10, 0), False),  # ends as the other starts
        ((12, 0), (13, 0), False),  # starts as the other ends
        ((9, 0), (10, 1), True),
        ((11, 59), (14, 0), True),
        ((10, 30), (11, 0), True),  # inside
        ((8, 0), (15, 0), True),  # around
    ],
)
def test_the_overlap_is_strict_at_both_ends(booked, start, end, clash):
    day, aziz = booked["day"], booked["aziz"]
    found = trainer_clashes(expert_ids=[aziz.pk], starts_at=at(day, *start), ends_at=at(day, *end))
    assert (aziz.pk in found) is clash
    assert sessions_overlap(at(day, *start), at(day, *end), at(day, 10), at(day, 12)) is clash


def test_sessions_of_cancelled_trainings_and_excluded_ones_do_not_count(booked):
    day, aziz, session = booked["day"], booked["aziz"], booked["session"]
    window = {"expert_ids": [aziz.pk], "starts_at": at(day, 11), "ends_at": at(day, 13)}
    assert trainer_clashes(**window, exclude_session_ids=[session.pk]) == {}
    assert trainer_clashes(**window, exclude_training_id=session.training_id) == {}
    Training.objects.filter(pk=session.training_id).update(status=Training.Status.CANCELLED)
    assert trainer_clashes(**window) == {}


def test_no_experts_asks_nothing(django_assert_num_queries):
    now = timezone.now()
    with django_assert_num_queries(0):
        assert trainer_clashes(expert_ids=[], starts_at=now, ends_at=now) == {}


def test_many_experts_cost_one_query(booked, django_assert_num_queries):
    others = [ExpertFactory() for _ in range(5)]
    day = booked["day"]
    with django_assert_num_queries(1):
        clashes = trainer_clashes(
            expert_ids=[booked["aziz"].pk, *(e.pk for e in others)],
            starts_at=at(day, 9),
            ends_at=at(day, 17),
        )
    assert list(clashes) == [booked["aziz"].pk]


def test_the_booking_service_refuses_with_the_same_rule(booked):
    day, aziz = booked["day"], booked["aziz"]
    other = SessionFactory(
        training=TrainingFactory(), title="Opening", starts_at=at(day, 11), ends_at=at(day, 13)
    )
    with pytest.raises(expert_services.TrainerNotAvailable) as refused:
        expert_services.session_assign_trainer(session=other, expert=aziz)
    assert "Aziz Karimov already teaches “Readmission — Case law”" in str(refused.value.message)
    assert not other.trainers.exists()


def test_courses_reaches_trainers_without_importing_the_expert_network():
    # The layer contract (import-linter) checks it too; this says where the rule lives.
    root = pathlib.Path(__file__).resolve().parents[2] / "courses"
    for module in ("admin.py", "selectors.py", "services.py"):
        source = (root / module).read_text()
        assert "from experts" not in source, module
        assert "import experts" not in source, module
