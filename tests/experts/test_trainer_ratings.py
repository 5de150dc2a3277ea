"""Participants rate the trainers of the sessions they attended; the matching reads it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from experts import ratings
from experts import selectors as expert_selectors
from experts.models import TrainerRating
from experts.ratings import RatingRefused
from tests.factories import (
    AttendanceFactory,
    ExpertFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def course():
    """A training running since yesterday. The person was present yesterday morning
    (Aziz and Bahar taught), absent in the afternoon (Carla), and is present at the
    session going on now (Dilnoza)."""
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    training = TrainingFactory(start_date=yesterday, end_date=today + dt.timedelta(days=1))
    experts = {
        name: ExpertFactory(given_name=name, languages=["ru"])
        for name in ("Aziz", "Bahar", "Carla", "Dilnoza")
    }
    now = timezone.now().replace(microsecond=0)
    sessions = {
        "morning": SessionFactory(
            training=training,
            title="Readmission procedures",
            starts_at=at(yesterday, 9, 30),
            ends_at=at(yesterday, 12, 30),
        ),
        "afternoon": SessionFactory(
            training=training,
            title="Return counselling",
            starts_at=at(yesterday, 14),
            ends_at=at(yesterday, 17),
        ),
        "ongoing": SessionFactory(
            training=training,
            title="Case studies",
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=2),
        ),
    }
    sessions["morning"].trainers.add(experts["Aziz"], experts["Bahar"])
    sessions["afternoon"].trainers.add(experts["Carla"])
    sessions["ongoing"].trainers.add(experts["Dilnoza"])
    registration = RegistrationFactory(training=training)
    AttendanceFactory(registration=registration, session=sessions["morning"], present=True)
    AttendanceFactory(registration=registration, session=sessions["afternoon"], present=False)
    AttendanceFactory(registration=registration, session=sessions["ongoing"], present=True)
    return registration, sessions, experts


# --- the service ------------------------------------------------------------------------


def test_a_participant_rates_a_trainer_of_a_session_they_attended(course):
    registration, sessions, experts = course

    rating = ratings.trainer_rate(
        registration=registration,
        session=sessions["morning"],
        expert=experts["Aziz"],
        score=4,
        comment="  Clear and practical.  ",
    )

    stored = TrainerRating.objects.get()
    assert stored == rating
    assert (stored.expert, stored.session, stored.score) == (
        experts["Aziz"],
        sessions["morning"],
        4,
    )
    assert stored.comment == "Clear and practical."


def test_rating_twice_changes_the_rating_and_never_adds_a_row(course):
    registration, sessions, experts = course
    rate = {"registration": registration, "session": sessions["morning"]}
    ratings.trainer_rate(**rate, expert=experts["Aziz"], score=2, comment="Too fast.")

    ratings.trainer_rate(**rate, expert=experts["Aziz"], score=5)

    [rating] = TrainerRating.objects.all()
    assert (rating.score, rating.comment) == (5, "")


def test_each_trainer_of_a_session_is_rated_separately(course):
    registration, sessions, experts = course
    for name, score in (("Aziz", 5), ("Bahar", 3)):
        ratings.trainer_rate(
            registration=registration,
            session=sessions["morning"],
            expert=experts[name],
            score=score,
        )

    scores = dict(TrainerRating.objects.values_list("expert__given_name", "score"))
    assert scores == {"Aziz": 5, "Bahar": 3}


@pytest.mark.parametrize(
    ("session", "expert", "field", "message"),
    [
        ("afternoon", "Carla", "session", "Only the sessions you were marked present at"),
        ("morning", "Carla", "expert", "was not a trainer of this session"),
        ("ongoing", "Dilnoza", "session", "once the session is over"),
    ],
    ids=["absent", "not-a-trainer-of-that-session", "session-not-over"],
)
def test_a_rating_outside_the_rules_is_refused_with_a_reason(
    course, session, expert, field, message
):
    registration, sessions, experts = course

    with pytest.raises(RatingRefused, match=message) as refused:
        ratings.trainer_rate(
            registration=registration, session=sessions[session], expert=experts[expert], score=5
        )

    assert refused.value.field == field
    assert not TrainerRating.objects.exists()


def test_a_session_without_any_attendance_mark_cannot_be_rated(course):
    registration, sessions, experts = course
    unmarked = SessionFactory(
        training=registration.training,
        starts_at=sessions["afternoon"].ends_at + dt.timedelta(hours=1),
        ends_at=sessions["afternoon"].ends_at + dt.timedelta(hours=2),
    )
    unmarked.trainers.add(experts["Aziz"])

    with pytest.raises(RatingRefused, match="marked present"):
        ratings.trainer_rate(
            registration=registration, session=unmarked, expert=experts["Aziz"], score=5
        )
    assert not TrainerRating.objects.exists()


def test_a_session_of_another_training_is_refused(course):
    registration, sessions, experts = course
    other = TrainingFactory(
        start_date=registration.training.start_date, end_date=registration.training.end_date
    )
    foreign = SessionFactory(
        training=other, starts_at=sessions["morning"].starts_at, ends_at=sessions["morning"].ends_at
    )
    foreign.trainers.add(experts["Aziz"])
    AttendanceFactory(registration=RegistrationFactory(training=other), session=foreign)

    with pytest.raises(RatingRefused, match="not part of your training") as refused:
        ratings.trainer_rate(
            registration=registration, session=foreign, expert=experts["Aziz"], score=5
        )
    assert refused.value.field == "session"
    assert not TrainerRating.objects.exists()


@pytest.mark.parametrize("status", ["cancelled", "waitlisted", "pending", "rejected"])
def test_only_a_confirmed_registration_rates(course, status):
    registration, sessions, experts = course
    # Read from the database: the object in hand still says "confirmed".
    type(registration).objects.filter(pk=registration.pk).update(
        status=status, waitlisted_at=timezone.now() if status == "waitlisted" else None
    )

    with pytest.raises(RatingRefused, match="confirmed seat") as refused:
        ratings.trainer_rate(
            registration=registration, session=sessions["morning"], expert=experts["Aziz"], score=5
        )
    assert refused.value.field == "registration"
    assert not TrainerRating.objects.exists()


@pytest.mark.parametrize("score", [0, 6, -1, "5", 4.5, True, None])
def test_a_score_outside_one_to_five_is_refused_and_keeps_the_old_rating(course, score):
    registration, sessions, experts = course
    rate = {"registration": registration, "session": sessions["morning"], "expert": experts["Aziz"]}
    ratings.trainer_rate(**rate, score=3, comment="Fine.")

    with pytest.raises(RatingRefused, match="from 1 to 5") as refused:
        ratings.trainer_rate(**rate, score=score, comment="Changed my mind.")

    assert refused.value.field == "score"
    [rating] = TrainerRating.objects.all()
    assert (rating.score, rating.comment) == (3, "Fine.")


def test_trainers_to_rate_are_those_of_attended_sessions_that_are_over(course):
    registration, sessions, experts = course
    ratings.trainer_rate(
        registration=registration, session=sessions["morning"], expert=experts["Bahar"], score=4
    )

    rows = ratings.registration_trainers_to_rate(registration)

    assert [(s.title, e.given_name, r.score if r else None) for s, e, r in rows] == [
        ("Readmission procedures", "Aziz", None),
        ("Readmission procedures", "Bahar", 4),
    ]


def test_trainers_to_rate_take_three_queries_however_many_sessions(
    course, django_assert_num_queries
):
    registration, sessions, _experts = course
    with django_assert_num_queries(3):
        ratings.registration_trainers_to_rate(registration)
    day = sessions["afternoon"].starts_at
    for hours in (3, 4, 5):
        more = SessionFactory(
            training=registration.training,
            starts_at=day + dt.timedelta(hours=hours),
            ends_at=day + dt.timedelta(hours=hours, minutes=50),
        )
        more.trainers.add(*[ExpertFactory() for _ in range(3)])
        AttendanceFactory(registration=registration, session=more)
        TrainerRating.objects.create(
            registration=registration, session=more, expert=more.trainers.first(), score=5
        )

    with django_assert_num_queries(3):
        rows = ratings.registration_trainers_to_rate(registration)
    assert len(rows) == 2 + 3 * 3


# --- the manage page -----------------------------------------------------------------


def manage_url(registration) -> str:
    return reverse("participants:manage", kwargs={"token": registration.token})


def rating_post(session, expert, **fields) -> dict:
    prefix = f"rate-{session.pk}-{expert.pk}"
    return {
        "action": "rate",
        "rating": prefix,
        **{f"{prefix}-{name}": value for name, value in fields.items()},
    }


def test_manage_page_offers_the_trainers_of_attended_sessions_that_are_over(client, course):
    registration, _sessions, _experts = course

    page = client.get(manage_url(registration)).content.decode()

    assert "Rate your trainers" in page
    assert page.count('class="border rounded p-3 mb-2 col-lg-8 trainer-rating"') == 2
    assert "Aziz" in page
    assert "Bahar" in page
    assert "Carla" not in page  # absent from her session
    assert "Dilnoza" not in page  # her session is not over


def test_manage_page_shows_no_rating_section_when_nothing_can_be_rated(client):
    past = timezone.localdate() - dt.timedelta(days=20)
    training = TrainingFactory(start_date=past, end_date=past, status="completed")
    session = SessionFactory(training=training)
    session.trainers.add(ExpertFactory(given_name="Aziz"))
    absent = RegistrationFactory(training=training)
    AttendanceFactory(registration=absent, session=session, present=False)
    waitlisted = RegistrationFactory(training=training, status="waitlisted")
    AttendanceFactory(registration=waitlisted, session=session, present=True)

    for registration in (absent, waitlisted):
        page = client.get(manage_url(registration)).content.decode()
        assert "Rate your trainers" not in page
        assert "Aziz" not in page


def test_a_rating_saved_from_the_manage_page_redirects_and_shows(client, course):
    registration, sessions, experts = course
    url = manage_url(registration)

    response = client.post(
        url,
        rating_post(sessions["morning"], experts["Aziz"], score="4", comment="Рекомендую."),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{url}#rate-trainers"
    rating = TrainerRating.objects.get()
    assert (rating.registration, rating.expert, rating.score, rating.comment) == (
        registration,
        experts["Aziz"],
        4,
        "Рекомендую.",
    )
    page = client.get(url).content.decode()
    assert "Your rating: 4 out of 5" in page
    assert "Рекомендую." in page  # the comment is offered for editing


def test_rating_again_from_the_page_changes_it(client, course):
    registration, sessions, experts = course
    url = manage_url(registration)
    client.post(url, rating_post(sessions["morning"], experts["Bahar"], score="2"))

    client.post(url, rating_post(sessions["morning"], experts["Bahar"], score="5"))

    assert list(TrainerRating.objects.values_list("score", flat=True)) == [5]


def test_a_rating_without_a_score_shows_the_error_beside_the_field(client, course):
    registration, sessions, experts = course
    prefix = f"rate-{sessions['morning'].pk}-{experts['Aziz'].pk}"

    response = client.post(
        manage_url(registration),
        rating_post(sessions["morning"], experts["Aziz"], score="", comment="Kept"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{prefix}-score-errors"' in page
    assert "Choose a rating from 1 to 5." in page
    assert f'aria-describedby="id_{prefix}-score-errors"' in page
    assert "Kept</textarea>" in page  # what was typed stays
    assert not TrainerRating.objects.exists()


def test_a_refusal_of_the_service_is_shown_beside_its_field(client, course, monkeypatch):
    # E.g. the attendance was corrected between showing the form and saving it.
    registration, sessions, experts = course
    prefix = f"rate-{sessions['morning'].pk}-{experts['Aziz'].pk}"

    def refuse(**kwargs):
        raise RatingRefused("Only the sessions you were marked present at.", field="score")

    monkeypatch.setattr(ratings, "trainer_rate", refuse)
    response = client.post(
        manage_url(registration), rating_post(sessions["morning"], experts["Aziz"], score="5")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{prefix}-score-errors"' in page
    assert "Only the sessions you were marked present at." in page


def test_a_trainer_not_offered_on_the_page_cannot_be_rated_through_it(client, course):
    registration, sessions, experts = course

    response = client.post(
        manage_url(registration), rating_post(sessions["afternoon"], experts["Carla"], score="5")
    )

    assert response.status_code == 400
    assert "This trainer cannot be rated from this page." in response.content.decode()
    assert not TrainerRating.objects.exists()


def test_the_rating_form_does_not_touch_the_other_forms_of_the_page(client, course):
    registration, sessions, experts = course
    data = rating_post(sessions["morning"], experts["Aziz"], score="5")
    data.update({"confirm": "on", "phone": "+998 71 000 00 00"})

    client.post(manage_url(registration), data)

    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert registration.participant.phone != "+998 71 000 00 00"
    assert TrainerRating.objects.count() == 1


def test_manage_page_queries_stay_the_same_with_more_trainers_to_rate(
    client, course, django_assert_num_queries
):
    registration, sessions, _experts = course
    url = manage_url(registration)
    client.get(url)  # session and message storage warmed up
    # 13: the person's consents are one query (the page offers to change them).
    with django_assert_num_queries(13):
        client.get(url)
    day = sessions["afternoon"].starts_at
    for hours in (3, 4):
        more = SessionFactory(
            training=registration.training,
            starts_at=day + dt.timedelta(hours=hours),
            ends_at=day + dt.timedelta(hours=hours, minutes=50),
        )
        more.trainers.add(ExpertFactory(), ExpertFactory())
        AttendanceFactory(registration=registration, session=more)
        TrainerRating.objects.create(
            registration=registration, session=more, expert=more.trainers.first(), score=4
        )

    with django_assert_num_queries(13):
        page = client.get(url).content.decode()
    assert page.count("trainer-rating") == 6


def test_an_unknown_token_rates_nothing(client, course):
    _registration, sessions, experts = course

    response = client.post(
        reverse("participants:manage", kwargs={"token": "not-a-token"}),
        rating_post(sessions["morning"], experts["Aziz"], score="5"),
    )

    assert response.status_code == 404
    assert not TrainerRating.objects.exists()


# --- the expert network's matching reads the ratings ---------------------------------


def test_the_matching_shows_the_average_rating_of_a_rated_trainer(course):
    registration, sessions, experts = course
    classmate = RegistrationFactory(training=registration.training)
    AttendanceFactory(registration=classmate, session=sessions["morning"])
    for person, score in ((registration, 5), (classmate, 4)):
        ratings.trainer_rate(
            registration=person, session=sessions["morning"], expert=experts["Aziz"], score=score
        )
    upcoming = TrainingFactory(languages=["ru"])

    suggestions = {s.expert.given_name: s for s in expert_selectors.training_suggestions(upcoming)}

    aziz = suggestions["Aziz"]
    assert (aziz.rating_average, aziz.rating_count) == (Decimal("4.5"), 2)
    assert "Rated 4.5 out of 5 by 2 participants." in aziz.reasons
    assert suggestions["Bahar"].rating_average is None
    assert suggestions["Bahar"].rating_count == 0
    # Rated above 3: ranked above the otherwise equal, unrated colleague.
    assert aziz.score > suggestions["Bahar"].score


# --- the admin ---------------------------------------------------------------------------


def test_admin_lists_ratings_with_a_fixed_number_of_queries(
    admin_client, course, django_assert_num_queries
):
    registration, sessions, experts = course
    ratings.trainer_rate(
        registration=registration, session=sessions["morning"], expert=experts["Aziz"], score=4
    )
    url = reverse("admin:experts_trainerrating_changelist")
    admin_client.get(url)
    with django_assert_num_queries(9):
        page = admin_client.get(url).content.decode()
    assert "Aziz" in page
    for person in [RegistrationFactory(training=registration.training) for _ in range(3)]:
        AttendanceFactory(registration=person, session=sessions["morning"])
        ratings.trainer_rate(
            registration=person, session=sessions["morning"], expert=experts["Bahar"], score=5
        )

    with django_assert_num_queries(9):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 4


def test_admin_shows_a_rating_read_only_with_a_link_to_the_registration(admin_client, course):
    registration, sessions, experts = course
    rating = ratings.trainer_rate(
        registration=registration,
        session=sessions["morning"],
        expert=experts["Aziz"],
        score=4,
        comment="Good examples.",
    )
    page = admin_client.get(
        reverse("admin:experts_trainerrating_change", args=[rating.pk])
    ).content.decode()

    registration_url = reverse("admin:participants_registration_change", args=[registration.pk])
    assert f'href="{registration_url}"' in page
    assert "Good examples." in page
    assert 'name="score"' not in page
    assert 'name="_save"' not in page
    add = admin_client.get(reverse("admin:experts_trainerrating_add"))
    assert add.status_code == 403


def test_admin_ratings_follow_the_role_permissions(anonymous_client, coordinator_client, course):
    # Coordinators read ratings (rtcm.core.roles gives them "view", issue 11); staff
    # without a role do not; nobody adds one by hand.
    url = reverse("admin:experts_trainerrating_changelist")
    roleless = Client()
    roleless.force_login(staff_user("no-role"))

    assert anonymous_client.get(url).status_code == 302
    assert roleless.get(url).status_code == 403
    assert coordinator_client.get(url).status_code == 200
    assert coordinator_client.get(reverse("admin:experts_trainerrating_add")).status_code == 403


def test_network_officers_read_every_rating_but_not_who_gave_it(course):
    # The officer keeps the experts (their ratings are the network's business) and
    # sees no participant anywhere: no column, no search on names, no registration link.
    from rtcm.core.roles import NETWORK_OFFICER

    registration, sessions, experts = course
    registration.participant.given_name = "Zeynəb"
    registration.participant.save()
    rating = ratings.trainer_rate(
        registration=registration,
        session=sessions["morning"],
        expert=experts["Aziz"],
        score=2,
        comment="Too fast.",
    )
    officer = Client()
    officer.force_login(staff_user("officer", roles=(NETWORK_OFFICER,)))

    changelist = officer.get(reverse("admin:experts_trainerrating_changelist"))
    assert changelist.context["cl"].result_count == 1
    assert "Zeynəb" not in changelist.content.decode()
    searched = officer.get(reverse("admin:experts_trainerrating_changelist"), {"q": "Zeynəb"})
    assert searched.context["cl"].result_count == 0
    page = officer.get(reverse("admin:experts_trainerrating_change", args=[rating.pk]))
    assert page.status_code == 200
    assert "Too fast." in page.content.decode()
    assert "Zeynəb" not in page.content.decode()
    registration_url = reverse("admin:participants_registration_change", args=[registration.pk])
    assert registration_url not in page.content.decode()
