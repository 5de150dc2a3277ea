"""What a notification e-mail says: rendered in the person's language, with the manage link."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from participants import selectors
from participants.models import Notification

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
    language = notification.language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
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
            "CENTER_NAME": settings.CENTER_NAME,
            "LANGUAGE_CODE": language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        }
        subject = " ".join(
            render_to_string("participants/email/notification_subject.txt", context).split()
        )
        text = render_to_string("participants/email/notification.txt", context)
        html = render_to_string("participants/email/notification.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[notification.recipient])
    message.attach_alternative(html, "text/html")
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
