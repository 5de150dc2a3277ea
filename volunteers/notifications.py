"""What an e-mail to a volunteer says, in their language, with what it carries: an
assignment's .ics, a certificate of service's PDF."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from rtcm.core.mail import render_email
from volunteers.certificates import assignment_calendar, verification_url
from volunteers.models import VolunteerMessage

CALENDAR_TYPE = "text/calendar; charset=utf-8; method=%s"


def _certificate(message: VolunteerMessage):
    """The certificate a "certificate" message tells of: the volunteer's latest valid one
    issued by the time the message was written (in the same transaction)."""
    return (
        message.volunteer.certificates.filter(
            revoked_at__isnull=True, issued_at__lte=message.created_at
        )
        .order_by("-issued_at", "-pk")
        .first()
    )


def volunteer_email(message: VolunteerMessage) -> EmailMultiAlternatives:
    """Build the e-mail of a logged message (HTML and plain text); sends nothing."""
    volunteer = message.volunteer
    assignment = message.assignment
    certificate = (
        _certificate(message) if message.kind == VolunteerMessage.Kind.CERTIFICATE else None
    )
    email = render_email(
        template="volunteers/email/message",
        context={
            "kind": message.kind,
            "volunteer": volunteer,
            "assignment": assignment,
            "certificate": certificate,
            "verification_url": verification_url(certificate) if certificate else "",
            "volunteers_url": settings.SITE_URL + reverse("volunteers:index"),
        },
        language=message.language,
        to=message.recipient,
    )
    if assignment is not None and message.kind in (
        VolunteerMessage.Kind.ASSIGNED,
        VolunteerMessage.Kind.ASSIGNMENT_CANCELLED,
    ):
        cancelled = message.kind == VolunteerMessage.Kind.ASSIGNMENT_CANCELLED
        email.attach(
            f"assignment-{assignment.pk}.ics",
            assignment_calendar(assignment, cancelled=cancelled),
            CALENDAR_TYPE % ("CANCEL" if cancelled else "PUBLISH"),
        )
    if certificate is not None and certificate.pdf:
        with certificate.pdf.open("rb") as handle:
            email.attach(f"{certificate.code}.pdf", handle.read(), "application/pdf")
    return email
