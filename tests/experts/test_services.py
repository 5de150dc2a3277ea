"""The network's rules: applications, vetting and its e-mails, consent, trainer bookings."""

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courses.models import Training
from experts import services
from experts.models import Expert, ExpertMessage
from experts.notifications import consent_token, expert_id_for_consent_token
from experts.tasks import expert_messages_requeue_stale, send_expert_message
from rtcm.core.uploads import UploadRefused
from tests.factories import (
    ExpertFactory,
    SessionFactory,
    TopicFactory,
    TrainingFactory,
    cv_pdf,
    photo_jpeg,
)

pytestmark = pytest.mark.django_db


def application(**overrides) -> dict:
    data = {
        "given_name": "Ануш",
        "family_name": "Պետրոսյան",
        "email": "anush@example.org",
        "phone": "+374 10 123456",
        "country": "AM",
        "organisation": "Migration Service of Armenia",
        "position": "Head of unit",
        "bio": "Fifteen years of readmission casework.",
    }
    data.update(overrides)
    return data


def apply(django_capture_on_commit_callbacks, **kwargs) -> Expert:
    arguments = {
        "data": application(),
        "expertise": [TopicFactory(slug="readmission").slug],
        "languages": ["hy", "ru"],
        "cv": cv_pdf(),
        "consent": True,
    }
    arguments.update(kwargs)
    with django_capture_on_commit_callbacks(execute=True):
        return services.expert_apply(**arguments)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- applications ---------------------------------------------------------------------


def test_application_creates_a_consenting_applicant_and_mails_receipt(
    django_capture_on_commit_callbacks, settings
):
    expert = apply(django_capture_on_commit_callbacks, photo=photo_jpeg())

    expert.refresh_from_db()
    assert expert.status == Expert.Status.APPLICANT
    assert expert.slug == "anush-petrosyan"
    assert expert.public_profile_consent_at is not None
    assert not expert.is_public  # not before approval
    assert expert.language_codes() == ["hy", "ru"]
    assert [t.slug for t in expert.expertise.all()] == ["readmission"]
    assert expert.cv_original_name == "cv.pdf"
    assert expert.cv_content_type == "application/pdf"
    assert expert.cv.name.startswith("experts/cv/")
    assert len(stored_files(settings)) == 2  # the CV and the photo
    (message,) = mail.outbox
    assert message.to == ["anush@example.org"]
    assert "received your application" in message.subject
    assert "Dear \u2068Ануш\u2069" in message.body  # the name isolated
    assert ExpertMessage.objects.get().status == ExpertMessage.Status.SENT


def test_photo_is_re_encoded_small_and_without_metadata(django_capture_on_commit_callbacks):
    from PIL import Image

    expert = apply(django_capture_on_commit_callbacks, photo=photo_jpeg((2400, 1800)))

    with expert.photo.open("rb") as handle, Image.open(handle) as image:
        assert image.format == "JPEG"
        assert max(image.size) == services.PHOTO_MAX_SIDE
        assert not image.getexif()  # the camera's metadata is gone


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"consent": False}, "consent", "consent"),
        ({"cv": None}, "cv", "attach your CV"),
        (
            {"cv": SimpleUploadedFile("cv.exe", b"MZ\x90\x00binary")},
            "cv",
            "not accepted",
        ),
        (
            {"cv": SimpleUploadedFile("cv.xlsx", b"PK\x03\x04 spreadsheet")},
            "cv",
            "Allowed types: PDF, DOCX, ODT",
        ),
        (
            {"cv": SimpleUploadedFile("cv.pdf", b"<html><script>alert(1)</script></html>")},
            "cv",
            "HTML",
        ),
        (
            {"photo": SimpleUploadedFile("me.jpg", b"GIF89a not a photo at all")},
            "photo",
            "JPEG, PNG or WebP",
        ),
    ],
)
def test_refused_application_stores_nothing(
    django_capture_on_commit_callbacks, settings, kwargs, field, text
):
    with pytest.raises((services.ConsentRequired, UploadRefused)) as refused:
        apply(django_capture_on_commit_callbacks, **kwargs)

    assert refused.value.field == field
    assert text in str(refused.value.message)
    assert not Expert.objects.exists()
    assert not ExpertMessage.objects.exists()
    assert stored_files(settings) == []
    assert mail.outbox == []


