"""What the e-mails to participants say: in the person's language, with their link."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from participants import selectors
from participants.models import MessageEmail, Notification, SignInLink
from rtcm.core.mail import render_email

# Kinds that carry the training's calendar (.ics) as an attachment.
WITH_CALENDAR = {
    Notification.Kind.CONFIRMED,
    Notification.Kind.PROMOTED,
    Notification.Kind.REMINDER,
}


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    """Build the e-mail of a notification (HTML and plain text); sends nothing."""
    from courses.calendar import calendar_bytes, training_calendar

    registration = notification.registration
    participant = registration.participant
    training = registration.training
    message = render_email(
        template="participants/email/notification",
        context={
            "kind": notification.kind,
            "registration": registration,
            "participant": participant,
            "training": training,
            "sessions": list(training.sessions.all()),
            "waitlist_position": selectors.registration_waitlist_position(
                registration=registration
            ),
            "manage_url": registration.get_manage_url(),
            "training_url": settings.SITE_URL + training.get_absolute_url(),
        },
        language=notification.language,
        to=notification.recipient,
    )
    if notification.kind == Notification.Kind.CERTIFICATE:
        certificate = getattr(registration, "certificate", None)
        if certificate is not None and certificate.pdf:
            with certificate.pdf.open("rb") as handle:
                message.attach(f"{certificate.serial}.pdf", handle.read(), "application/pdf")
    if notification.kind in WITH_CALENDAR:
        message.attach(
            f"{training.slug}.ics",
            calendar_bytes(training_calendar(training, private=True)),
            "text/calendar; charset=utf-8; method=PUBLISH",
        )
    return message


def sign_in_message(link: SignInLink, token: str) -> EmailMultiAlternatives:
    """Build the e-mail of a one-time "my trainings" link; sends nothing."""
    url = settings.SITE_URL + reverse("participants:sign_in", kwargs={"token": token})
    return render_email(
        template="participants/email/sign_in",
        context={"participant": link.participant, "url": url},
        language=link.language,
        to=link.recipient,
    )


def training_message_email(row: MessageEmail) -> EmailMultiAlternatives:
    """Build one person's copy of a coordinator's message; sends nothing.

    The frame (greeting, the training, the link to the registration) is in the
    person's language; the coordinator's subject and text go in as they wrote them,
    as plain text (escaped in the HTML part).
    """
    registration = row.registration
    message = row.message
    return render_email(
        template="participants/email/training_message",
        context={
            "message": message,
            "participant": registration.participant,
            "training": message.training,
            "manage_url": registration.get_manage_url(),
        },
        language=row.language,
        to=row.recipient,
    )
