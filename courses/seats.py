"""Seats taken on a training, asked of the app that keeps the registrations.

Courses sits below participants, so it cannot count registrations itself (not
even through ``apps.get_model``). Participants registers a ``SeatCounter`` when
its app is ready (``participants.apps``); pages, API and services of courses ask
through the two functions below. With no counter registered (participants not
installed) they fail loudly rather than show every training as empty.
"""

from __future__ import annotations

from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest

from courses.models import Training


class SeatCounter(Protocol):
    def seats_taken(self, *, training: Training) -> int:
        """Confirmed seats of one training (one query)."""

    def annotate_seats(self, queryset: QuerySet[Training]) -> QuerySet[Training]:
        """The queryset annotated with ``seats_taken`` (confirmed) and ``waitlist_length``."""


_counter: SeatCounter | None = None


def seat_counter_register(counter: SeatCounter) -> None:
    """Called once by the app that keeps registrations (``participants.apps``)."""
    global _counter
    _counter = counter


def _registered() -> SeatCounter:
    if _counter is None:
        raise ImproperlyConfigured(
            "No seat counter registered: courses.seats needs the participants app."
        )
    return _counter


def seats_taken(*, training: Training) -> int:
    """Confirmed seats of ``training``. Under a lock, call it after locking the row."""
    return _registered().seats_taken(training=training)


def annotate_seats(queryset: QuerySet[Training]) -> QuerySet[Training]:
    """Annotate ``seats_taken``, ``waitlist_length`` and ``seats_left`` (never below 0)."""
    return (
        _registered()
        .annotate_seats(queryset)
        .annotate(seats_left=Greatest(F("capacity") - F("seats_taken"), Value(0)))
    )
