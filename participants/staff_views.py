"""Per-training staff pages: the attendance sheet of a session and its printable PDF,
a training's certificates (the dashboard is the top's: ``rtcm.staff``).

Coordinators act on the trainings they coordinate; managers read every training's
pages (``rtcm.core.access``: anyone else gets 404 for the training).
Attendance is marked and certificates are issued, decided
and revoked through ``participants.services``, like everywhere else; the pages
work without JavaScript.
"""

from __future__ import annotations

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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from courses.access import session_for_user_or_404, training_for_user_or_404
from courses.models import Session, Training
from participants import selectors, services
from participants.certificates import certificate_file_response
from participants.models import Certificate, Registration
from participants.names import latin_full_name
from rtcm.core import audit
from rtcm.core.access import CHANGE, VIEW, training_staff_required
from rtcm.core.center import center_name
from rtcm.core.errors import DomainError
from rtcm.core.pdf import is_rtl, render_pdf
from rtcm.core.storage import content_disposition

coordinator_required = training_staff_required  # and each view scopes its training


# --- attendance ----------------------------------------------------------------------


def _session_or_404(request: HttpRequest, pk: int, *, with_trainers: bool = False) -> Session:
    queryset = Session.objects.select_related("training")
    if with_trainers:
        queryset = queryset.prefetch_related("trainers")
    action = VIEW if request.method in ("GET", "HEAD") else CHANGE
    return session_for_user_or_404(request.user, pk, action=action, queryset=queryset)


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
    session = _session_or_404(request, pk)
    sheet_url = reverse("staff:attendance_sheet", kwargs={"pk": session.pk})
    if request.method == "POST":
        if request.POST.get("all") == "1":
            try:
                marked = services.attendance_mark_all_present(session=session, actor=request.user)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect(sheet_url)
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
            Registration.objects.select_related("participant"),
            pk=int(person),
            training=session.training,
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
    context = {
        "session": session,
        "rows": rows,
        "counts": _counts(rows),
        "started": services.session_has_started(session),
    }
    return render(request, "participants/staff/attendance_sheet.html", context)


@never_cache
@coordinator_required
@require_GET
def sign_in_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable A4 sign-in sheet: one row and a signature box per confirmed person."""
    session = _session_or_404(request, pk, with_trainers=True)
    rows = selectors.session_attendance_sheet(session=session)
    for row in rows:
        row.name_is_rtl = is_rtl(row.participant.full_name)
        row.latin_name = latin_full_name(row.participant)  # beside the name as written
        row.organisation_is_rtl = is_rtl(row.participant.organisation)
    html = render_to_string(
        "participants/staff/sign_in_sheet.html",
        {
            "CENTER_NAME": center_name(),
            "session": session,
            "training": session.training,
            "trainers": list(session.trainers.all()),
            "rows": rows,
        },
    )
    audit.audit_event(request, audit.Kind.DOWNLOAD, obj=session, summary="sign-in sheet")
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"sign-in-{session.pk}.pdf", as_attachment=False
    )
    return response


# --- certificates ----------------------------------------------------------------------

# The decision buttons and what they ask the service for ("" = the attendance rule).
CERTIFICATE_DECISIONS = {"grant": "grant", "withhold": "withhold", "rule": ""}


def _certificate_rows(training: Training) -> list[Registration]:
    """The training's confirmed registrations with attendance, eligibility and certificate.

    One query whatever the number of people: the rows (with participant,
    certificate and decision maker), annotated with the eligibility rule.
    """
    confirmed = (
        Registration.objects.filter(training=training, status=Registration.Status.CONFIRMED)
        .select_related("participant", "certificate", "certificate_override_by")
        .order_by("participant__family_name", "participant__given_name", "pk")
    )
    rows = list(selectors.registrations_annotate_eligibility(confirmed, training=training))
    for row in rows:
        row.eligibility = selectors.registration_eligibility(row)
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
    action = CHANGE if request.method == "POST" else VIEW
    training = training_for_user_or_404(request.user, slug, action=action)
    if request.method == "POST":
        return _certificates_action(request, training)
    rows = _certificate_rows(training)
    context = {
        "training": training,
        "rows": rows,
        "summary": _certificate_summary(rows),
        "ended": training.has_ended(),
    }
    return render(request, "participants/staff/certificates.html", context)


def _certificates_action(request: HttpRequest, training: Training) -> HttpResponse:
    page_url = reverse("staff:training_certificates", kwargs={"slug": training.slug})
    action = request.POST.get("action", "")
    early_reason = request.POST.get("early_reason", "")
    if action == "issue_all":
        try:
            job = services.certificates_issue_for_training(
                training=training, actor=request.user, early_reason=early_reason
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(page_url)
        messages.success(request, _("The certificates are being issued."))
        return redirect("jobs:detail", pk=job.pk)
    if action == "zip":
        job = services.certificates_zip_for_training(training=training, actor=request.user)
        messages.success(request, _("The ZIP of the certificates is being made."))
        return redirect("jobs:detail", pk=job.pk)
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
                registration=registration,
                actor=request.user,
                force=action == "reissue",
                early_reason=early_reason,
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
    training = training_for_user_or_404(request.user, slug, action=VIEW)
    certificate = get_object_or_404(
        Certificate.objects.select_related("registration__training"),
        pk=pk,
        registration__training=training,
    )
    audit.audit_event(request, audit.Kind.DOWNLOAD, obj=certificate, summary="certificate PDF")
    return certificate_file_response(certificate)
