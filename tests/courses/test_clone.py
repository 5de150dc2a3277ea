"""Cloning a training (``courses.services.training_clone``) and its staff page: what a
re-run copies, the dates it moves, what it never copies, the refusals and who may."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Question, Session, Signatory, Training, TrainingQuota
from participants.models import Attendance, Certificate, Registration
from rtcm.core.roles import COORDINATOR, LIBRARIAN, MANAGER
from tests.factories import (
    ModuleFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    TrainingQuotaFactory,
    certificate_for,
    staff_user,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(day: dt.date, hour: int, minute: int = 0, zone: str | None = None) -> dt.datetime:
    tz = zoneinfo.ZoneInfo(zone) if zone else timezone.get_default_timezone()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


@pytest.fixture
def owner():
    return staff_user("owner", roles=(COORDINATOR,))


@pytest.fixture
def source(owner):
    """A completed training with everything a re-run copies, and what it never does."""
    start = timezone.localdate() - dt.timedelta(days=40)
    training = TrainingFactory(
        slug="readmission",
        title="Readmission",
        status=Training.Status.COMPLETED,
        start_date=start,
        end_date=start + dt.timedelta(days=1),
        capacity=12,
        requires_approval=True,
        min_attendance_percent=75,
        certificate_template="<p>{{ name }}</p>",
        registration_opens_at=at(start - dt.timedelta(days=30), 9),
        registration_closes_at=at(start - dt.timedelta(days=2), 18),
        quota_release_at=at(start - dt.timedelta(days=7), 12),
        quotas_released_at=timezone.now(),
    )
    training.coordinators.add(owner, staff_user("former", roles=(COORDINATOR,)))
    module = ModuleFactory()
    training.modules.add(module)
    training.target_regions.add("central-asia", "middle-east")
    SessionFactory(
        training=training,
        title="Opening",
        room="Hall A",
        module=module,
        starts_at=at(start, 9, 30),
        ends_at=at(start, 12, 30),
    )
    SessionFactory(
        training=training,
        title="Field visit",
        starts_at=at(start + dt.timedelta(days=1), 14),
        ends_at=at(start + dt.timedelta(days=1), 17, 45),
    )
    TrainingQuotaFactory(training=training, region_id="central-asia", seats=5)
    TrainingQuotaFactory(training=training, region_id="middle-east", seats=3)
    QuestionFactory(
        training=training,
        label="Your role?",
        kind=Question.Kind.SINGLE_CHOICE,
        choices="Officer\nLawyer",
        required=True,
    )
    signatory = Signatory(training=training, position=1, name="Dilnoza Karimova", title="Head")
    signatory.signature.save("sig.png", ContentFile(PNG), save=False)
    signatory.save()
    registration = RegistrationFactory(training=training)
    Attendance.objects.create(
        registration=registration, session=training.sessions.first(), present=True
    )
    certificate_for(registration, 1)
    return training


def test_a_clone_copies_the_training_and_moves_its_dates(source, owner):
    new_start = timezone.localdate() + dt.timedelta(days=60)
    days = new_start - source.start_date
    clone = services.training_clone(source=source, start_date=new_start, actor=owner)

    assert clone.pk != source.pk
    assert clone.status == Training.Status.DRAFT
    assert clone.slug == "readmission-2"
    assert clone.title == "Readmission"
    assert (clone.start_date, clone.end_date) == (new_start, source.end_date + days)
    for name in ("capacity", "requires_approval", "min_attendance_percent", "venue_city"):
        assert getattr(clone, name) == getattr(source, name)
    assert clone.certificate_template == source.certificate_template
    assert clone.registration_opens_at == at(source.start_date + days - dt.timedelta(days=30), 9)
    assert clone.registration_closes_at == at(new_start - dt.timedelta(days=2), 18)
    assert clone.quota_release_at == at(new_start - dt.timedelta(days=7), 12)
    assert clone.quotas_released_at is None
    assert list(clone.coordinators.all()) == [owner]
    assert set(clone.modules.all()) == set(source.modules.all())
    assert set(clone.target_regions.values_list("code", flat=True)) == {
        "central-asia",
        "middle-east",
    }
    sessions = list(clone.sessions.order_by("starts_at").values_list("title", "room", "module"))
    assert sessions == list(
        source.sessions.order_by("starts_at").values_list("title", "room", "module")
    )
    local = [
        (timezone.localtime(s.starts_at).time(), timezone.localtime(s.ends_at).time())
        for s in clone.sessions.order_by("starts_at")
    ]
    assert local == [(dt.time(9, 30), dt.time(12, 30)), (dt.time(14), dt.time(17, 45))]
    assert [timezone.localdate(s.starts_at) for s in clone.sessions.order_by("starts_at")] == [
        new_start,
        new_start + dt.timedelta(days=1),
    ]
    assert set(clone.quotas.values_list("region", "seats")) == {
        ("central-asia", 5),
        ("middle-east", 3),
    }
    question = clone.questions.get()
    assert (question.label, question.kind, question.choices, question.required) == (
        "Your role?",
        Question.Kind.SINGLE_CHOICE,
        "Officer\nLawyer",
        True,
    )
    signatory = clone.signatories.get()
    assert (signatory.name, signatory.title, signatory.position) == ("Dilnoza Karimova", "Head", 1)
    assert signatory.signature.name != source.signatories.get().signature.name  # its own file
    with signatory.signature.open("rb") as image:
        assert image.read() == PNG


def test_a_signature_lost_from_storage_does_not_stop_the_clone(source, owner):
    signature = source.signatories.get().signature
    signature.storage.delete(signature.name)
    clone = services.training_clone(
        source=source, start_date=timezone.localdate() + dt.timedelta(days=10), actor=owner
    )
    signatory = clone.signatories.get()
    assert signatory.name == "Dilnoza Karimova"
    assert not signatory.signature


def test_a_clone_copies_no_registration_attendance_certificate_or_trainer(source, owner):
    clone = services.training_clone(
        source=source, start_date=timezone.localdate() + dt.timedelta(days=10), actor=owner
    )
    assert not Registration.objects.filter(training=clone).exists()
    assert not Attendance.objects.filter(session__training=clone).exists()
    assert not Certificate.objects.filter(registration__training=clone).exists()
    assert not Session.trainers.through.objects.filter(session__training=clone).exists()
    assert Registration.objects.filter(training=source).count() == 1  # the source untouched


@override_settings(TIME_ZONE="Europe/Berlin")
def test_sessions_keep_their_local_time_across_a_change_of_clock(owner):
    """A session at 9:30 in winter is at 9:30 in summer too (not 10:30)."""
    today = timezone.localdate()
    winter = dt.date(today.year + 1, 1, 12)
    source = TrainingFactory(start_date=winter, end_date=winter)
    SessionFactory(
        training=source,
        starts_at=at(winter, 9, 30, "Europe/Berlin"),
        ends_at=at(winter, 11, 0, "Europe/Berlin"),
    )
    summer = dt.date(today.year + 1, 7, 13)
    clone = services.training_clone(source=source, start_date=summer, actor=owner)
    session = clone.sessions.get()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    assert session.starts_at.astimezone(berlin).replace(tzinfo=None) == dt.datetime.combine(
        summer, dt.time(9, 30)
    )
    assert session.ends_at - session.starts_at == dt.timedelta(hours=1, minutes=30)


def test_a_start_date_in_the_past_is_refused_and_nothing_is_written(source, owner):
    before = (Training.objects.count(), Session.objects.count(), TrainingQuota.objects.count())
    with pytest.raises(services.TrainingCloneRefused) as refused:
        services.training_clone(
            source=source, start_date=timezone.localdate() - dt.timedelta(days=1), actor=owner
        )
    assert refused.value.field == "start_date"
    after = (Training.objects.count(), Session.objects.count(), TrainingQuota.objects.count())
    assert after == before


def test_a_title_too_long_is_refused(source, owner):
    with pytest.raises(services.TrainingCloneRefused) as refused:
        services.training_clone(
            source=source,
            start_date=timezone.localdate() + dt.timedelta(days=3),
            title="x" * 201,
            actor=owner,
        )
    assert refused.value.field == "title"
    assert Training.objects.count() == 1


# --- the page ------------------------------------------------------------------------------


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def clone_url(training) -> str:
    return reverse("staff:training_clone", args=[training.slug])


def test_the_page_creates_the_draft_and_opens_it(source, owner):
    client = client_for(owner)
    assert client.get(clone_url(source)).status_code == 200
    start = timezone.localdate() + dt.timedelta(days=90)
    response = client.post(
        clone_url(source), {"start_date": start.isoformat(), "title": "Readmission 2"}
    )
    assert response.status_code == 302
    clone = Training.objects.get(title="Readmission 2")
    assert clone.start_date == start
    assert clone.status == Training.Status.DRAFT
    assert response["Location"] == reverse("staff:training_edit", args=[clone.slug])
    assert client.get(response["Location"]).status_code == 200  # the new coordinator edits it


@pytest.mark.parametrize(
    ("data", "field", "text"),
    [
        ({"start_date": "2001-01-01"}, "start_date", "in the past"),
        ({"start_date": "not a date"}, "start_date", "Enter a valid date"),
        ({"start_date": "2099-01-01", "title": "x" * 201}, "title", "at most 200"),
    ],
)
def test_the_page_shows_a_refusal_beside_its_field(source, owner, data, field, text):
    response = client_for(owner).post(clone_url(source), data)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html.split(f'id="id_{field}-errors">', 1)[1].split("</div>", 1)[0]
    assert text in errors
    assert Training.objects.count() == 1


@pytest.mark.parametrize(
    ("roles", "status"),
    [((COORDINATOR,), 404), ((MANAGER,), 403), ((LIBRARIAN,), 403)],
    ids=["other-coordinator", "manager", "librarian"],
)
def test_only_the_trainings_coordinators_may_clone_it(source, roles, status):
    client = client_for(staff_user("someone", roles=roles))
    start = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert client.get(clone_url(source)).status_code == status
    assert client.post(clone_url(source), {"start_date": start}).status_code == status
    assert Training.objects.count() == 1
