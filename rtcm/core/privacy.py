"""Consent: what a person is asked to agree to, and the one rule to give and withdraw it.

``CONSENT_TEXTS`` is the one table of purposes: each has its current version and
the text the forms show (lazy, so it reads in the language of the page). A
form labels its checkbox with ``consent_text(purpose).text``; the service that
handles the form records what was agreed with ``consent_give``, which stores
the text as the person read it (its language, its version, the time). Changing
a text's words means a new version here: records keep the words they were
given for.

``consent_give`` and ``consent_withdraw`` take the owner's related manager of
consent records (``participant.consents``, ``expert.consent_records``): it
carries both the concrete model and whose records they are. A withdrawal
stamps ``withdrawn_at`` and keeps the row, so the center can always show what
was agreed to, when, and when it ended.

The privacy notice (``/privacy/``) lists these texts and versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rtcm.core.models import ConsentRecord

Purpose = ConsentRecord.Purpose

# The version of records made from the single consent time stamp kept before
# consent records existed (the migrations' data step).
LEGACY_VERSION = "legacy"


@dataclass(frozen=True)
class ConsentText:
    purpose: str
    version: str
    text: Promise  # the checkbox's label, lazy
    # Optional consents may be given or withdrawn by the person at any time
    # without leaving the center; a required one is withdrawn by an erasure.
    optional: bool

    @property
    def label(self) -> str:
        return str(Purpose(self.purpose).label)


CONSENT_TEXTS: dict[str, ConsentText] = {
    entry.purpose: entry
    for entry in (
        ConsentText(
            Purpose.REGISTRATION,
            "2026-12",
            _(
                "I agree that the center stores these details to organise the training "
                "and issue my certificate."
            ),
            optional=False,
        ),
        ConsentText(
            Purpose.PHOTO,
            "2026-12",
            _(
                "I agree that the center may take photos and videos of me at its trainings "
                "and show them in its reports, on its website and in its social media. "
                "I can withdraw this consent at any time."
            ),
            optional=True,
        ),
        ConsentText(
            Purpose.NEWSLETTER,
            "2026-12",
            _(
                "I would like to receive the center's newsletter about its trainings and "
                "publications by e-mail. I can unsubscribe at any time."
            ),
            optional=True,
        ),
        ConsentText(
            Purpose.EXPERT_PROFILE,
            "2026-12",
            _(
                "I agree that the center keeps these details to review my application and, once "
                "it is accepted, shows a public profile in the expert directory: my name, photo, "
                "position, organisation, country, expertise, languages and biography — never my "
                "e-mail, phone or CV. I can withdraw this consent at any time."
            ),
            optional=True,
        ),
        ConsentText(
            Purpose.VOLUNTEERING,
            "2026-12",
            _(
                "I agree that the center keeps these details to review my application to the "
                "Migration Volunteers and, once it is accepted, to assign me to its trainings "
                "and events, record my hours and issue my certificates of service. They are "
                "never published. I can ask for them to be erased at any time."
            ),
            optional=False,
        ),
    )
}

# Stored instead of the form's text when a partner agency collected the consent
# (participants imported from its list): the person never saw our form.
AGENCY_TEXT = _(
    "Collected by the sending agency, which sent the person's details to the center "
    "with their consent to: %(text)s"
)


def consent_text(purpose: str) -> ConsentText:
    return CONSENT_TEXTS[purpose]


def consent_give(
    records: models.Manager,
    *,
    purpose: str,
    language: str | None = None,
    at: datetime | None = None,
    by_agency: bool = False,
    again: bool = True,
) -> ConsentRecord | None:
    """Record that the owner of ``records`` agreed to ``purpose``'s current text.

    The text is stored as it reads in ``language`` (default: the active one,
    i.e. the page's), with its version and the time. With ``again=False`` a
    consent already active at the current version records nothing (and returns
    None): ticking a box that is ticked changes nothing.
    """
    entry = consent_text(purpose)
    current = records.filter(purpose=purpose, version=entry.version, withdrawn_at__isnull=True)
    if not again and current.exists():
        return None
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        text = str(entry.text)
        if by_agency:
            text = str(AGENCY_TEXT) % {"text": text}
    return records.create(
        purpose=purpose,
        version=entry.version,
        text=text,
        language=language,
        given_at=at or timezone.now(),
    )


def consent_withdraw(records: models.Manager, *, purpose: str, at: datetime | None = None) -> int:
    """Withdraw the owner's active consents for ``purpose``; the rows stay. Returns how many."""
    return records.filter(purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=at or timezone.now()
    )


def consents_active(records: models.Manager) -> set[str]:
    """The purposes the owner of ``records`` consents to now (any version)."""
    return set(records.filter(withdrawn_at__isnull=True).values_list("purpose", flat=True))