def test_a_second_application_with_the_same_email_in_any_case_is_refused(
    django_capture_on_commit_callbacks, settings
):
    apply(django_capture_on_commit_callbacks)
    files_before = stored_files(settings)

    with pytest.raises(services.DuplicateExpert) as refused:
        apply(
            django_capture_on_commit_callbacks,
            data=application(email="ANUSH@Example.org", given_name="Other"),
            expertise=[],
        )

    assert refused.value.field == "email"
    assert Expert.objects.count() == 1
    assert stored_files(settings) == files_before  # the second CV was not kept
    assert len(mail.outbox) == 1


def test_unknown_topic_or_language_is_named(django_capture_on_commit_callbacks):
    with pytest.raises(services.UnknownReference) as refused:
        apply(django_capture_on_commit_callbacks, languages=["xx"])
    assert refused.value.field == "languages"
    assert "xx" in str(refused.value.message)
    assert not Expert.objects.exists()


def test_update_replaces_the_cv_and_deletes_the_old_file_after_commit(
    django_capture_on_commit_callbacks, settings
):
    expert = apply(django_capture_on_commit_callbacks)
    old_name = expert.cv.name

    with django_capture_on_commit_callbacks(execute=True):
        services.expert_update(
            expert=expert,
            data={"staff_notes": "Strong on Central Asia."},
            cv=cv_pdf("New CV"),
            languages=["ru"],
        )

    expert.refresh_from_db()
    assert expert.cv.name != old_name
    assert [p.name for p in stored_files(settings)] == [Path(expert.cv.name).name]
    assert expert.staff_notes == "Strong on Central Asia."
    assert expert.language_codes() == ["ru"]


def test_update_to_an_email_another_expert_has_is_refused():
    ExpertFactory(email="taken@example.org")
    expert = ExpertFactory(email="mine@example.org")

    with pytest.raises(services.DuplicateExpert):
        services.expert_update(expert=expert, data={"email": "Taken@example.org"})

    expert.refresh_from_db()
    assert expert.email == "mine@example.org"


# --- vetting --------------------------------------------------------------------------


