"""What a person does for themselves: their contact details, and sign-in links
to the "my trainings" page."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from participants.models import Participant, SignInLink, token_hash
from participants.names import CERTIFICATE_NAME_FIELDS
from participants.tasks import send_sign_in_link

CONTACT_FIELDS = [
    "phone",
    "country_of_residence",
    "organisation",
    "organisation_type",
    "position",
    "preferred_language",
    # Added by the person at will: their own spelling (given_name) stays as registered.
    *CERTIFICATE_NAME_FIELDS,
]


def participant_update_contact(*, participant: Participant, data: dict[str, Any]) -> Participant:
    """The person updates their own contact details from a manage link."""
    for name in CONTACT_FIELDS:
        if name in data:
            setattr(participant, name, data[name])
    participant.full_clean(validate_constraints=False)
    participant.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
    return participant


SIGN_IN_LINK_LIFETIME = dt.timedelta(hours=1)
SIGN_IN_LINKS_PER_HOUR = 3


def participant_request_sign_in(*, email: str) -> bool:
    """Mail a one-time link to the "my trainings" page, if the address is a participant's.

    Says nothing to the caller about whether the address is known (the page
    shows the same message either way). At most a few links an hour per person.
    Returns whether a link was sent, for tests and logs.
    """
    participant = Participant.objects.filter(email__iexact=email.strip()).first()
    if participant is None:
        return False
    recent = participant.sign_in_links.filter(
        created_at__gte=timezone.now() - dt.timedelta(hours=1)
    ).count()
    if recent >= SIGN_IN_LINKS_PER_HOUR:
        return False
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = SignInLink.objects.create(
            participant=participant,
            token_hash=token_hash(token),
            expires_at=timezone.now() + SIGN_IN_LINK_LIFETIME,
            recipient=participant.email,
            language=participant.preferred_language,
        )
        send_sign_in_link.delay_on_commit(link.pk, token)
    return True


def participant_sign_in(*, token: str) -> Participant | None:
    """Use a sign-in link: the participant, once; None when unknown, used or expired."""
    now = timezone.now()
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .select_related("participant")
            .filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if link is None:
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
        return link.participant
