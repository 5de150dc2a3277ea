"""Matching experts to a training: a small hand-built network and its expected ranking.

The training teaches two topics (readmission, border management) in Russian to
Central Asia, in two sessions on one day (9–12 and 13–16). Points (see
``experts.selectors``): topics 40 × share covered, language 20, target region
10, free at every session 15, 2 per training taught before (at most 10),
5 per point of average rating above or below 3.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import Training
from experts import selectors, services
from experts.models import Expert, TrainerRating
from rtcm.core.models import Region
from tests.factories import (
    CurriculumFactory,
    ExpertFactory,
    ModuleFactory,
    RegistrationFactory,
    SessionFactory,
    TopicFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def network():
    day = timezone.localdate() + dt.timedelta(days=40)
    readmission = TopicFactory(name="Readmission")
    borders = TopicFactory(name="Border management")
    curriculum = CurriculumFactory()
    modules = [
        ModuleFactory(curriculum=curriculum, topic=readmission),
        ModuleFactory(curriculum=curriculum, topic=borders),
    ]
    training = TrainingFactory(start_date=day, end_date=day, languages=["ru"])
    training.modules.set(modules)
    training.target_regions.set([Region.objects.get(code="central-asia")])
    morning = SessionFactory(
        training=training, title="Morning", starts_at=at(day, 9), ends_at=at(day, 12)
    )
    SessionFactory(training=training, title="Afternoon", starts_at=at(day, 13), ends_at=at(day, 16))

    both = [readmission, borders]
    experts = {
        # 40 + 20 + 10 + 15 = 85
        "aziz": ExpertFactory(
            given_name="Aziz", family_name="Karimov", country="UZ", topics=both, languages=["ru"]
        ),
        # 40 + 20 + 0 + 15 + 2×2 taught + 5×(5−3) rating = 89
        "bahar": ExpertFactory(
            given_name="Bahar",
            family_name="Məmmədova",
            country="AZ",
            topics=both,
            languages=["ru", "az"],
        ),
        # 20 + 20 + 10 + 0 (busy in the morning) = 50
        "dilnoza": ExpertFactory(
            given_name="Dilnoza",
            family_name="Yusupova",
            country="KZ",
            topics=[readmission],
            languages=["ru"],
        ),
        # 20 + 0 + 0 + 15 = 35
        "elene": ExpertFactory(
            given_name="Elene",
            family_name="Gelashvili",
            country="GE",
            topics=[readmission],
            languages=["en", "ka"],
        ),
        # 0 + 20 + 0 + 15 = 35, after Gelashvili by name
        "farid": ExpertFactory(
            given_name="Farid", family_name="Haddad", country="JO", topics=[], languages=["ru"]
        ),
        # 40 + 20 + 10 + 15 + 2×1 taught + 5×(1−3) rating = 77
        "hasan": ExpertFactory(
            given_name="Hasan", family_name="Rahimov", country="TJ", topics=both, languages=["ru"]
        ),
        # matches neither a topic nor a language: not suggested
        "gulnara": ExpertFactory(
            given_name="Gulnara", family_name="Abenova", country="KZ", languages=["en"]
        ),
        # would be first, but inactive: not suggested
        "inactive": ExpertFactory(
            family_name="Inactive",
            country="UZ",
            topics=both,
            languages=["ru"],
            status=Expert.Status.INACTIVE,
        ),
        # already teaches this training: not suggested
        "teaching": ExpertFactory(
            family_name="Teaching", country="UZ", topics=both, languages=["ru"]
        ),
    }
    services.session_assign_trainer(session=morning, expert=experts["teaching"])

    # Bahar taught two completed trainings, rated 5 twice; Hasan taught one that
    # ended before (still "open": it counts too), rated 1 once.
    for offset in (200, 100):
        past_day = day - dt.timedelta(days=offset)
        past = TrainingFactory(
            start_date=past_day, end_date=past_day, status=Training.Status.COMPLETED
        )
        session = SessionFactory(training=past, starts_at=at(past_day, 9), ends_at=at(past_day, 12))
        services.session_assign_trainer(session=session, expert=experts["bahar"])
        TrainerRating.objects.create(
            registration=RegistrationFactory(training=past),
            session=session,
            expert=experts["bahar"],
            score=5,
        )
    rated_day = day - dt.timedelta(days=50)
    rated = TrainingFactory(start_date=rated_day, end_date=rated_day, status=Training.Status.OPEN)
    rated_session = SessionFactory(
        training=rated, starts_at=at(rated_day, 9), ends_at=at(rated_day, 10)
    )
    services.session_assign_trainer(session=rated_session, expert=experts["hasan"])
    TrainerRating.objects.create(
        registration=RegistrationFactory(training=rated),
        session=rated_session,
        expert=experts["hasan"],
        score=1,
    )
    # Dilnoza teaches another training at 10–11 the same day.
    elsewhere = TrainingFactory(start_date=day, end_date=day, title="Labour migration clinic")
    services.session_assign_trainer(
        session=SessionFactory(training=elsewhere, starts_at=at(day, 10), ends_at=at(day, 11)),
        expert=experts["dilnoza"],
    )
    return training, experts


def test_the_ranking_of_the_hand_built_network(network):
    training, _experts = network

    ranking = [(s.expert.given_name, s.score) for s in selectors.training_suggestions(training)]

    assert ranking == [
        ("Bahar", Decimal("89.0")),
        ("Aziz", Decimal("85.0")),
        ("Hasan", Decimal("77.0")),
        ("Dilnoza", Decimal("50.0")),
        ("Elene", Decimal("35.0")),
        ("Farid", Decimal("35.0")),
    ]


def test_each_suggestion_says_why(network):
    training, _experts = network
    by_name = {s.expert.given_name: s for s in selectors.training_suggestions(training)}

    bahar = by_name["Bahar"]
    assert bahar.reasons == [
        "Covers 2 of 2 topics: Border management, Readmission.",
        "Works in Russian.",
        "Free at the times of all 2 sessions.",
        "Has taught 2 trainings of the center.",
        "Rated 5.0 out of 5 by 2 participants.",
    ]
    assert (bahar.rating_average, bahar.rating_count, bahar.trainings_taught) == (
        Decimal("5.0"),
        2,
        2,
    )
    aziz = by_name["Aziz"]
    assert "From Uzbekistan, in a target region of the training." in aziz.reasons
    assert aziz.region_matched
    assert not bahar.region_matched

    dilnoza = by_name["Dilnoza"]
    assert dilnoza.reasons[0] == "Covers 1 of 2 topics: Readmission."
    assert [s.title for s in dilnoza.clashes] == ["Morning"]
    assert any(reason.startswith("Busy during 1 session: Morning") for reason in dilnoza.reasons)
    assert [t.name for t in dilnoza.topics_missing] == ["Border management"]

    assert by_name["Elene"].languages_matched == []
    assert "Works in none of the training's languages." in by_name["Elene"].reasons
    assert "Covers none of the training's topics." in by_name["Farid"].reasons


def test_a_limit_keeps_the_best(network):
    training, _experts = network
    top = selectors.training_suggestions(training, limit=2)
    assert [s.expert.given_name for s in top] == ["Bahar", "Aziz"]


def test_withdrawn_consent_does_not_matter_to_matching(network):
    # Coordinators pick trainers among active experts, public profile or not.
    training, experts = network
    services.expert_set_consent(expert=experts["aziz"], consent=False)
    names = [s.expert.given_name for s in selectors.training_suggestions(training)]
    assert names[:2] == ["Bahar", "Aziz"]


def test_matching_runs_a_constant_number_of_queries(network, django_assert_num_queries):
    training, _experts = network
    with django_assert_num_queries(12):
        first = selectors.training_suggestions(training)
    topics = list(training.modules.values_list("topic", flat=True))
    for number in range(15):
        ExpertFactory(country="KG", topics=topics, languages=["ru", "ky"], family_name=f"N{number}")
    with django_assert_num_queries(12):
        more = selectors.training_suggestions(training)
    assert len(more) == len(first) + 15
