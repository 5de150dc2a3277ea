"""The demo expert network: believable people, the network's rules kept, idempotent."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Exists, OuterRef
from django.utils import timezone

from courses.models import Session, Training
from experts import selectors, services
from experts.models import WORKING_LANGUAGE_NAMES, Expert, ExpertLanguage, TrainerRating
from participants.models import Attendance, Registration
from rtcm.demo.experts import Calendar
from tests.demo.seeding import demo_fixture

pytestmark = pytest.mark.django_db

REGIONS = {"central-asia", "eastern-partnership", "middle-east"}
Trainers = Session.trainers.through

_demo_database, seeded = demo_fixture()


def network_counts():
    return {
        "experts": Expert.objects.count(),
        "languages": ExpertLanguage.objects.count(),
        "expertise": Expert.expertise.through.objects.count(),
        "bookings": Trainers.objects.count(),
        "ratings": TrainerRating.objects.count(),
    }


def test_the_network_has_thirty_experts_in_every_status(seeded):
    statuses = Counter(Expert.objects.values_list("status", flat=True))

    assert sum(statuses.values()) == 30
    assert statuses == {"active": 23, "applicant": 4, "inactive": 2, "declined": 1}


def test_the_public_directory_holds_twenty_experts_from_all_three_regions(seeded):
    public = list(selectors.expert_directory())

    assert len(public) >= 20
    assert selectors.public_experts().count() == len(public)
    assert {expert.region_code for expert in public} >= REGIONS
    assert all(expert.is_public for expert in public)


def test_applicants_wait_for_review_with_their_consent_and_are_not_public(seeded):
    applicants = Expert.objects.filter(status=Expert.Status.APPLICANT)

    assert applicants.count() == 4
    public = set(selectors.public_experts().values_list("pk", flat=True))
    month_ago = timezone.now() - dt.timedelta(days=30)
    for applicant in applicants:
        assert applicant.pk not in public
        assert applicant.public_profile_consent_at is not None  # as the public form asks
        assert applicant.public_profile_consent_at > month_ago  # applied recently
        assert applicant.status_changed_at is None  # not reviewed yet
    declined = Expert.objects.get(status=Expert.Status.DECLINED)
    assert declined.pk not in public
    assert declined.staff_notes


def test_one_active_expert_withdrew_consent_and_is_not_public(seeded):
    withdrawn = Expert.objects.filter(public_profile_consent_withdrawn_at__isnull=False)

    [expert] = withdrawn
    assert expert.status == Expert.Status.ACTIVE
    assert expert.public_profile_consent_at is None
    assert expert.status_changed_at < expert.public_profile_consent_withdrawn_at
    assert not selectors.public_experts().filter(pk=expert.pk).exists()


def test_every_expert_has_languages_a_phone_a_short_bio_and_a_history(seeded):
    site_languages = {code for code, _name in settings.LANGUAGES}
    # A sentence ends with a full stop that does not close an initial ("L.N. Gumilyov").
    sentence_end = re.compile(r"(?<![A-Z])\.(?=\s|$)")
    for expert in Expert.objects.prefetch_related("languages"):
        codes = expert.language_codes()
        assert 1 <= len(codes) <= 3, expert.slug
        assert set(codes) <= set(WORKING_LANGUAGE_NAMES), expert.slug
        assert re.fullmatch(r"\+\d{1,3}( \d+){4}", expert.phone), expert.phone
        assert expert.correspondence_language in site_languages
        assert len(sentence_end.findall(expert.bio)) in (2, 3), expert.bio
        if expert.status == Expert.Status.APPLICANT:
            assert expert.status_changed_at is None
        else:
            assert expert.status_changed_at is not None, expert.slug
            assert expert.status_changed_at <= timezone.now()


def test_working_languages_fit_the_experts_countries(seeded):
    by_region = {}
    for expert in selectors.expert_directory(staff=True):
        by_region.setdefault(expert.region_code, set()).update(expert.language_codes())

    assert "ru" in by_region["central-asia"]
    assert "ru" in by_region["eastern-partnership"]
    assert "ar" in by_region["middle-east"]
    assert by_region["central-asia"] & {"kk", "uz", "ky", "tg", "tk"}
    assert by_region["eastern-partnership"] & {"az", "hy", "ka", "uk", "ro", "be"}
    assert "en" in set().union(*by_region.values())


def test_nobody_teaches_two_sessions_at_once(seeded):
    overlapping = Trainers.objects.filter(
        expert_id=OuterRef("expert_id"),
        session__starts_at__lt=OuterRef("session__ends_at"),
        session__ends_at__gt=OuterRef("session__starts_at"),
    ).exclude(pk=OuterRef("pk"))

    assert Trainers.objects.exists()
    assert not Trainers.objects.filter(Exists(overlapping)).exists()
    # And the network's own rule agrees, booking by booking.
    for booking in Trainers.objects.select_related("expert", "session"):
        session = booking.session
        problem = services.trainer_problem(
            booking.expert, session.starts_at, session.ends_at, exclude_session_id=session.pk
        )
        assert problem is None, problem


def test_only_active_experts_teach(seeded):
    assert not Trainers.objects.exclude(expert__status=Expert.Status.ACTIVE).exists()
    taught = Session.objects.filter(trainers__isnull=False).distinct().count()
    assert taught == Session.objects.count()  # every session has a trainer


def test_ratings_come_from_people_present_at_ended_sessions_of_their_trainers(seeded):
    ratings = TrainerRating.objects.all()

    assert ratings.count() >= 30
    assert set(ratings.values_list("score", flat=True)) <= {1, 2, 3, 4, 5}
    assert len(set(ratings.values_list("score", flat=True))) >= 3
    assert ratings.exclude(comment="").exists()
    assert not ratings.exclude(registration__status=Registration.Status.CONFIRMED).exists()
    assert not ratings.exclude(session__training__status=Training.Status.COMPLETED).exists()
    assert not ratings.filter(session__ends_at__gt=timezone.now()).exists()
    present = Attendance.objects.filter(
        registration=OuterRef("registration"), session=OuterRef("session"), present=True
    )
    teaches = Trainers.objects.filter(session=OuterRef("session"), expert=OuterRef("expert"))
    assert not ratings.exclude(Exists(present)).exists()
    assert not ratings.exclude(Exists(teaches)).exists()


def test_the_matching_shows_the_demo_ratings(seeded):
    upcoming = Training.objects.filter(status=Training.Status.OPEN).order_by("start_date")

    rated = [
        suggestion
        for training in upcoming
        for suggestion in selectors.training_suggestions(training)
        if suggestion.rating_count
    ]

    assert rated
    for suggestion in rated:
        assert 1 <= suggestion.rating_average <= 5
        assert any(reason.startswith("Rated ") for reason in suggestion.reasons)


def test_a_second_seed_adds_nothing_to_the_network(seeded):
    before = network_counts()

    call_command("seed_demo", verbosity=0)

    assert network_counts() == before
    assert before["ratings"] > 0


def test_the_calendar_tells_free_from_busy_times():
    tz = timezone.get_default_timezone()

    def at(hour, minute=0):
        return dt.datetime(2026, 3, 2, hour, minute, tzinfo=tz)

    bookings = Calendar()
    bookings.book(1, at(9, 30), at(12, 30))
    bookings.book(1, at(14), at(17))

    assert bookings.is_free(1, at(12, 30), at(14))  # between the two, touching both
    assert bookings.is_free(2, at(10), at(11))  # someone else
    assert not bookings.is_free(1, at(12), at(13))
    assert not bookings.is_free(1, at(16, 59), at(18))
    assert not bookings.is_free(1, at(8), at(20))  # around both
    assert not bookings.is_free(1, at(10), at(11))  # inside one
    # A long booking earlier is still going on.
    bookings.book(3, at(8), at(18))
    bookings.book(3, at(19), at(20))
    assert not bookings.is_free(3, at(17), at(17, 30))


def test_every_expert_has_a_real_pdf_cv_and_applied_before_the_decision(seeded):
    import io

    from pypdf import PdfReader

    applicant = Expert.objects.filter(status=Expert.Status.APPLICANT).first()
    with applicant.cv.open("rb") as handle:
        text = PdfReader(io.BytesIO(handle.read())).pages[0].extract_text()
    assert applicant.full_name in text
    assert applicant.cv_content_type == "application/pdf"
    assert applicant.cv_size > 0
    assert not Expert.objects.filter(cv="").exists()
    decided = Expert.objects.exclude(status_changed_at=None)
    assert decided.exists()
    assert all(expert.created_at < expert.status_changed_at for expert in decided)
