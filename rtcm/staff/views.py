"""The staff dashboard: the month calendar of trainings and sessions, pending approvals,
the current trainings' figures.

It reads across the apps, so it stands at the top of the house (``rtcm.staff``);
per-training pages stay with the app they belong to.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from courses import selectors as course_selectors
from courses.access import trainings_for_user
from courses.models import Training
from participants import selectors
from rtcm.core.access import VIEW, scope_to_trainings, staff_required, user_has_any_role
from rtcm.core.roles import COORDINATOR, EXPERT_NETWORK_ROLES, MANAGER

PENDING_LIST_LENGTH = 20


def _month_from(value: str | None) -> dt.date:
    """The first day of ``?month=YYYY-MM``; this month when missing or malformed."""
    try:
        month = dt.datetime.strptime(value or "", "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return timezone.localdate().replace(day=1)
    if not 1 < month.year < 9999:  # keep the previous and next months representable
        return timezone.localdate().replace(day=1)
    return month


def _month_calendar(month: dt.date) -> list[list[dict]]:
    """Weeks of days (Monday first) around ``month``, each with its trainings and sessions."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    first, last = weeks[0][0], weeks[-1][-1]
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    sessions_by_day = defaultdict(list)
    for session in course_selectors.calendar_sessions(start=start, end=end):
        sessions_by_day[timezone.localdate(session.starts_at)].append(session)
    trainings_by_day = defaultdict(list)
    for training in course_selectors.calendar_trainings(first=first, last=last):
        day = max(training.start_date, first)
        while day <= min(training.end_date, last):
            trainings_by_day[day].append(training)
            day += dt.timedelta(days=1)
    today = timezone.localdate()
    return [
        [
            {
                "date": day,
                "in_month": day.month == month.month,
                "is_today": day == today,
                "trainings": trainings_by_day[day],
                "sessions": sessions_by_day[day],
            }
            for day in week
        ]
        for week in weeks
    ]


@never_cache
@staff_required  # every staff member sees the overview; acting on it needs the role
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    month = _month_from(request.GET.get("month"))
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    # People awaiting approval, of the trainings the person may view (``rtcm.core.access``).
    pending = scope_to_trainings(
        request.user,
        selectors.registrations_pending(),
        action=VIEW,
        path="training__coordinators",
    )
    weeks = _month_calendar(month)
    # The calendar is the center's (titles are no secret); a session's sheet is linked only
    # for the trainings the person may open.
    sessions = [session for week in weeks for day in week for session in day["sessions"]]
    may_open = set(
        trainings_for_user(
            request.user,
            action=VIEW,
            queryset=Training.objects.filter(pk__in={s.training_id for s in sessions}),
        ).values_list("pk", flat=True)
        if sessions
        else []
    )
    for session in sessions:
        session.sheet_open = session.training_id in may_open
    runs_trainings = user_has_any_role(request.user, (COORDINATOR, MANAGER))
    context = {
        "runs_trainings": runs_trainings,
        "may_match": user_has_any_role(request.user, EXPERT_NETWORK_ROLES),
        "month": month,
        "previous_month": previous_month,
        "next_month": next_month,
        "weekdays": [WEEKDAYS_ABBR[day] for day in range(7)],
        "weeks": weeks,
        # The phone's list of the month: its days that have a training or a session.
        "busy_days": [
            day
            for week in weeks
            for day in week
            if day["in_month"] and (day["trainings"] or day["sessions"])
        ],
        "pending_count": pending.count() if runs_trainings else 0,
        "pending": list(pending[:PENDING_LIST_LENGTH]) if runs_trainings else [],
        "trainings": list(
            trainings_for_user(
                request.user, action=VIEW, queryset=selectors.training_list_staff_current()
            )
        )
        if runs_trainings
        else [],
    }
    return render(request, "staff/dashboard.html", context)
