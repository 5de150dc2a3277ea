"""What an e-mail to an expert says, in their language, with the link that manages consent."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from experts.models import Expert, ExpertMessage
from rtcm.core.mail import render_email

CONSENT_SALT = "experts.consent"


def consent_token(expert: Expert) -> str:
    """A signed token naming the expert: the link in every e-mail to show or hide the profile."""
    return signing.dumps(expert.pk, salt=CONSENT_SALT, compress=True)


def expert_id_for_consent_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=CONSENT_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def consent_url(expert: Expert) -> str:
    return settings.SITE_URL + reverse("experts:consent", kwargs={"token": consent_token(expert)})


def expert_email(message: ExpertMessage) -> EmailMultiAlternatives:
    """Build the e-mail of a logged message (HTML and plain text); sends nothing."""
    expert = message.expert
    return render_email(
        template="experts/email/message",
        context={
            "kind": message.kind,
            "note": message.note,
            "expert": expert,
            "profile_url": settings.SITE_URL + expert.get_absolute_url(),
            "directory_url": settings.SITE_URL + reverse("experts:directory"),
            "consent_url": consent_url(expert),
        },
        language=message.language,
        to=message.recipient,
    )
