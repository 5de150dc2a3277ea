"""Session times in the venue's time zone, with the zone named beside them.

A training's sessions happen at the venue's clock (``Training.time_zone``; an online
training: the organisers'), so every reader — in Amman, in Bishkek, on an English or an
Arabic page — reads the same "Sun 14 Feb, 10:00–13:00 (Bishkek time, UTC+6)". Staff enter
the times in that zone too (``courses.forms.SessionForm``). Stored times stay UTC; the
iCalendar feeds carry UTC (``courses.calendar``), which every client shows in its own zone.

On an Arabic page the text is left to the bidirectional algorithm, as an Arabic writer's
own: "10:00–13:00" reads from the right, 10:00 first; "UTC+6" stays one left-to-right run.

Pages write ``{% load session_times %}`` and ``{% session_when session %}`` (or
``session_day`` / ``session_hours``); Python calls ``session_times(session)``.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import pgettext, pgettext_lazy

from rtcm.core.dates import format_local

# The cities of the region's time zones, in each language (any other zone: its English name,
# from the zone's id). Kept as literals so that makemessages finds them.
CITY_NAMES = {
    "Africa/Cairo": pgettext_lazy("time zone city", "Cairo"),
    "Asia/Almaty": pgettext_lazy("time zone city", "Almaty"),
    "Asia/Amman": pgettext_lazy("time zone city", "Amman"),
    "Asia/Ashgabat": pgettext_lazy("time zone city", "Ashgabat"),
    "Asia/Baghdad": pgettext_lazy("time zone city", "Baghdad"),
    "Asia/Baku": pgettext_lazy("time zone city", "Baku"),
    "Asia/Beirut": pgettext_lazy("time zone city", "Beirut"),
    "Asia/Bishkek": pgettext_lazy("time zone city", "Bishkek"),
    "Asia/Damascus": pgettext_lazy("time zone city", "Damascus"),
    "Asia/Dubai": pgettext_lazy("time zone city", "Dubai"),
    "Asia/Dushanbe": pgettext_lazy("time zone city", "Dushanbe"),
    "Asia/Kabul": pgettext_lazy("time zone city", "Kabul"),
    "Asia/Riyadh": pgettext_lazy("time zone city", "Riyadh"),
    "Asia/Tashkent": pgettext_lazy("time zone city", "Tashkent"),
    "Asia/Tbilisi": pgettext_lazy("time zone city", "Tbilisi"),
    "Asia/Tehran": pgettext_lazy("time zone city", "Tehran"),
    "Asia/Yerevan": pgettext_lazy("time zone city", "Yerevan"),
    "Europe/Berlin": pgettext_lazy("time zone city", "Berlin"),
    "Europe/Brussels": pgettext_lazy("time zone city", "Brussels"),
    "Europe/Chisinau": pgettext_lazy("time zone city", "Chisinau"),
    "Europe/Istanbul": pgettext_lazy("time zone city", "Istanbul"),
    "Europe/Kyiv": pgettext_lazy("time zone city", "Kyiv"),
    "Europe/Minsk": pgettext_lazy("time zone city", "Minsk"),
    "Europe/Moscow": pgettext_lazy("time zone city", "Moscow"),
    "Europe/Vienna": pgettext_lazy("time zone city", "Vienna"),
}
CITY_NAMES["Europe/Kiev"] = CITY_NAMES["Europe/Kyiv"]  # the older id of the same zone
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal"})


@functools.cache
def zone(zone_id: str | None) -> zoneinfo.ZoneInfo:
    """The zone called ``zone_id``; the center's (``TIME_ZONE``) when none is given, or
    when the id is unknown (``Training.clean`` refuses one; a page still shows a time)."""
    try:
        return zoneinfo.ZoneInfo(zone_id or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def venue_zone(training) -> zoneinfo.ZoneInfo:
    """The time zone of ``training``'s venue (its sessions' clock)."""
    return zone(getattr(training, "time_zone", None))


def zone_city(zone_id: str) -> str:
    """The city that names ``zone_id`` in the reader's language ("Asia/Bishkek": "Bishkek",
    "Бишкек", "Bişkek", "بشكيك"); a zone outside the region: the last part of its id."""
    if zone_id in CITY_NAMES:
        return str(CITY_NAMES[zone_id])
    return zone_id.rsplit("/", 1)[-1].replace("_", " ")


def utc_offset_text(tz: dt.tzinfo, at: dt.datetime) -> str:
    """ "UTC+4", "UTC+5:30", "UTC-3", "UTC": ``tz``'s offset at the moment ``at``
    (so a zone with summer time gives each date its own)."""
    offset = at.astimezone(tz).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone_id: str | None, at: dt.datetime) -> str:
    """How a time zone is named beside a time: "Baku time, UTC+4", at the moment ``at``."""
    zone_id = zone_id or settings.TIME_ZONE
    offset = utc_offset_text(zone(zone_id), at)
    if zone_id in UTC_ZONES:
        return offset
    return pgettext("time zone", "%(city)s time, %(offset)s") % {
        "city": zone_city(zone_id),
        "offset": offset,
    }


@dataclass(frozen=True)
class SessionTimes:
    """A session's times as the venue's clock shows them, each part ready to print."""

    starts: dt.datetime  # in the venue's zone
    ends: dt.datetime
    day: str  # "Sun 14 Feb"
    hours: str  # "10:00–13:00"
    zone: str  # "Bishkek time, UTC+6"

    @property
    def hours_with_zone(self) -> str:
        return pgettext("session times", "%(hours)s (%(zone)s)") % {
            "hours": self.hours,
            "zone": self.zone,
        }

    def __str__(self) -> str:
        return pgettext("session times", "%(day)s, %(hours)s (%(zone)s)") % {
            "day": self.day,
            "hours": self.hours,
            "zone": self.zone,
        }


def session_times_of(
    starts_at: dt.datetime, ends_at: dt.datetime, zone_id: str | None
) -> SessionTimes:
    """The times from ``starts_at`` to ``ends_at`` on the clock of ``zone_id``."""
    tz = zone(zone_id)
    starts, ends = timezone.localtime(starts_at, tz), timezone.localtime(ends_at, tz)
    start_time = format_local(starts, "TIME_FORMAT", tz)
    end_time = format_local(ends, "TIME_FORMAT", tz)
    if ends.date() == starts.date():
        hours = f"{start_time}–{end_time}"
    else:  # past midnight: the end's day too
        end_day = format_local(ends, "SESSION_DATE_FORMAT", tz)
        hours = f"{start_time} – {end_day}, {end_time}"
    return SessionTimes(
        starts=starts,
        ends=ends,
        day=format_local(starts, "SESSION_DATE_FORMAT", tz),
        hours=hours,
        zone=zone_label(zone_id, starts_at),
    )


def session_times(session, training=None) -> SessionTimes:
    """``session``'s times at its venue (``training``: the session's, when the caller holds
    it already; otherwise ``session.training``, which a selector should have loaded)."""
    training = training or session.training
    return session_times_of(session.starts_at, session.ends_at, training.time_zone)
