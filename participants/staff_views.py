"""Staff pages: the dashboard, the attendance sheet of a session and its printable PDF,
a training's certificates.

Coordinators only. Attendance is marked and certificates are issued, decided
and revoked through ``participants.services``, like everywhere else; the pages
work without JavaScript.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from courses import selectors as course_selectors
from courses.models import Session, Training
from participants import selectors, services
from participants.certificates import certificate_file_response
from participants.models import Certificate, Registration
from rtcm.core.access import role_required, staff_required
from rtcm.core.errors import DomainError
from rtcm.core.pdf import is_rtl, render_pdf
from rtcm.core.roles import COORDINATOR

PENDING_LIST_LENGTH = 20


coordinator_required = role_required(COORDINATOR)


# --- dashboard ---------------------------------------------------------------------


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
    pending = selectors.registrations_pending()
    context = {
        "month": month,
        "previous_month": previous_month,
        "next_month": next_month,
        "weekdays": [WEEKDAYS_ABBR[day] for day in range(7)],
        "weeks": _month_calendar(month),
        "pending_count": pending.count(),
        "pending": list(pending[:PENDING_LIST_LENGTH]),
        "trainings": list(selectors.training_list_staff_current()),
    }
    return render(request, "participants/staff/dashboard.html", context)


# --- attendance ----------------------------------------------------------------------


def _session_or_404(pk: int, *, with_trainers: bool = False) -> Session:
    queryset = Session.objects.select_related("training")
    if with_trainers:
        queryset = queryset.prefetch_related("trainers")
    return get_object_or_404(queryset, pk=pk)


def _counts(rows: list[Registration]) -> dict[str, int]:
    """Present, absent and unmarked among the rows the page shows anyway."""
    marks = [row.present for row in rows]
    return {
        "present": marks.count(True),
        "absent": marks.count(False),
        "unmarked": marks.count(None),
    }


@never_cache
@coordinator_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(pk)
    sheet_url = reverse("staff:attendance_sheet", kwargs={"pk": session.pk})
    if request.method == "POST":
        if request.POST.get("all") == "1":
            marked = services.attendance_mark_all_present(session=session, actor=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)d person marked present.", "%(count)d people marked present.", marked
                )
                % {"count": marked},
            )
            return redirect(sheet_url)
        person, present = request.POST.get("person", ""), request.POST.get("present")
        if not person.isdigit() or present not in ("0", "1"):
            return HttpResponseBadRequest(_("Choose a person and present or absent."))
        registration = get_object_or_404(
            Registration.objects.select_related("participant"), pk=int(person)
        )
        try:
            services.attendance_mark(
                session=session,
                registration=registration,
                present=present == "1",
                actor=request.user,
            )
        except DomainError as error:
            messages.error(request, f"{registration.participant}: {error.message}")
        return redirect(f"{sheet_url}#r{registration.pk}")
    rows = selectors.session_attendance_sheet(session=session)
    context = {"session": session, "rows": rows, "counts": _counts(rows)}
    return render(request, "participants/staff/attendance_sheet.html", context)


@never_cache
@coordinator_required
@require_GET
def sign_in_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable A4 sign-in sheet: one row and a signature box per confirmed person."""
    session = _session_or_404(pk, with_trainers=True)
    rows = selectors.session_attendance_sheet(session=session)
    for row in rows:
        row.name_is_rtl = is_rtl(row.participant.full_name)
        row.organisation_is_rtl = is_rtl(row.participant.organisation)
    html = render_to_string(
        "participants/staff/sign_in_sheet.html",
        {
            "CENTER_NAME": settings.CENTER_NAME,
            "session": session,
            "training": session.training,
            "trainers": list(session.trainers.all()),
            "rows": rows,
        },
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-{session.pk}.pdf"'
    return response


# --- certificates ----------------------------------------------------------------------

# The decision buttons and what they ask the service for ("" = the attendance rule).
CERTIFICATE_DECISIONS = {"grant": "grant", "withhold": "withhold", "rule": ""}


def _certificate_rows(training: Training) -> list[Registration]:
    """The training's confirmed registrations with attendance, eligibility and certificate.

    Five queries whatever the number of people: the rows (with participant,
    certificate and decision maker) and the three of the eligibility rule.
    """
    rows = list(
        selectors.training_registrations_with_attendance(training=training)
        .filter(status=Registration.Status.CONFIRMED)
        .select_related("certificate", "certificate_override_by")
    )
    eligibility = selectors.training_certificate_eligibility(training=training)
    for row in rows:
        row.eligibility = eligibility.get(row.pk)
        row.issued = getattr(row, "certificate", None)
    return rows


def _certificate_summary(rows: list[Registration]) -> dict[str, int]:
    certificates = [row.issued for row in rows if row.issued is not None]
    return {
        "people": len(rows),
        "eligible": sum(1 for row in rows if row.eligibility and row.eligibility.eligible),
        "issued": len(certificates),
        "rendered": sum(1 for c in certificates if c.pdf and not c.is_revoked),
        "revoked": sum(1 for c in certificates if c.is_revoked),
    }


@never_cache
@coordinator_required
@require_http_methods(["GET", "POST"])
def training_certificates(request: HttpRequest, slug: str) -> HttpResponse:
    """Who may have a certificate, the staff's decisions, and the certificates issued."""
    training = get_object_or_404(Training, slug=slug)
    if request.method == "POST":
        return _certificates_action(request, training)
    rows = _certificate_rows(training)
    context = {
        "training": training,
        "rows": rows,
        "summary": _certificate_summary(rows),
    }
    return render(request, "participants/staff/certificates.html", context)


def _certificates_action(request: HttpRequest, training: Training) -> HttpResponse:
    page_url = reverse("staff:training_certificates", kwargs={"slug": training.slug})
    action = request.POST.get("action", "")
    if action == "issue_all":
        job = services.certificates_issue_for_training(training=training, actor=request.user)
        messages.success(request, _("The certificates are being issued."))
        return redirect("staff:job", pk=job.pk)
    if action == "zip":
        job = services.certificates_zip_for_training(training=training, actor=request.user)
        messages.success(request, _("The ZIP of the certificates is being made."))
        return redirect("staff:job", pk=job.pk)
    if action not in ("issue", "reissue", "revoke", *CERTIFICATE_DECISIONS):
        return HttpResponseBadRequest(_("Choose an action."))
    person = request.POST.get("registration", "")
    if not person.isdigit():
        return HttpResponseBadRequest(_("Choose a person."))
    registration = get_object_or_404(
        Registration.objects.select_related("participant", "training"),
        pk=int(person),
        training=training,
    )
    name = registration.participant.full_name
    reason = request.POST.get("reason", "")
    try:
        if action in ("issue", "reissue"):
            certificate = services.certificate_issue(
                registration=registration, actor=request.user, force=action == "reissue"
            )
            messages.success(
                request,
                _("%(name)s: certificate %(serial)s is ready.")
                % {"name": name, "serial": certificate.serial},
            )
        elif action == "revoke":
            certificate = Certificate.objects.filter(registration=registration).first()
            if certificate is None:
                raise Http404
            services.certificate_revoke(certificate=certificate, reason=reason, actor=request.user)
            messages.success(
                request,
                _("%(name)s: certificate %(serial)s is revoked.")
                % {"name": name, "serial": certificate.serial},
            )
        else:
            services.registration_decide_certificate(
                registration=registration,
                decision=CERTIFICATE_DECISIONS[action],
                reason=reason,
                actor=request.user,
            )
            messages.success(request, _("%(name)s: decision saved.") % {"name": name})
    except DomainError as error:
        messages.error(request, f"{name}: {error.message}")
    return redirect(f"{page_url}#r{registration.pk}")


@never_cache
@coordinator_required
@require_GET
def certificate_pdf(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    """A certificate's PDF for the staff, revoked or not (the public link refuses revoked)."""
    certificate = get_object_or_404(
        Certificate.objects.select_related("registration__training"),
        pk=pk,
        registration__training__slug=slug,
    )
    return certificate_file_response(certificate)
