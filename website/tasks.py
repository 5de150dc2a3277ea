"""Thin tasks: mail the contact messages the service logged (``rtcm.core.mail``)."""

from __future__ import annotations

from celery import shared_task

from rtcm.core.mail import requeue_stale_emails, send_logged_email
from website.models import ContactMessage


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_contact_message(self, message_id: int) -> str:
    """Send one logged contact message (to the staff or the sender's copy), once."""
    from website.notifications import contact_email

    return send_logged_email(self, ContactMessage, message_id, build=contact_email)


@shared_task
def contact_messages_requeue_stale() -> int:
    """Beat: queue again the contact messages a lost task or a dead worker left behind."""
    return requeue_stale_emails(ContactMessage, send_contact_message)
