"""A coordinator's message to some of a training's people, sent as logged e-mails.

Sent like the notifications (``rtcm.core.mail``): the message and one
``MessageEmail`` row per recipient are written in one transaction, and each row's
task sends it after commit, claiming it first, so that each person gets it once.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from participants import selectors
from participants.models import MessageEmail, Registration, TrainingMessage
from participants.services.seats import _lock_training
from participants.tasks import send_message_email
from rtcm.core.errors import DomainError
from rtcm.core.storage import user_or_none

# A second identical message to the same people within this time is a double submit.
DUPLICATE_WINDOW = dt.timedelta(minutes=1)


class NobodyToMessage(DomainError):
    default_message = _("Nobody matches these choices.")
    status_code = 409
    code = "nobody_to_message"
    field = "statuses"

    @classmethod
    def for_audience(cls, audience: dict) -> NobodyToMessage:
        return cls(
            gettext("Nobody matches: %(audience)s.")
            % {"audience": message_audience_label(audience)}
        )


class MessageAlreadySent(DomainError):
    default_message = _("This message was sent a moment ago; it is not sent twice.")
    status_code = 409
    code = "message_already_sent"


def message_audience(
    *, statuses, min_attendance_percent: int | None = None
) -> dict[str, list[str] | int | None]:
    """The audience as it is kept on the message, checked: known statuses (in the
    order of ``Registration.Status``) and a percentage from 0 to 100, or none."""
    chosen = set(statuses or ())
    known = [value for value in Registration.Status.values if value in chosen]
    if not known or len(known) != len(chosen):
        raise DomainError(_("Choose at least one status."), field="statuses")
    if min_attendance_percent is not None and not 0 <= min_attendance_percent <= 100:
        raise DomainError(
            _("The minimum attendance is a percentage from 0 to 100."),
            field="min_attendance_percent",
        )
    return {"statuses": known, "min_attendance_percent": min_attendance_percent}


def message_audience_label(audience: dict) -> str:
    """The audience in words: "Confirmed, On the waiting list; attended at least 80 %"."""
    labels = dict(Registration.Status.choices)
    words = ", ".join(str(labels[status]) for status in audience.get("statuses", ()))
    percent = audience.get("min_attendance_percent")
    if percent is None:
        return words
    return gettext("%(statuses)s; attended at least %(percent)s %% of the sessions") % {
        "statuses": words,
        "percent": percent,
    }


def training_message_send(
    *,
    training: Training,
    subject: str,
    body: str,
    statuses,
    min_attendance_percent: int | None = None,
    actor: AbstractBaseUser | None,
) -> TrainingMessage:
    """Send ``subject`` and ``body`` to the people of ``training`` the audience names.

    The audience is ``selectors.training_message_audience`` (the preview counts the
    same rows). Holds the training's row lock while it checks that the same message
    was not sent to the same people within ``DUPLICATE_WINDOW`` (a double submit
    is refused with ``MessageAlreadySent``) and writes the message and its e-mails;
    nobody to send to raises ``NobodyToMessage``. Nothing is written when it raises.
    """
    subject = (subject or "").strip()
    body = (body or "").strip()
    if not subject:
        raise DomainError(_("Write a subject."), field="subject")
    if len(subject) > TrainingMessage._meta.get_field("subject").max_length:
        raise DomainError(_("The subject is too long."), field="subject")
    if not body:
        raise DomainError(_("Write the text of the message."), field="body")
    audience = message_audience(statuses=statuses, min_attendance_percent=min_attendance_percent)
    with transaction.atomic():
        _lock_training(training.pk)
        since = timezone.now() - DUPLICATE_WINDOW
        recent = TrainingMessage.objects.filter(
            training=training, subject=subject, body=body, created_at__gte=since
        ).values_list("audience", flat=True)
        if audience in list(recent):
            raise MessageAlreadySent
        recipients = list(selectors.training_message_audience(training=training, **audience))
        if not recipients:
            raise NobodyToMessage.for_audience(audience)
        message = TrainingMessage.objects.create(
            training=training,
            subject=subject,
            body=body,
            audience=audience,
            recipient_count=len(recipients),
            created_by=user_or_none(actor),
        )
        emails = MessageEmail.objects.bulk_create(
            [
                MessageEmail(
                    message=message,
                    registration=registration,
                    recipient=registration.participant.email,
                    language=registration.participant.preferred_language or settings.LANGUAGE_CODE,
                )
                for registration in recipients
            ],
            batch_size=500,
        )
        for email in emails:
            send_message_email.delay_on_commit(email.pk)
    return message
