"""Factories for tests: every object valid by default, with names in many scripts."""

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import Curriculum, Module, Question, Session, Topic, Training
from experts.models import Expert, ExpertLanguage
from participants.models import Participant, Registration


def name_suffix(n: int) -> str:
    """A distinct suffix of letters for a sequence of names: names hold no digits
    (``rtcm.core.people.validate_person_name``)."""
    return "-" + str(n).translate(str.maketrans("0123456789", "abcdefghij"))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class CurriculumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Curriculum

    title = "Regional curriculum on migration management"
    version = factory.Sequence(lambda n: f"1.{n}")
    status = Curriculum.Status.DRAFT


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Module

    curriculum = factory.SubFactory(CurriculumFactory)
    code = factory.Sequence(lambda n: f"M{n:02d}")
    title = factory.Sequence(lambda n: f"Module {n}")
    topic = factory.SubFactory(TopicFactory)
    hours = 6


class TrainingFactory(factory.django.DjangoModelFactory):
    """An open in-person training starting in a month, registration open."""

    class Meta:
        model = Training
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Training on readmission {n}")
    slug = factory.Sequence(lambda n: f"training-{n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda t: t.start_date + dt.timedelta(days=2))
    format = Training.Format.IN_PERSON
    venue_city = "Tashkent"
    venue_country = "UZ"
    languages = factory.LazyFunction(lambda: ["en", "ru"])
    capacity = 20
    status = Training.Status.OPEN


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    training = factory.SubFactory(TrainingFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyAttribute(
        lambda s: timezone.make_aware(dt.datetime.combine(s.training.start_date, dt.time(9, 30)))
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + dt.timedelta(hours=3))


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    given_name = "Гульнара"
    family_name = factory.Sequence(lambda n: f"Эксперт{name_suffix(n)}")
    slug = factory.Sequence(lambda n: f"expert-{n}")
    email = factory.Sequence(lambda n: f"expert{n}@example.org")
    country = "KZ"
    status = Expert.Status.ACTIVE
    public_profile_consent_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        """``ExpertFactory(languages=["ru", "en"])``: working languages (none by default)."""
        if create and extracted:
            for code in extracted:
                ExpertLanguage.objects.create(expert=self, code=code)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        """``ExpertFactory(topics=[topic, …])``: expertise."""
        if create and extracted:
            self.expertise.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    given_name = "Ləman"
    family_name = factory.Sequence(lambda n: f"Məmmədova{name_suffix(n)}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    gender = Participant.Gender.FEMALE
    nationality = "AZ"
    country_of_residence = "AZ"
    organisation = "State Migration Service"
    organisation_type = Participant.OrganisationType.GOVERNMENT
    preferred_language = "en"
    consent_given_at = factory.LazyFunction(timezone.now)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A row written directly (no service): for reads. Use services to test rules."""

    class Meta:
        model = Registration

    participant = factory.SubFactory(ParticipantFactory)
    training = factory.SubFactory(TrainingFactory)
    status = Registration.Status.CONFIRMED
    submitted_at = factory.LazyFunction(timezone.now)
    status_changed_at = factory.LazyFunction(timezone.now)
    waitlisted_at = factory.LazyAttribute(
        lambda r: timezone.now() if r.status == Registration.Status.WAITLISTED else None
    )


def person_data(**overrides) -> dict:
    """What the registration form posts, valid by default."""
    data = {
        "given_name": "Нурлан",
        "family_name": "Абдуллаев",
        "email": "nurlan@example.org",
        "phone": "+998 71 123 45 67",
        "gender": "male",
        "nationality": "UZ",
        "country_of_residence": "UZ",
        "organisation": "Ministry of Internal Affairs",
        "organisation_type": "government",
        "position": "Inspector",
        "preferred_language": "ru",
        "consent": "on",
    }
    data.update(overrides)
    return data


# --- quotas, attendance and staff users (appended with the staff dashboard) ---
from django.contrib.auth.models import Group, User  # noqa: E402

from courses.models import TrainingQuota  # noqa: E402
from participants.models import Attendance  # noqa: E402
from rtcm.core.roles import COORDINATOR, NETWORK_OFFICER  # noqa: E402


class TrainingQuotaFactory(factory.django.DjangoModelFactory):
    """Seats reserved for a region (the regions are seeded by a migration)."""

    class Meta:
        model = TrainingQuota

    training = factory.SubFactory(TrainingFactory)
    region_id = "central-asia"
    seats = 5


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A mark written directly, for reads; a session of the registration's training."""

    class Meta:
        model = Attendance

    registration = factory.SubFactory(RegistrationFactory)
    session = factory.SubFactory(
        SessionFactory, training=factory.SelfAttribute("..registration.training")
    )
    present = True


def staff_user(username: str, *, roles: tuple[str, ...] = ()) -> User:
    """A staff account holding ``roles`` (groups made by a migration)."""
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def coordinator_user(username: str = "coordinator") -> User:
    return staff_user(username, roles=(COORDINATOR,))


def network_officer_user(username: str = "officer") -> User:
    return staff_user(username, roles=(NETWORK_OFFICER,))


def cv_pdf(text: str = "Curriculum vitae") -> SimpleUploadedFile:
    """A real one-page PDF CV (WeasyPrint), as the browser uploads it."""
    from weasyprint import HTML

    data = HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()
    return SimpleUploadedFile("cv.pdf", data, content_type="application/pdf")


def photo_jpeg(size: tuple[int, int] = (1200, 900), *, name: str = "photo.jpg"):
    """A real JPEG photo (Pillow) carrying EXIF metadata, as the browser uploads it."""
    from PIL import Image

    image = Image.new("RGB", size, (40, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class QuestionFactory(factory.django.DjangoModelFactory):
    """An extra question of a training: short text unless told otherwise."""

    class Meta:
        model = Question

    training = factory.SubFactory(TrainingFactory)
    position = factory.Sequence(lambda n: n)
    label = factory.Sequence(lambda n: f"Question {n}")
    kind = Question.Kind.SHORT_TEXT


# --- completed trainings with attendance (appended with the certificate pages) ---


def past_training(sessions: int = 4, **kwargs) -> Training:
    """A completed training that ended a week ago, with ``sessions`` three-hour sessions."""
    start = timezone.localdate() - dt.timedelta(days=10)
    training = TrainingFactory(
        status=Training.Status.COMPLETED,
        start_date=start,
        end_date=start + dt.timedelta(days=3),
        **kwargs,
    )
    for day in range(sessions):
        starts = timezone.make_aware(
            dt.datetime.combine(start + dt.timedelta(days=day), dt.time(9))
        )
        SessionFactory(training=training, starts_at=starts, ends_at=starts + dt.timedelta(hours=3))
    return training


def attend(registration: Registration, count: int) -> None:
    """Mark ``registration`` present at the first ``count`` sessions of its training."""
    sessions = registration.training.sessions.order_by("starts_at", "pk")[:count]
    Attendance.objects.bulk_create(
        Attendance(registration=registration, session=session, present=True) for session in sessions
    )


# --- reports (appended with the report builders) ---
from participants.models import Certificate  # noqa: E402


def session_on(training: Training, day: dt.date, *, hours: int, start: int = 9) -> Session:
    """A session of ``training`` on ``day`` from ``start`` o'clock lasting ``hours``."""
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(start)))
    return SessionFactory(
        training=training, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours)
    )


def certificate_for(registration: Registration, number: int, *, revoked: bool = False):
    """A certificate written directly (no service, no PDF), for reads."""
    now = timezone.now()
    return Certificate.objects.create(
        registration=registration,
        year=now.year,
        number=number,
        serial=f"RTCM-{now.year}-{number:05d}",
        issued_at=now,
        revoked_at=now if revoked else None,
        revoked_reason="Issued by mistake" if revoked else "",
    )


# --- access (issue 11): per-training scope ---
import contextlib  # noqa: E402

from django.db.models.signals import m2m_changed, post_save  # noqa: E402


@contextlib.contextmanager
def coordinators_run_every_training():
    """Inside the block, every holder of the coordinator role coordinates every training
    (those that exist, and those made or given the role later, in any order).

    For tests of what a coordinator does on *their* trainings written before the
    per-training scope (``rtcm.core.access``); that scope itself is tested in
    tests/access/ with the owner / teammate / outsider cast.
    """

    def coordinators():
        return User.objects.filter(groups__name=COORDINATOR)

    for training in Training.objects.all():
        training.coordinators.add(*coordinators())

    def on_training(sender, instance, created, **kwargs):
        if created:
            instance.coordinators.add(*coordinators())

    def on_groups(sender, instance, action, reverse, pk_set, **kwargs):
        if action != "post_add" or reverse or not isinstance(instance, User):
            return
        if Group.objects.filter(pk__in=pk_set, name=COORDINATOR).exists():
            instance.coordinated_trainings.add(*Training.objects.all())

    uid = "tests-coordinators-run-every-training"
    post_save.connect(on_training, sender=Training, weak=False, dispatch_uid=uid)
    m2m_changed.connect(on_groups, sender=User.groups.through, weak=False, dispatch_uid=uid)
    try:
        yield
    finally:
        post_save.disconnect(sender=Training, dispatch_uid=uid)
        m2m_changed.disconnect(sender=User.groups.through, dispatch_uid=uid)


import re  # noqa: E402

MANAGE_PATH = re.compile(r"/registrations/([A-Za-z0-9_-]{20,})/")


def manage_links_in(text: str) -> list[Registration]:
    """The registrations that the manage links in ``text`` (a page, an e-mail, a URL) open."""
    from participants.selectors import registration_get_by_token

    # Each distinct link once: an e-mail carries its link in the text and the HTML part.
    tokens = dict.fromkeys(MANAGE_PATH.findall(text))
    found = (registration_get_by_token(token=token) for token in tokens)
    return [registration for registration in found if registration is not None]
