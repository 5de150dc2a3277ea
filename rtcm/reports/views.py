"""The staff's reports page: pick a report, start it as a job, see the recent ones.

Open to managers (every report) and to the coordinators of a training (its
report); other staff get 403. Starting goes through ``services.report_start``,
which checks the access again.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from rtcm.core.access import staff_required
from rtcm.core.jobs import jobs_for_user
from rtcm.core.reauth import authentication_is_recent, reauthentication_redirect
from rtcm.reports.forms import ReportForm
from rtcm.reports.services import (
    PERSONAL_DATA_KINDS,
    REPORT_JOB,
    report_kinds_for,
    report_start,
)

RECENT_JOBS = 10


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    if not report_kinds_for(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if form.report_request.kind in PERSONAL_DATA_KINDS and not authentication_is_recent(
            request
        ):
            return reauthentication_redirect(request)
        job = report_start(request=form.report_request, user=request.user)
        return redirect("jobs:detail", pk=job.pk)
    recent = list(jobs_for_user(user=request.user).filter(kind=REPORT_JOB)[:RECENT_JOBS])
    status = 400 if form.errors else 200
    return render(
        request, "reports/staff/index.html", {"form": form, "jobs": recent}, status=status
    )
