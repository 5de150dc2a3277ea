"""A coordinator's message to a training's people: the audience by status and attendance,
one logged e-mail per person sent once, in the person's language's frame; bad input
writes nothing."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from participants import selectors, services, tasks
from participants.models import MessageEmail, TrainingMessage
from rtcm.core.errors import DomainError
from tests.factories import (
    RegistrationFactory,
    TrainingFactory,
    attend,
    coordinator_user,
    past_training,
)

pytestmark = pytest.mark.django_db

CONFIRMED, WAITLISTED, PENDING, CANCELLED = "confirmed", "waitlisted", "pending", "cancelled"


@pytest.fixture
def coordinator():
    return coordinator_user()


@pytest.fixture
def send(coordinator, django_capture_on_commit_callbacks):
    """``training_message_send`` with its after-commit tasks run (eagerly)."""

    def run(**kwargs):
        values = {"subject": "Room change", "body": "We meet in room 4.", "actor": coordinator}
        values.update(kwargs)
        with django_capture_on_commit_callbacks(execute=True):
            return services.training_message_send(**values)

    return run


def person(training, status=CONFIRMED, **participant):
    return RegistrationFactory(
        training=training, status=status, **{f"participant__{k}": v for k, v in participant.items()}
    )


def test_audience_by_status_gets_the_message_once_each(send):
    training = TrainingFactory()
    confirmed = person(training, email="c@example.org")
    waitlisted = person(training, WAITLISTED, email="w@example.org")
    person(training, PENDING, email="p@example.org")
    person(training, CANCELLED, email="x@example.org")
    person(TrainingFactory(), email="other-training@example.org")

    message = send(training=training, statuses=[CONFIRMED, WAITLISTED])

    assert message.recipient_count == 2
    assert message.audience == {"statuses": [CONFIRMED, WAITLISTED], "min_attendance_percent": None}
    assert set(message.emails.values_list("registration", flat=True)) == {
        confirmed.pk,
        waitlisted.pk,
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["c@example.org", "w@example.org"]
    assert set(MessageEmail.objects.values_list("status", flat=True)) == {"sent"}
    email = mail.outbox[0]
    assert email.subject == f"Room change · {training.title}"
    assert "We meet in room 4." in email.body
    assert "/registrations/" in email.body  # the person's own link
    assert "Regional Training Center on Migration" in email.body


def test_audience_by_attendance_of_at_least_80_percent(send):
    training = past_training(sessions=5)
    four_of_five = person(training, email="four@example.org")
    attend(four_of_five, 4)  # 80 %
    five_of_five = person(training, email="five@example.org")
    attend(five_of_five, 5)
    three_of_five = person(training, email="three@example.org")
    attend(three_of_five, 3)  # 60 %
    person(training, email="none@example.org")
    waitlisted = person(training, WAITLISTED, email="waiting@example.org")
    attend(waitlisted, 5)  # not confirmed: not in a "confirmed" audience

    audience = selectors.training_message_audience(
        training=training, statuses=[CONFIRMED], min_attendance_percent=80
    )
    assert {row.pk for row in audience} == {four_of_five.pk, five_of_five.pk}

    message = send(training=training, statuses=[CONFIRMED], min_attendance_percent=80)
    # The preview's count is the rows written and the e-mails sent.
    assert message.recipient_count == audience.count() == MessageEmail.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["five@example.org", "four@example.org"]


def test_erased_people_get_nothing(send):
    training = TrainingFactory()
    kept = person(training, email="kept@example.org")
    erased = person(training, email="erased@example.org")
    erased.participant.erased_at = timezone.now()
    erased.participant.save(update_fields=["erased_at"])

    message = send(training=training, statuses=[CONFIRMED])

    assert list(message.emails.values_list("registration", flat=True)) == [kept.pk]
    assert [m.to for m in mail.outbox] == [["kept@example.org"]]


def test_each_person_gets_the_frame_of_their_language_and_the_text_as_written(send):
    training = TrainingFactory(title="Реадмиссия на практике")
    person(training, email="ru@example.org", given_name="Нурлан", preferred_language="ru")
    person(training, email="en@example.org", given_name="Amal", preferred_language="en")

    send(
        training=training,
        statuses=[CONFIRMED],
        subject="Q&A <session>",
        body="Bring your passport & <b>badge</b>.",
    )

    emails = {m.to[0]: m for m in mail.outbox}
    russian, english = emails["ru@example.org"], emails["en@example.org"]
    assert "Уважаемый(ая) \u2068Нурлан\u2069," in russian.body
    assert "Ваша регистрация" in russian.alternatives[0][0]
    assert 'lang="ru"' in russian.alternatives[0][0]
    assert "Dear \u2068Amal\u2069," in english.body
    assert 'lang="en"' in english.alternatives[0][0]
    for email in (russian, english):
        # The coordinator's words are not translated, and are text, not markup.
        assert email.subject == "Q&A <session> · Реадмиссия на практике"
        assert "Bring your passport & <b>badge</b>." in email.body
        html = email.alternatives[0][0]
        assert "Bring your passport &amp; &lt;b&gt;badge&lt;/b&gt;." in html
        assert "<b>badge" not in html
    assert MessageEmail.objects.get(recipient="ru@example.org").language == "ru"


def test_the_send_task_run_twice_sends_once(send):
    training = TrainingFactory()
    person(training, email="once@example.org")
    message = send(training=training, statuses=[CONFIRMED])
    email = message.emails.get()

    assert tasks.send_message_email.apply(args=[email.pk]).get() == "not queued"
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


def test_a_failing_mail_server_delays_and_the_sweep_sends_once(monkeypatch, send):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    training = TrainingFactory()
    person(training, email="later@example.org")
    message = send(training=training, statuses=[CONFIRMED])
    email = message.emails.get()
    assert email.status == "queued"
    assert "mail server down" in email.last_error

    monkeypatch.undo()
    MessageEmail.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert tasks.message_emails_requeue_stale() == 1
    assert tasks.message_emails_requeue_stale() == 0
    assert [m.to for m in mail.outbox] == [["later@example.org"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject": "  "}, "subject"),
        ({"body": ""}, "body"),
        ({"body": " \n "}, "body"),
        ({"statuses": []}, "statuses"),
        ({"statuses": ["confirmed", "nonsense"]}, "statuses"),
        ({"min_attendance_percent": 120}, "min_attendance_percent"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_writes_nothing(send, changes, field):
    training = TrainingFactory()
    person(training)
    with pytest.raises(DomainError) as refused:
        send(training=training, **{"statuses": [CONFIRMED], **changes})
    assert refused.value.field == field
    assert not TrainingMessage.objects.exists()
    assert not MessageEmail.objects.exists()
    assert not mail.outbox


def test_nobody_to_send_to_says_so_and_writes_nothing(send):
    training = past_training(sessions=2)
    attend(person(training), 1)  # 50 %
    person(training, WAITLISTED)

    with pytest.raises(services.NobodyToMessage) as refused:
        send(training=training, statuses=[CONFIRMED], min_attendance_percent=80)

    assert str(refused.value.message) == (
        "Nobody matches: Confirmed; attended at least 80 % of the sessions."
    )
    assert refused.value.field == "statuses"
    assert not TrainingMessage.objects.exists()
    assert not MessageEmail.objects.exists()
    assert not mail.outbox


def test_the_same_message_twice_within_a_minute_is_refused(send):
    training = TrainingFactory()
    person(training)
    send(training=training, statuses=[CONFIRMED])

    with pytest.raises(services.MessageAlreadySent):
        send(training=training, statuses=[CONFIRMED])
    assert TrainingMessage.objects.count() == 1
    assert len(mail.outbox) == 1

    # Another audience, or the same message a while later, is a new message.
    send(training=training, statuses=[CONFIRMED, WAITLISTED])
    TrainingMessage.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    send(training=training, statuses=[CONFIRMED])
    assert TrainingMessage.objects.count() == 3
    assert len(mail.outbox) == 3


def test_the_beat_sweeps_the_messages_e_mails(settings):
    tasks_run = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "participants.tasks.message_emails_requeue_stale" in tasks_run


def test_queued_message_e_mails_can_be_sent_from_the_command_line(monkeypatch, send):
    from django.core.management import call_command

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    training = TrainingFactory()
    person(training, email="queued@example.org")
    send(training=training, statuses=[CONFIRMED])
    monkeypatch.undo()
    call_command("send_queued_notifications", verbosity=0)
    assert [m.to for m in mail.outbox] == [["queued@example.org"]]
    assert MessageEmail.objects.get().status == MessageEmail.Status.SENT
