"""The demo center: believable, idempotent, and every invariant kept."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from courses.models import Curriculum, Module, Session, Topic, Training
from experts.models import Expert
from participants.models import Attendance, Participant, Registration
from rtcm.core.models import CountryRegion
from tests.demo.seeding import demo_fixture

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


_demo_database, seeded = demo_fixture()


def test_second_run_neither_fails_nor_duplicates(seeded):
    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before


def test_it_builds_a_believable_center(seeded):
    assert Participant.objects.count() >= 190
    assert Training.objects.count() >= 12
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


def test_every_registration_has_the_audit_trail_the_services_write(seeded):
    from participants.models import RegistrationEvent

    registrations = Registration.objects.annotate(n_events=Count("events"))
    assert not registrations.filter(n_events=0).exists()
    # Each registration's last event leads to its status, and the first one starts it.
    for registration in Registration.objects.prefetch_related("events")[:200]:
        events = list(registration.events.all())
        assert events[0].from_status == ""
        assert events[-1].to_status == registration.status
    assert RegistrationEvent.objects.filter(actor_kind="staff", actor__isnull=False).exists()
    assert RegistrationEvent.objects.filter(actor_kind="system", to_status="confirmed").exists()


def test_no_demo_e_mail_is_sent_and_each_is_logged_as_sent_when_written(seeded, mailoutbox):
    from participants.models import Notification

    assert Notification.objects.exists()
    assert not Notification.objects.exclude(status="sent").exists()
    assert not Notification.objects.exclude(sent_at=F("created_at")).exists()
    assert Notification.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=300))
    assert mailoutbox == []


def test_regional_quotas_hold_in_the_training_that_reserves_seats(seeded):
    [training] = Training.objects.filter(quotas__isnull=False).distinct()
    for quota in training.quotas.all():
        held = training.registrations.filter(status="confirmed", seat_region=quota.region)
        assert held.count() <= quota.seats
        assert not held.exclude(region=quota.region).exists()
    assert training.registrations.filter(status="waitlisted").exists()


def test_registrations_are_dated_before_their_training_starts(seeded):
    late = Registration.objects.filter(submitted_at__date__gte=F("training__start_date"))
    assert not late.exists()
    assert not Registration.objects.filter(submitted_at__gt=timezone.now()).exists()


def test_demo_people_pass_the_checks_of_their_fields(seeded):
    # The names and phones the demo invents are ones the forms and the admin accept.
    for participant in Participant.objects.all()[:300]:
        participant.full_clean(validate_unique=False, validate_constraints=False)
    for expert in Expert.objects.all():
        expert.full_clean(validate_unique=False, validate_constraints=False)


def test_certificates_go_to_the_eligible_people_of_completed_trainings(seeded):
    from participants.models import Certificate
    from participants.selectors import training_certificate_eligibility

    certificates = Certificate.objects.select_related("registration__training")
    assert certificates.exists()
    for training in Training.objects.filter(registrations__certificate__isnull=False).distinct():
        assert training.status == "completed"
        eligibility = training_certificate_eligibility(training=training)
        given = set(
            certificates.filter(registration__training=training).values_list(
                "registration_id", flat=True
            )
        )
        assert given == {pk for pk, decision in eligibility.items() if decision.eligible}
    serials = list(certificates.values_list("serial", flat=True))
    assert len(serials) == len(set(serials))
    for certificate in certificates:
        assert certificate.issued_at.year == certificate.year
        assert certificate.issued_at.date() > certificate.registration.training.end_date
