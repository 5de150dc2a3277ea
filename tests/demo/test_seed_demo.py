"""The demo center: believable, idempotent, and every invariant kept."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from courses.models import Curriculum, Module, Session, Topic, Training
from experts.models import Expert
from participants.models import Attendance, Participant, Registration
from rtcm.core.models import CountryRegion

pytestmark = pytest.mark.django_db

MODELS = [
    Topic,
    Curriculum,
    Module,
    Training,
    Session,
    Expert,
    Participant,
    Registration,
    Attendance,
]

SCRIPTS = {
    "Cyrillic": re.compile(r"[\u0400-\u04FF]"),
    "Arabic": re.compile(r"[\u0600-\u06FF]"),
    "Georgian": re.compile(r"[\u10A0-\u10FF]"),
    "Armenian": re.compile(r"[\u0530-\u058F]"),
    "Azerbaijani ə": re.compile(r"[əƏ]"),
}


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)
    return counts()


def test_second_run_neither_fails_nor_duplicates(seeded):
    call_command("seed_demo", verbosity=0)
    assert counts() == seeded


def test_it_builds_a_believable_center(seeded):
    assert seeded["Participant"] >= 190
    assert seeded["Training"] >= 12
    approved = Curriculum.objects.get(status="approved")
    assert approved.modules.count() >= 8
    today = timezone.localdate()
    trainings = Training.objects.all()
    assert trainings.filter(end_date__lt=today, status="completed").exists()
    assert trainings.filter(start_date__lte=today, end_date__gte=today).exists()
    assert trainings.filter(start_date__gt=today, status="open").exists()
    assert {t.format for t in trainings} == {"in_person", "online", "hybrid"}
    statuses = set(Registration.objects.values_list("status", flat=True))
    assert statuses == {"confirmed", "waitlisted", "pending", "rejected", "cancelled"}
    past_sessions = Session.objects.filter(ends_at__lt=timezone.now())
    assert Attendance.objects.filter(session__in=past_sessions).exists()


def test_participants_come_from_all_three_regions_in_their_own_scripts(seeded):
    regions = set(
        CountryRegion.objects.filter(
            country__in=Participant.objects.values("nationality")
        ).values_list("region_id", flat=True)
    )
    assert {"central-asia", "eastern-partnership", "middle-east"} <= regions
    names = [f"{g} {f}" for g, f in Participant.objects.values_list("given_name", "family_name")]
    for script, pattern in SCRIPTS.items():
        assert any(pattern.search(name) for name in names), f"no name in {script}"


def test_every_invariant_holds(seeded):
    overbooked = Training.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed"))
    ).filter(confirmed__gt=F("capacity"))
    assert not overbooked.exists()
    assert not Registration.objects.filter(status="waitlisted", waitlisted_at__isnull=True).exists()
    assert not Registration.objects.filter(
        status="pending", training__requires_approval=False
    ).exists()
    for training in Training.objects.all():
        training.full_clean()
    for session in Session.objects.select_related("training"):
        session.full_clean()
    assert not Registration.objects.filter(region__isnull=True).exists()
    emails = [e.lower() for e in Participant.objects.values_list("email", flat=True)]
    assert len(emails) == len(set(emails))


def test_demo_login_only_in_debug_mode(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        call_command("seed_demo", "--demo-login", verbosity=0)
    assert not User.objects.filter(username="demo").exists()
    settings.DEBUG = True
    call_command("seed_demo", "--demo-login", verbosity=0)
    demo = User.objects.get(username="demo")
    assert demo.is_staff
    assert demo.check_password("rtcm-demo")


def test_it_scales_with_participants():
    call_command("seed_demo", "--participants", "600", verbosity=0)
    assert Participant.objects.count() == 600
    assert Training.objects.count() >= 24
