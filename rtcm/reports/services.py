"""Reports as jobs: what may be asked, who may ask it, and the one way a file is made.

Every surface — the staff page, the API, ``manage.py build_report`` and the
monthly beat — validates with ``report_request_validate`` and produces the file
with ``report_build``; the page and the API check ``report_access`` and start a
job with ``report_start``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from courses.access import trainings_for_user, user_may_act_on_training
from courses.models import Organisation, Programme, ProgrammeOrganisation, Topic, Training
from rtcm.core.access import VIEW, user_has_role
from rtcm.core.jobs import job_create
from rtcm.core.models import Job, Region
from rtcm.core.roles import MANAGER
from rtcm.reports import builders
from rtcm.reports.render import FORMATS, render_report

REPORT_JOB = "report"
KINDS = ("training", "activity", "coverage", "programme")
# The kinds that list people by name (a training's participants, trainers, certificates):
# starting one needs a recent sign-in (rtcm.core.reauth); the others are counts.
PERSONAL_DATA_KINDS = ("training",)
# The request's fields, as the page, the API and a job's params name them.
FIELDS = (
    "kind",
    "format",
    "training",
    "start",
    "end",
    "region",
    "topic",
    "training_format",
    "programme",
    "donor",
)

ReportKind = Literal["training", "activity", "coverage", "programme"]


@dataclass(frozen=True)
class ReportRequest:
    """One report to make. Fields a kind does not use are None."""

    kind: ReportKind
    fmt: str = "pdf"
    training: Training | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    region: str | None = None  # core.Region code
    topic: str | None = None  # courses.Topic slug
    training_format: str | None = None  # courses.Training.Format value
    # The programme report's programme; for the activity report, a filter.
    programme: Programme | None = None
    donor: str | None = None  # courses.Organisation slug, a filter of the activity report

    @property
    def title(self) -> str:
        """What the staff read for the job: "Activity report 2026-01-01 – 2026-03-31"."""
        if self.kind == "training" and self.training is not None:
            return _("Training report: %(title)s") % {"title": self.training.title}
        if self.kind == "programme" and self.programme is not None:
            label = _("Programme report: %(title)s") % {"title": self.programme.title}
            if self.start and self.end:
                return f"{label} {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"
            return label
        label = _("Activity report") if self.kind == "activity" else _("Coverage report")
        return f"{label} {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def as_params(self) -> dict[str, str]:
        """JSON-serialisable: what a job stores, and ``report_request_validate`` reads back."""
        values = {
            "kind": self.kind,
            "format": self.fmt,
            "training": self.training.slug if self.training is not None else None,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "region": self.region,
            "topic": self.topic,
            "training_format": self.training_format,
            "programme": self.programme.slug if self.programme is not None else None,
            "donor": self.donor,
        }
        params = {key: value for key, value in values.items() if value}
        params["title"] = self.title
        return params


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Training):
        return value.slug
    if isinstance(value, Region):
        return value.code
    if isinstance(value, Topic | Programme | Organisation):
        return value.slug
    return str(value).strip()


def _date(value: Any, field: str, errors: dict[str, str]) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = _("Enter a date as YYYY-MM-DD.")
        return None


def report_request_validate(data: dict[str, Any]) -> ReportRequest:
    """Check a report request from any surface; strings, dates or model objects are fine.

    Raises ``ValidationError`` keyed by field name, all problems at once (the
    API turns it into a 400 naming the fields, the page shows each beside its field).
    """
    errors: dict[str, str] = {}

    kind = _text(data.get("kind"))
    if kind not in KINDS:
        errors["kind"] = _("Choose a kind of report: training, activity, coverage or programme.")
    fmt = _text(data.get("format")) or "pdf"
    if fmt not in FORMATS:
        errors["format"] = _("Choose a file format: %(formats)s.") % {"formats": ", ".join(FORMATS)}

    training = None
    slug = _text(data.get("training"))
    if slug:
        training = Training.objects.filter(slug=slug).first()
        if training is None:
            errors["training"] = _("There is no training “%(slug)s”.") % {"slug": slug}
    elif kind == "training":
        errors["training"] = _("Choose the training to report on.")

    start = _date(data.get("start"), "start", errors)
    end = _date(data.get("end"), "end", errors)
    if kind in ("activity", "coverage"):
        if start is None and "start" not in errors:
            errors["start"] = _("Give the first day of the period.")
        if end is None and "end" not in errors:
            errors["end"] = _("Give the last day of the period.")
    elif kind == "programme":
        # A period is optional; half of one is a mistake.
        if start is None and end is not None and "start" not in errors:
            errors["start"] = _("Give the first day of the period.")
        if end is None and start is not None and "end" not in errors:
            errors["end"] = _("Give the last day of the period.")
    if start and end and end < start:
        errors["end"] = _("The period ends before it starts.")

    region = _text(data.get("region")) or None
    if region and not Region.objects.filter(code=region).exists():
        errors["region"] = _("There is no region “%(code)s”.") % {"code": region}
    topic = _text(data.get("topic")) or None
    if topic and not Topic.objects.filter(slug=topic).exists():
        errors["topic"] = _("There is no topic “%(slug)s”.") % {"slug": topic}
    training_format = _text(data.get("training_format")) or None
    if training_format and training_format not in Training.Format.values:
        errors["training_format"] = _("Choose a training format: %(formats)s.") % {
            "formats": ", ".join(Training.Format.values)
        }

    programme = None
    programme_slug = _text(data.get("programme"))
    if programme_slug:
        programme = Programme.objects.filter(slug=programme_slug).first()
        if programme is None:
            errors["programme"] = _("There is no programme “%(slug)s”.") % {"slug": programme_slug}
    elif kind == "programme":
        errors["programme"] = _("Choose the programme to report on.")
    donor = _text(data.get("donor")) or None
    if (
        donor
        and not ProgrammeOrganisation.objects.filter(
            role=ProgrammeOrganisation.Role.DONOR, organisation__slug=donor
        ).exists()
    ):
        errors["donor"] = _("There is no donor “%(slug)s”.") % {"slug": donor}

    if errors:
        raise ValidationError({field: [message] for field, message in errors.items()})

    if kind == "programme":
        return ReportRequest(kind="programme", fmt=fmt, programme=programme, start=start, end=end)
    if kind == "training":
        return ReportRequest(kind="training", fmt=fmt, training=training)
    if kind == "coverage":
        return ReportRequest(kind="coverage", fmt=fmt, start=start, end=end)
    return ReportRequest(
        kind="activity",
        fmt=fmt,
        start=start,
        end=end,
        region=region,
        topic=topic,
        training_format=training_format,
        programme=programme,
        donor=donor,
    )


# --- access -------------------------------------------------------------------------


def report_access(user: AbstractBaseUser | AnonymousUser, request: ReportRequest) -> bool:
    """Managers and superusers run every report; a training's coordinators run its report
    (the per-training scope of ``rtcm.core.access``). The programme report, like the
    activity report, is the managers'."""
    if user_has_role(user, MANAGER):  # superusers hold every role
        return True
    if request.kind != "training" or request.training is None:
        return False
    return user_may_act_on_training(user, request.training, action=VIEW)


