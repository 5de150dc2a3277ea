"""iCalendar (RFC 5545) feeds of trainings: one training, or the public catalogue.

Times are written in UTC (``...Z``), so a feed needs no VTIMEZONE block and every
client shows the sessions in its own time zone. UIDs are derived from primary
keys, so a client that subscribes updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from courses.models import Session, Training

PRODID = "-//RTCM//Regional Training Center on Migration//EN"


def _new_calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    return calendar


def _training_url(training: Training) -> str:
    return f"{settings.SITE_URL}{training.get_absolute_url()}"


def _location(training: Training, session: Session | None, *, private: bool) -> str:
    """The room and venue; for an online training its link only in a registrant's copy.

    Public feeds never carry the meeting link: it is for confirmed people.
    """
    if training.is_online:
        return training.online_url if private else gettext("Online")
    parts = [session.room if session else "", training.venue_city]
    if training.venue_country:
        parts.append(str(training.venue_country.name))
    return ", ".join(part for part in parts if part)


def _description(training: Training, session: Session | None = None) -> str:
    lines = []
    if session is not None:
        trainers = [expert.full_name for expert in session.trainers.all()]
        if trainers:
            lines.append(gettext("Trainers: %(names)s") % {"names": ", ".join(trainers)})
    lines.append(_training_url(training))
    return "\n".join(lines)


def _event(
    training: Training,
    *,
    uid: str,
    summary: str,
    start: dt.date,
    end: dt.date,
    location: str,
    description: str,
    stamp: dt.datetime,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if location:
        event.add("location", location)
    event.add("description", description)
    event.add("url", _training_url(training))
    event.add("sequence", 0)
    cancelled = training.status == Training.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _training_events(
    training: Training, sessions: Iterable[Session], stamp: dt.datetime, *, private: bool = False
) -> list[icalendar.Event]:
    """One event per session; one all-day event over the dates if there is no agenda yet."""
    events = [
        _event(
            training,
            uid=f"session-{session.pk}@rtcm",
            summary=f"{training.title} — {session.title}",
            start=session.starts_at.astimezone(dt.UTC),
            end=session.ends_at.astimezone(dt.UTC),
            location=_location(training, session, private=private),
            description=_description(training, session),
            stamp=stamp,
        )
        for session in sessions
    ]
    if events:
        return events
    return [
        _event(
            training,
            uid=f"training-{training.pk}@rtcm",
            summary=training.title,
            start=training.start_date,
            # The end of an all-day event is exclusive: the day after the last day.
            end=training.end_date + dt.timedelta(days=1),
            location=_location(training, None, private=private),
            description=_description(training),
            stamp=stamp,
        )
    ]


def training_calendar(
    training: Training, *, sessions: Iterable[Session] | None = None, private: bool = False
) -> icalendar.Calendar:
    """The calendar of one training; ``sessions`` defaults to its (prefetched) sessions.

    ``private`` (the copy mailed to a confirmed person) includes the online link.
    Trainers are read with ``session.trainers.all()``: prefetch them.
    """
    sessions = training.sessions.all() if sessions is None else sessions
    calendar = _new_calendar(training.title)
    for event in _training_events(training, sessions, timezone.now(), private=private):
        calendar.add_component(event)
    return calendar


def catalogue_calendar(trainings: Iterable[Training]) -> icalendar.Calendar:
    """The sessions of ``trainings``, which must come with ``sessions__trainers`` prefetched."""
    calendar = _new_calendar(gettext("RTCM trainings"))
    stamp = timezone.now()
    for training in trainings:
        for event in _training_events(training, training.sessions.all(), stamp):
            calendar.add_component(event)
    return calendar


def calendar_bytes(calendar: icalendar.Calendar) -> bytes:
    return calendar.to_ical()
