"""Thin tasks: mail the messages the services logged (``rtcm.core.mail`` does the rest)."""

from __future__ import annotations

from celery import shared_task

from rtcm.core.mail import requeue_stale_emails, send_logged_email
from volunteers.models import VolunteerMessage


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_volunteer_message(self, message_id: int) -> str:
    """Send one logged message to a volunteer, once (claimed queued → sending)."""
    from volunteers.notifications import volunteer_email

    return send_logged_email(
        self,
        VolunteerMessage,
        message_id,
        build=volunteer_email,
        select_related=("volunteer", "assignment__training"),
    )


@shared_task
def volunteer_messages_requeue_stale() -> int:
    """Beat: queue again the messages a lost task or a dead worker left behind."""
    return requeue_stale_emails(VolunteerMessage, send_volunteer_message)