def test_approve_activates_the_applicant_and_mails_the_welcome_with_the_note(
    django_capture_on_commit_callbacks, network_officer
):
    expert = apply(django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.expert_approve(expert=expert, actor=network_officer, note="Welcome aboard!")

    expert.refresh_from_db()
    assert expert.status == Expert.Status.ACTIVE
    assert expert.status_changed_by == network_officer
    assert expert.is_public
    (message,) = mail.outbox
    assert "Welcome to the Regional Expert Network" in message.subject
    assert "Welcome aboard!" in message.body
    assert "https://rtcm.example.org/experts/anush-petrosyan/" in message.body
    html = message.alternatives[0][0]
    assert "Welcome aboard!" in html


def test_decline_needs_a_message_and_then_mails_it(
    django_capture_on_commit_callbacks, network_officer
):
    expert = apply(django_capture_on_commit_callbacks)
    mail.outbox.clear()

    with pytest.raises(services.MessageRequired) as refused:
        services.expert_decline(expert=expert, actor=network_officer, note="  ")
    assert refused.value.field == "note"
    expert.refresh_from_db()
    assert expert.status == Expert.Status.APPLICANT
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        services.expert_decline(
            expert=expert, actor=network_officer, note="We need more field experience."
        )
    expert.refresh_from_db()
    assert expert.status == Expert.Status.DECLINED
    (message,) = mail.outbox
    assert "We need more field experience." in message.body
    assert "consent" not in message.body  # no consent link for a declined applicant


def test_every_transition_and_its_email(django_capture_on_commit_callbacks, network_officer):
    expert = apply(django_capture_on_commit_callbacks)
    assert services.allowed_actions(expert) == ["approve", "decline"]
    steps = [
        ("approve", Expert.Status.ACTIVE, ExpertMessage.Kind.APPROVED, ["deactivate"]),
        ("deactivate", Expert.Status.INACTIVE, ExpertMessage.Kind.DEACTIVATED, ["reactivate"]),
        ("reactivate", Expert.Status.ACTIVE, ExpertMessage.Kind.REACTIVATED, ["deactivate"]),
    ]
    for action, status, kind, next_actions in steps:
        with django_capture_on_commit_callbacks(execute=True):
            services.expert_change_status(expert=expert, action=action, actor=network_officer)
        expert.refresh_from_db()
        assert expert.status == status
        assert expert.messages.first().kind == kind
        assert services.allowed_actions(expert) == next_actions
    assert len(mail.outbox) == 4  # received + the three steps
    assert [m.kind for m in expert.messages.order_by("pk")] == [
        "received",
        "approved",
        "deactivated",
        "reactivated",
    ]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (Expert.Status.ACTIVE, "approve"),
        (Expert.Status.DECLINED, "approve"),
        (Expert.Status.INACTIVE, "decline"),
        (Expert.Status.APPLICANT, "deactivate"),
        (Expert.Status.ACTIVE, "reactivate"),
        (Expert.Status.ACTIVE, "promote"),
    ],
)
def test_a_transition_from_the_wrong_status_is_refused_and_mails_nothing(
    django_capture_on_commit_callbacks, network_officer, status, action
):
    expert = ExpertFactory(status=status)

    with (
        pytest.raises(services.InvalidExpertTransition),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.expert_change_status(expert=expert, action=action, actor=network_officer, note="x")

    expert.refresh_from_db()
    assert expert.status == status
    assert not ExpertMessage.objects.exists()
    assert mail.outbox == []


def test_an_expert_booked_for_a_coming_session_cannot_be_deactivated(network_officer):
    expert = ExpertFactory()
    session = SessionFactory(training=TrainingFactory(title="Border management basics"))
    services.session_assign_trainer(session=session, expert=expert)

    with pytest.raises(services.InvalidExpertTransition) as refused:
        services.expert_deactivate(expert=expert, actor=network_officer)

    assert "Border management basics" in str(refused.value.message)
    expert.refresh_from_db()
    assert expert.status == Expert.Status.ACTIVE


def test_messages_go_in_the_experts_language(django_capture_on_commit_callbacks):
    apply(
        django_capture_on_commit_callbacks,
        data=application(correspondence_language="ru"),
    )
    (message,) = mail.outbox
    assert message.subject.startswith("Мы получили")  # the Russian catalogue has it


def test_a_failing_mail_server_leaves_the_message_queued_for_the_sweep(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.experts.test_services.BrokenBackend"
    expert = apply(django_capture_on_commit_callbacks)
    message = expert.messages.get()
    assert message.status == ExpertMessage.Status.QUEUED
    assert "SMTP" in message.last_error or "refused" in message.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ExpertMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert expert_messages_requeue_stale() == 1
    message.refresh_from_db()
    assert message.status == ExpertMessage.Status.SENT
    assert len(mail.outbox) == 1
    assert send_expert_message(message.pk) == "not queued"  # sent once, never twice


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPServerDisconnected("refused")


# --- consent --------------------------------------------------------------------------


def test_withdrawing_consent_records_the_time_and_hides_the_profile():
    expert = ExpertFactory()
    given_at = expert.public_profile_consent_at

    services.expert_set_consent(expert=expert, consent=False)

    expert.refresh_from_db()
    assert expert.public_profile_consent_at is None
    assert expert.public_profile_consent_withdrawn_at is not None
    assert not expert.is_public
    assert not Expert.objects.filter(Expert.public_q(), pk=expert.pk).exists()

    services.expert_set_consent(expert=expert, consent=True)
    expert.refresh_from_db()
    assert expert.public_profile_consent_at > given_at
    assert expert.is_public


def test_giving_consent_twice_keeps_the_first_time():
    expert = ExpertFactory()
    given_at = expert.public_profile_consent_at
    services.expert_set_consent(expert=expert, consent=True)
    expert.refresh_from_db()
    assert expert.public_profile_consent_at == given_at


def test_consent_token_names_the_expert_and_cannot_be_forged():
    expert = ExpertFactory()
    token = consent_token(expert)
    assert expert_id_for_consent_token(token) == expert.pk
    assert expert_id_for_consent_token(token[:-2] + "xx") is None
    assert expert_id_for_consent_token("1") is None


# --- trainers -------------------------------------------------------------------------


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def day():
    return timezone.localdate() + dt.timedelta(days=30)


def session_at(day, start: tuple[int, int], end: tuple[int, int], **training_kwargs):
    training = TrainingFactory(start_date=day, end_date=day, **training_kwargs)
    return SessionFactory(training=training, starts_at=at(day, *start), ends_at=at(day, *end))


def test_an_expert_cannot_teach_two_overlapping_sessions(day):
    expert = ExpertFactory(given_name="Nino", family_name="Beridze")
    first = session_at(day, (9, 0), (12, 0), title="Counter-trafficking for border guards")
    first.title = "Victim identification"
    first.save()
    services.session_assign_trainer(session=first, expert=expert)
    overlapping = session_at(day, (11, 30), (13, 0))

    with pytest.raises(services.TrainerNotAvailable) as refused:
        services.session_assign_trainer(session=overlapping, expert=expert)

    message = str(refused.value.message)
    assert "Nino Beridze" in message
    assert "Counter-trafficking for border guards — Victim identification" in message
    assert refused.value.status_code == 409
    assert not overlapping.trainers.exists()


@pytest.mark.parametrize(
    ("start", "end", "clashes"),
    [
        ((12, 0), (13, 0), False),  # starts as the other ends
        ((8, 0), (9, 0), False),  # ends as the other starts
        ((8, 0), (9, 1), True),
        ((10, 0), (11, 0), True),  # inside
        ((8, 0), (13, 0), True),  # around
    ],
)
def test_overlap_boundaries(day, start, end, clashes):
    expert = ExpertFactory()
    services.session_assign_trainer(session=session_at(day, (9, 0), (12, 0)), expert=expert)
    other = session_at(day, start, end)

    problem = services.trainer_problem(expert, other.starts_at, other.ends_at)

    assert (problem is not None) is clashes


def test_sessions_of_a_cancelled_training_do_not_block(day):
    expert = ExpertFactory()
    cancelled = session_at(day, (9, 0), (12, 0))
    services.session_assign_trainer(session=cancelled, expert=expert)
    Training.objects.filter(pk=cancelled.training_id).update(status=Training.Status.CANCELLED)

    services.session_assign_trainer(session=session_at(day, (9, 0), (12, 0)), expert=expert)


def test_moving_nothing_the_same_session_is_no_clash(day):
    expert = ExpertFactory()
    session = session_at(day, (9, 0), (12, 0))
    services.session_assign_trainer(session=session, expert=expert)
    services.session_assign_trainer(session=session, expert=expert)  # again: no change
    assert list(session.trainers.all()) == [expert]


@pytest.mark.parametrize(
    "status", [Expert.Status.APPLICANT, Expert.Status.INACTIVE, Expert.Status.DECLINED]
)
def test_only_active_experts_teach(day, status):
    expert = ExpertFactory(status=status)
    session = session_at(day, (9, 0), (12, 0))

    with pytest.raises(services.TrainerNotAvailable) as refused:
        services.session_assign_trainer(session=session, expert=expert)

    assert "only active experts" in str(refused.value.message)
    assert not session.trainers.exists()


def test_deleting_an_expert_removes_their_files_after_commit(
    django_capture_on_commit_callbacks, settings
):
    expert = apply(django_capture_on_commit_callbacks, photo=photo_jpeg())
    assert len(stored_files(settings)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        services.expert_delete(expert=expert)

    assert not Expert.objects.exists()
    assert stored_files(settings) == []
