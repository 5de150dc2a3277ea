"""The checks of a person's name and phone number, for participants and experts alike.

One rule each, as model field validators (``Participant`` and ``Expert``): every
door — public forms, the staff API, the admin, imports, the demo — runs them
through ``full_clean()`` or model-form validation. The forms also tidy the
value first (``normalise_person_name``, ``normalise_phone_number``).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_PATTERN = re.compile(r"\+?[0-9 ()\-.]{5,30}")
NAME_FORBIDDEN = frozenset("<>{}[]@/\\")


def normalise_person_name(value: str) -> str:
    return " ".join(value.split())


def normalise_phone_number(value: str) -> str:
    return value.strip()


def validate_person_name(value: str) -> None:
    """Names in any script; refuse only text that cannot be a name (digits, markup)."""
    if any(ch.isdigit() for ch in value) or any(ch in NAME_FORBIDDEN for ch in value):
        raise ValidationError(
            _("Please enter a name without digits or symbols."), code="invalid_name"
        )


def validate_phone_number(value: str) -> None:
    """A phone number as people write it: digits, spaces, + ( ) - ., 5 to 30 of them."""
    if value and not PHONE_PATTERN.fullmatch(value.strip()):
        raise ValidationError(
            _("Please enter a phone number with digits only, e.g. +998 71 123 45 67."),
            code="invalid_phone",
        )
