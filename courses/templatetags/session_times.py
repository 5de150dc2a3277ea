"""Session times at the venue's clock, with the zone named (``courses.timezones``).

``{% session_when session %}``   Sun 14 Feb, 10:00–13:00 (Bishkek time, UTC+6)
``{% session_day session %}``    Sun 14 Feb (``session_day session "WEEKDAY_DATE_FORMAT"``)
``{% session_hours session %}``  10:00–13:00 (Bishkek time, UTC+6)
``{% session_clock session %}``  10:00–13:00, ``{% session_zone session %}`` Bishkek time, UTC+6
``{% session_starts session %}`` 10:00
``{% zone_label training %}``    Bishkek time, UTC+6 (at the training's start)

Each takes the session's training from ``session.training`` (loaded with the session:
``training.sessions.all()`` sets it, other lists ``select_related("training")``), or from
``training=`` when the page holds it.
"""

import datetime as dt

from django import template

from courses.timezones import session_times, venue_zone
from courses.timezones import zone_label as _zone_label
from rtcm.core.dates import format_local

register = template.Library()


@register.simple_tag
def session_when(session, training=None) -> str:
    return str(session_times(session, training))


@register.simple_tag
def session_day(session, format_name="SESSION_DATE_FORMAT", training=None) -> str:
    """The session's day at the venue, in a named format ("WEEKDAY_DATE_FORMAT": with the
    weekday in full)."""
    times = session_times(session, training)
    if format_name == "SESSION_DATE_FORMAT":
        return times.day
    return format_local(times.starts, format_name, times.starts.tzinfo)


@register.simple_tag
def session_hours(session, training=None) -> str:
    return session_times(session, training).hours_with_zone


@register.simple_tag
def session_clock(session, training=None) -> str:
    """The hours alone ("10:00–13:00"), where the zone is named nearby (``session_zone``)."""
    return session_times(session, training).hours


@register.simple_tag
def session_starts(session, training=None) -> str:
    """The start time alone ("10:00"): a calendar's cell."""
    times = session_times(session, training)
    return format_local(times.starts, "TIME_FORMAT", times.starts.tzinfo)


@register.simple_tag
def session_zone(session, training=None) -> str:
    """The venue's zone on the session's day ("Bishkek time, UTC+6")."""
    return session_times(session, training).zone


@register.simple_tag
def zone_label(training, at=None) -> str:
    """The zone of ``training``'s venue, its offset at ``at`` (default: the first day)."""
    if at is None:
        at = dt.datetime.combine(training.start_date, dt.time(12), tzinfo=venue_zone(training))
    return _zone_label(training.time_zone, at)
