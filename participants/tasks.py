"""Thin tasks: take ids, claim the work, call the code that does it, record the result."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from participants.models import Notification

logger = logging.getLogger(__name__)

# Errors of a mail server that is down or refusing for now: try again later.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_notification(self, notification_id: int) -> str:
    """Send one logged notification, exactly once.

    Claims the row with a conditional update (queued → sending): a duplicate
    delivery of this task, or a second worker, finds nothing to claim and
    stops. On a mail-server error the row goes back to queued and the task
    retries with backoff; the periodic sweep re-queues anything left behind.
    """
    from participants.notifications import notification_message

    claimed = Notification.objects.filter(
        pk=notification_id, status=Notification.Status.QUEUED
    ).update(
        status=Notification.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=timezone.now(),
    )
    if not claimed:
        return "not queued"
    notification = Notification.objects.select_related(
        "registration__participant", "registration__training"
    ).get(pk=notification_id)
    try:
        message = notification_message(notification)
        message.send()
    except TRANSIENT_MAIL_ERRORS as error:
        Notification.objects.filter(pk=notification_id).update(
            status=Notification.Status.QUEUED, last_error=f"{type(error).__name__}: {error}"
        )
        if self.request.is_eager:
            # In-process mode: the request that queued it must not fail; the
            # sweep (or the next `manage.py send_queued_notifications`) retries.
            logger.warning("notification %s not sent: %s", notification_id, error)
            return "queued"
        raise self.retry(countdown=min(60 * 2 ** min(notification.attempts, 6), 3600)) from error
    Notification.objects.filter(pk=notification_id).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        subject=message.subject[:300],
        last_error="",
    )
    return "sent"


@shared_task
def notifications_requeue_stale() -> int:
    """Beat: queue again what a lost message or a dead worker left behind."""
    now = timezone.now()
    queued_before = now - dt.timedelta(seconds=settings.RTCM_NOTIFICATION_RETRY_SECONDS)
    claimed_before = now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)
    # A worker that died while sending: the message may or may not have left.
    Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=claimed_before
    ).update(status=Notification.Status.QUEUED)
    stale = list(
        Notification.objects.filter(
            status=Notification.Status.QUEUED, created_at__lt=queued_before
        ).values_list("pk", flat=True)[:500]
    )
    for notification_id in stale:
        send_notification.delay(notification_id)
    return len(stale)


@shared_task
def registrations_send_reminders() -> int:
    """Beat: remind confirmed people N days before their training starts (once each)."""
    from participants.services import registrations_queue_reminders

    return registrations_queue_reminders()


@shared_task
def trainings_release_quotas() -> int:
    """Beat: open unused quota seats to everyone once a training's release time has come."""
    from participants.services import trainings_release_due_quotas

    return trainings_release_due_quotas()


@shared_task(
    autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=True, retry_backoff_max=600, max_retries=5
)
def send_sign_in_link(link_id: int, token: str) -> str:
    """Mail a one-time "my trainings" link. The token lives only in this message."""
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from participants.models import SignInLink

    link = SignInLink.objects.select_related("participant").filter(pk=link_id).first()
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return "expired"
    participant = link.participant
    url = settings.SITE_URL + reverse("participants:sign_in", kwargs={"token": token})
    with translation.override(participant.preferred_language):
        context = {
            "participant": participant,
            "url": url,
            "CENTER_NAME": settings.CENTER_NAME,
            "LANGUAGE_CODE": participant.preferred_language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        }
        subject = " ".join(
            render_to_string("participants/email/sign_in_subject.txt", context).split()
        )
        text = render_to_string("participants/email/sign_in.txt", context)
        html = render_to_string("participants/email/sign_in.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[participant.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return "sent"
