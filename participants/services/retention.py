"""Retention: what the center stops keeping about participants, and when (beat, nightly).

Two rules, each set in days or years in settings (0 turns one off); which rows
they reach is ``participants.selectors``' (``…_past_retention``):

- ``RTCM_RETAIN_UNATTENDED_REGISTRATIONS_DAYS``: the answers of registrations
  nobody attended are deleted that long after their training ended; the
  registration rows stay, so counts and reports keep their figures;
- ``RTCM_RETAIN_INACTIVE_PARTICIPANTS_YEARS``: a person with no training for that
  long is anonymised by the erasure (``participants.services.privacy``).

Safe to run twice: a second run finds nothing left to do.
"""

from __future__ import annotations

import datetime as dt
import logging

from participants import selectors
from participants.models import Answer, Participant
from participants.services.privacy import AlreadyErased, participant_erase

logger = logging.getLogger(__name__)


def registrations_forget_unattended_answers(*, today: dt.date | None = None) -> int:
    """Delete the answers of unattended registrations past retention. Returns how many."""
    registrations = selectors.registrations_unattended_past_retention(today=today)
    deleted, _by_model = Answer.objects.filter(registration__in=registrations).delete()
    return deleted


def participants_erase_inactive(*, today: dt.date | None = None) -> int:
    """Anonymise the people inactive past retention, one transaction each. Returns how many."""
    ids = list(
        selectors.participants_inactive_past_retention(today=today).values_list("pk", flat=True)
    )
    erased = 0
    for pk in ids:
        try:
            participant_erase(participant=Participant.objects.get(pk=pk), by=None)
        except AlreadyErased:  # erased meanwhile, on request
            continue
        erased += 1
    return erased


def participants_apply_retention(*, today: dt.date | None = None) -> dict[str, int]:
    """Both rules, answers first. Returns the counts, by rule."""
    result = {
        "answers_deleted": registrations_forget_unattended_answers(today=today),
        "participants_erased": participants_erase_inactive(today=today),
    }
    logger.info("participants retention: %s", result)
    return result
