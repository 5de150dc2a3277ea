"""A participant's consents: given at registration, changed from their manage page.

The texts, versions and the give/withdraw rule are ``rtcm.core.privacy``'s;
this module says when a participant's consents are recorded:

- every registration records a REGISTRATION consent, one per registration: the
  proof that the text (in the version and language shown) was agreed to each
  time the person registered. Imported rows record the consent the sending
  agency collected, saying so in the text stored;
- optional consents (photos, newsletter) are recorded when ticked, once per
  version; an unticked box withdraws nothing (withdrawing is the person's
  deliberate act on their manage page, ``participant_set_consents``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import transaction

from participants.models import Consent, Participant
from rtcm.core import privacy

Purpose = privacy.Purpose

# What a participant may give or withdraw themselves, at registration or later.
PARTICIPANT_OPTIONAL_PURPOSES = (Purpose.PHOTO, Purpose.NEWSLETTER)


def participant_record_consents(
    *,
    participant: Participant,
    purposes: Iterable[str],
    by_agency: bool = False,
    language: str | None = None,
) -> list[Consent]:
    """Record what the person agreed to on a registration (see the module's rules)."""
    recorded = []
    for purpose in dict.fromkeys(purposes):
        if purpose != Purpose.REGISTRATION and purpose not in PARTICIPANT_OPTIONAL_PURPOSES:
            raise ValueError(f"not a participant's consent: {purpose}")
        consent = privacy.consent_give(
            participant.consents,
            purpose=purpose,
            language=language,
            by_agency=by_agency,
            again=purpose == Purpose.REGISTRATION,
        )
        if consent is not None:
            recorded.append(consent)
    return recorded


def participant_set_consents(
    *, participant: Participant, purposes: Collection[str], language: str | None = None
) -> tuple[list[str], list[str]]:
    """The person's choice of optional consents, from their manage page: ``purposes``
    are those they agree to now. Gives the new ones (current text and version),
    withdraws the others (rows kept). Returns (given, withdrawn) purposes."""
    unknown = set(purposes) - set(PARTICIPANT_OPTIONAL_PURPOSES)
    if unknown:
        raise ValueError(f"not optional consents: {sorted(unknown)}")
    given, withdrawn = [], []
    with transaction.atomic():
        # The person's row lock: two submissions of the page do not both give.
        Participant.objects.select_for_update().filter(pk=participant.pk).first()
        active = privacy.consents_active(participant.consents)
        for purpose in PARTICIPANT_OPTIONAL_PURPOSES:
            if purpose in purposes and purpose not in active:
                privacy.consent_give(participant.consents, purpose=purpose, language=language)
                given.append(purpose)
            elif purpose not in purposes and purpose in active:
                privacy.consent_withdraw(participant.consents, purpose=purpose)
                withdrawn.append(purpose)
    return given, withdrawn
