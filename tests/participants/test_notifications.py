"""Notifications: each goes out once, in the person's language, with a working manage link;
a failing mail server delays mail but never loses or duplicates it."""

import datetime as dt
import re
import smtplib

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from participants import services, tasks
from participants.models import Notification, Registration, RegistrationEvent
from tests.factories import SessionFactory, TrainingFactory, person_data

pytestmark = pytest.mark.django_db
Kind = Notification.Kind


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def data(**overrides):
    values = person_data(**{"preferred_language": "en", **overrides})
    values.pop("consent")
    return values


def manage_link(message) -> str:
    return re.search(r"https://rtcm\.example\.org(/registrations/[^\s\"<]+/)", message.body).group(
        1
    )


def test_each_kind_goes_out_once_with_a_working_manage_link(client, run_on_commit):
    training = TrainingFactory(capacity=1, requires_approval=True)
    SessionFactory(training=training, title="Opening")
    first = run_on_commit(
        services.registration_submit,
        training=training,
        participant_data=data(email="a@example.org"),
    )
    second = run_on_commit(
        services.registration_submit,
        training=training,
        participant_data=data(email="b@example.org"),
    )
    run_on_commit(services.registration_approve, registration=first)
    run_on_commit(services.registration_approve, registration=second)
    run_on_commit(services.registration_cancel, registration=first)

    kinds = {
        email: list(
            Notification.objects.filter(recipient=email)
            .order_by("pk")
            .values_list("kind", flat=True)
        )
        for email in ("a@example.org", "b@example.org")
    }
    assert kinds == {
        "a@example.org": [Kind.RECEIVED, Kind.CONFIRMED, Kind.CANCELLED],
        "b@example.org": [Kind.RECEIVED, Kind.WAITLISTED, Kind.PROMOTED],
    }
    assert len(mail.outbox) == 6
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()
    for message in mail.outbox:
        link = manage_link(message)
        assert client.get(link).status_code == 200
        assert message.alternatives[0][1] == "text/html"
    promoted = mail.outbox[-1]
    assert promoted.to == ["b@example.org"]
    assert "A seat is yours" in promoted.subject
    # The confirmed and promoted e-mails carry the sessions as a calendar.
    name, content, mimetype = promoted.attachments[0]
    assert name.endswith(".ics")
    assert mimetype.startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert "Opening" in str(event["SUMMARY"])


def test_waitlisted_email_tells_the_position(run_on_commit):
    training = TrainingFactory(capacity=1)
    run_on_commit(
        services.registration_submit,
        training=training,
        participant_data=data(email="a@example.org"),
    )
    run_on_commit(
        services.registration_submit,
        training=training,
        participant_data=data(email="b@example.org"),
    )
    run_on_commit(
        services.registration_submit,
        training=training,
        participant_data=data(email="c@example.org"),
    )
    assert "You are number 2 on the waiting list" in mail.outbox[-1].body


def test_email_is_in_the_preferred_language(run_on_commit):
    training = TrainingFactory(title="Реадмиссия на практике")
    run_on_commit(
        services.registration_submit,
        training=training,
        participant_data=data(email="ru@example.org", preferred_language="ru"),
    )
    run_on_commit(
        services.registration_submit,
        training=training,
        participant_data=data(email="az@example.org", preferred_language="az"),
    )
    russian, azerbaijani = mail.outbox
    assert russian.subject == "Ваше место подтверждено: Реадмиссия на практике"
    assert "Уважаемый(ая) \u2068Нурлан\u2069," in russian.body
    assert 'lang="ru"' in russian.alternatives[0][0]
    assert azerbaijani.subject == "Yeriniz təsdiqləndi: Реадмиссия на практике"
    assert "Hörmətli \u2068Нурлан\u2069," in azerbaijani.body
    assert 'lang="az"' in azerbaijani.alternatives[0][0]
    assert Notification.objects.get(recipient="az@example.org").language == "az"


def test_a_language_not_offered_is_refused(run_on_commit):
    # Georgian has no catalogue yet: the form and the model refuse it (no English e-mail
    # in a page marked Georgian).
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.registration_submit(
            training=TrainingFactory(),
            participant_data=data(email="ka@example.org", preferred_language="ka"),
        )
    assert mail.outbox == []