def reports_trainings_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Training]:
    """The trainings whose report ``user`` may run, the latest first."""
    return trainings_for_user(user, action=VIEW).order_by("-start_date", "title")


def report_kinds_for(user: AbstractBaseUser | AnonymousUser) -> tuple[str, ...]:
    """The kinds of report ``user`` may run at all (empty: no report right)."""
    if user_has_role(user, MANAGER):
        return KINDS
    if trainings_for_user(user, action=VIEW).exists():
        return ("training",)
    return ()


# --- jobs and files -----------------------------------------------------------------


def report_start(*, request: ReportRequest, user: AbstractBaseUser) -> Job:
    """Start the job that builds the report; refused unless ``report_access`` allows it."""
    from rtcm.reports.tasks import build_report_job

    if not report_access(user, request):
        raise PermissionDenied(_("You may not run this report."))
    with transaction.atomic():
        job = job_create(kind=REPORT_JOB, params=request.as_params(), user=user)
        build_report_job.delay_on_commit(job.pk)
    return job


def report_build(request: ReportRequest) -> tuple[bytes, str]:
    """The report's file and its name: the one path of the job, the command and beat."""
    if request.kind == "training":
        report = builders.training_report(training=request.training)
    elif request.kind == "activity":
        # The programme and donor filters are passed only when asked for.
        by_programme: dict[str, str] = {}
        if request.programme is not None:
            by_programme["programme"] = request.programme.slug
        if request.donor:
            by_programme["donor"] = request.donor
        report = builders.activity_report(
            start=request.start,
            end=request.end,
            region=request.region,
            topic=request.topic,
            format=request.training_format,
            **by_programme,
        )
    elif request.kind == "programme":
        report = builders.programme_report(
            programme=request.programme, start=request.start, end=request.end
        )
    else:
        report = builders.coverage_report(start=request.start, end=request.end)
    return render_report(report, request.fmt)
