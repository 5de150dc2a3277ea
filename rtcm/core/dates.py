"""Dates in each language's own form, beyond Django's named formats.

Django's ``|date:"DATE_FORMAT"`` (and ``SHORT_DATE_FORMAT``, ``MONTH_DAY_FORMAT``,
``YEAR_MONTH_FORMAT``, ``DATETIME_FORMAT``, ``SHORT_DATETIME_FORMAT``, ``TIME_FORMAT``)
reads the formats of ``rtcm/formats/<lang>/formats.py`` (``FORMAT_MODULE_PATH``). Three
more names are ours, read here: ``SESSION_DATE_FORMAT`` (a session's day: "Sun 14
Feb", "Вс, 14 февраля"), ``WEEKDAY_DATE_FORMAT`` (a day with its weekday: "Sunday 14
February 2027") and ``PRECISE_DATETIME_FORMAT`` (to the second: audit trails, jobs). A
template writes ``{{ day|local_date:"WEEKDAY_DATE_FORMAT" }}``
(``{% load dates %}``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat, timezone
from django.utils.formats import get_format, get_format_modules
from django.utils.translation import get_language

OUR_FORMATS = frozenset({"SESSION_DATE_FORMAT", "WEEKDAY_DATE_FORMAT", "PRECISE_DATETIME_FORMAT"})


def local_format(name: str, language: str | None = None) -> str:
    """The format called ``name`` in ``language`` (the active one by default).

    One of Django's names is Django's ``get_format``; one of ours is looked up in the
    language's format modules, then in English's; any other string is a format itself.
    """
    if name not in OUR_FORMATS:
        return get_format(name, language)
    for module in [*get_format_modules(language or get_language()), *get_format_modules("en")]:
        if hasattr(module, name):
            return getattr(module, name)
    raise LookupError(name)


def format_local(value: dt.date | dt.datetime, name: str, zone: dt.tzinfo | None = None) -> str:
    """``value`` written with the format ``name``; an aware datetime first moved into
    ``zone`` (the current time zone by default)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value, zone)
    return dateformat.format(value, local_format(name))