def test_rejection_tells_the_reason(run_on_commit):
    training = TrainingFactory(requires_approval=True)
    registration = services.registration_submit(training=training, participant_data=data())
    run_on_commit(
        services.registration_reject,
        registration=registration,
        reason="This training is for border officials only.",
    )
    assert "This training is for border officials only." in mail.outbox[-1].body


def test_a_failing_mail_server_delays_but_never_loses_nor_duplicates(monkeypatch, run_on_commit):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    registration = run_on_commit(
        services.registration_submit, training=TrainingFactory(), participant_data=data()
    )
    assert registration.status == "confirmed"  # the registration itself went through
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.QUEUED
    assert "mail server down" in notification.last_error

    monkeypatch.undo()
    # The sweep picks up what is older than the retry delay, and sends it once.
    Notification.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert tasks.notifications_requeue_stale() == 1
    assert len(mail.outbox) == 1
    assert tasks.notifications_requeue_stale() == 0
    # A duplicate delivery of the task finds nothing to send.
    assert tasks.send_notification.apply(args=[notification.pk]).get() == "not queued"
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2


def test_a_worker_that_died_while_sending_is_retried(settings):
    registration = services.registration_submit(training=TrainingFactory(), participant_data=data())
    notification = Notification.objects.get(registration=registration)
    long_ago = timezone.now() - dt.timedelta(hours=2)
    Notification.objects.update(status="sending", claimed_at=long_ago, created_at=long_ago)
    assert tasks.notifications_requeue_stale() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


def test_reminder_goes_out_once_n_days_before_the_start(settings, run_on_commit):
    settings.RTCM_REMINDER_DAYS = 3
    today = timezone.localdate()
    soon = TrainingFactory(
        start_date=today + dt.timedelta(days=2), end_date=today + dt.timedelta(days=3)
    )
    later = TrainingFactory(
        start_date=today + dt.timedelta(days=10), end_date=today + dt.timedelta(days=11)
    )
    confirmed = services.registration_submit(
        training=soon, participant_data=data(email="a@example.org")
    )
    services.registration_submit(training=later, participant_data=data(email="b@example.org"))
    cancelled = services.registration_submit(
        training=soon, participant_data=data(email="c@example.org")
    )
    services.registration_cancel(registration=cancelled)
    mail.outbox.clear()

    assert run_on_commit(tasks.registrations_send_reminders) == 1
    assert run_on_commit(tasks.registrations_send_reminders) == 0
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "starts soon" in mail.outbox[0].subject
    assert Notification.objects.filter(registration=confirmed, kind=Kind.REMINDER).count() == 1


def test_every_change_is_in_the_audit_trail_with_who_did_it():
    from django.contrib.auth.models import User

    staff = User.objects.create_user("coordinator", is_staff=True)
    training = TrainingFactory(requires_approval=True, capacity=1)
    registration = services.registration_submit(training=training, participant_data=data())
    services.registration_approve(registration=registration, actor=staff)
    services.registration_move(
        registration=registration, status="waitlisted", actor=staff, note="Seat given to a speaker"
    )
    events = list(
        RegistrationEvent.objects.filter(registration=registration).values_list(
            "from_status", "to_status", "actor_kind", "actor__username", "note"
        )
    )
    assert events == [
        ("", "pending", "participant", None, ""),
        ("pending", "confirmed", "staff", "coordinator", ""),
        ("confirmed", "waitlisted", "staff", "coordinator", "Seat given to a speaker"),
        ("waitlisted", "confirmed", "system", None, ""),
    ]
    # Moving a confirmed person to the waiting list frees their seat, which the
    # first waiting person takes — here, the same person, back in front.
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_queued_notifications_can_be_sent_from_the_command_line(monkeypatch, run_on_commit):
    from django.core.management import call_command

    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    run_on_commit(services.registration_submit, training=TrainingFactory(), participant_data=data())
    monkeypatch.undo()
    call_command("send_queued_notifications", verbosity=0)
    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT
