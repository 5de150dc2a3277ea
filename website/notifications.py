"""What a contact message's e-mails say: to the staff address, and the sender's copy."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from rtcm.core.mail import render_email
from website.models import ContactMessage


def contact_email(message: ContactMessage) -> EmailMultiAlternatives:
    """Build the e-mail of a logged contact message (HTML and plain text); sends nothing.

    The staff's e-mail answers to the sender (``Reply-To``); the copy answers to the
    staff address.
    """
    email = render_email(
        template="website/email/contact_copy" if message.is_copy else "website/email/contact",
        context={
            "message": message,
            "contact_url": settings.SITE_URL + reverse("website:contact"),
        },
        language=message.language,
        to=message.recipient,
    )
    email.reply_to = [settings.RTCM_CONTACT_EMAIL if message.is_copy else message.email]
    return email
