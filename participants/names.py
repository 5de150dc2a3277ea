"""A person's name in Latin letters, and the name a certificate prints.

People write their name in their own script (Cyrillic, Arabic, Georgian,
Armenian, Azerbaijani with ə …); they may add it in Latin letters as in their
passport, for badges, for certificates when they ask, and so that staff find
them by it. Their own spelling is never replaced: the Latin one sits beside it.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rtcm.core.people import validate_person_name

# What a person may give besides ``PERSON_FIELDS``: the form, the API and the service.
CERTIFICATE_NAME_FIELDS = ["given_name_latin", "family_name_latin", "name_on_certificate"]

# Not letters, yet part of names written in Latin letters: "Jean-Luc", "O'Neil", "Jr.".
_LATIN_NAME_PUNCTUATION = frozenset(" -'’.")


def is_latin_name(value: str) -> bool:
    """Latin letters only (with their accents and the Azerbaijani ə), and the
    spaces, hyphens, apostrophes and full stops names use."""
    for char in value:
        if char in _LATIN_NAME_PUNCTUATION:
            continue
        if unicodedata.category(char).startswith("M"):  # a combining accent
            continue
        if not char.isalpha() or not unicodedata.name(char, "").startswith("LATIN "):
            return False
    return True


def validate_latin_name(value: str) -> None:
    """The name rule (``rtcm.core.people``), then Latin letters only."""
    validate_person_name(value)
    if not is_latin_name(value):
        raise ValidationError(
            _("Please write this name in Latin letters (A–Z), as in your passport."),
            code="not_latin",
        )


def latin_full_name(participant) -> str:
    return f"{participant.given_name_latin} {participant.family_name_latin}".strip()


def certificate_name_lines(participant) -> list[str]:
    """The name a certificate prints, as the person chose: as written, in Latin
    letters, or both (as written above, Latin below). Without a Latin name, or with
    one equal to the name as written, the name as written alone."""
    native = participant.full_name
    latin = latin_full_name(participant)
    choice = participant.name_on_certificate
    if not latin or latin == native or choice == participant.NameOnCertificate.AS_WRITTEN:
        return [native]
    if choice == participant.NameOnCertificate.LATIN:
        return [latin]
    return [native, latin]
