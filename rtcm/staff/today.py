"""Today's sessions, for a coordinator's phone: time, room, training, and the buttons to
each session's attendance sheet and printable sign-in sheet.

Only the sessions of the trainings the person may view (``courses.access``: a
coordinator's own, every one for managers and superusers); cancelled trainings are
left out, as on the dashboard's calendar.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses import selectors as course_selectors
from courses.access import sessions_for_user
from participants.services import session_has_started
from rtcm.core.access import VIEW, training_staff_required


@never_cache
@training_staff_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    day = timezone.localdate()
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    sessions = sessions_for_user(
        request.user,
        action=VIEW,
        queryset=course_selectors.calendar_sessions(start=start, end=start + dt.timedelta(days=1)),
    )
    now = timezone.now()
    rows = [
        {"session": session, "started": session_has_started(session, now=now)}
        for session in sessions
    ]
    return render(request, "staff/today.html", {"day": day, "rows": rows})
