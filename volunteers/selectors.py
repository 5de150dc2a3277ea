"""Reads of the Migration Volunteers that pages, the admin, the services and reports share.

Nothing here is public but ``volunteers_active_count`` (a number on the public page)
and ``service_certificate_by_code`` (what a certificate of service itself says):
there is no public directory of volunteers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from courses.models import Programme, Training
from volunteers.models import Assignment, ServiceCertificate, Volunteer


def volunteers_active_count() -> int:
    return Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).count()


def volunteer_with_email(email: str, *, exclude_pk: int | None = None) -> Volunteer | None:
    """The volunteer (or applicant) with ``email``, compared case-insensitively."""
    queryset = Volunteer.objects.annotate(lower_email=Lower("email")).filter(
        lower_email=email.strip().lower()
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


def assignment_clash(
    volunteer: Volunteer,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    exclude_pk: int | None = None,
) -> Assignment | None:
    """The volunteer's first assignment, not cancelled, that overlaps ``starts_at``–``ends_at``
    (touching ends do not overlap: 9–12 and 12–15 are both possible)."""
    queryset = (
        Assignment.objects.filter(volunteer=volunteer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=Assignment.Status.CANCELLED)
        .select_related("training", "volunteer")
        .order_by("starts_at", "pk")
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


def assignments_upcoming(volunteer: Volunteer) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        volunteer=volunteer, status=Assignment.Status.PLANNED, ends_at__gt=timezone.now()
    ).select_related("training")


def assignments_completed_in_period(
    volunteer: Volunteer, period_start: dt.date, period_end: dt.date
) -> QuerySet[Assignment]:
    """Completed assignments with hours that started within the period (local dates)."""
    return (
        Assignment.objects.filter(
            volunteer=volunteer,
            status=Assignment.Status.COMPLETED,
            hours__gt=0,
            starts_at__date__gte=period_start,
            starts_at__date__lte=period_end,
        )
        .select_related("training", "programme")
        .order_by("starts_at", "pk")
    )


def service_certificate_for_period(
    volunteer: Volunteer, period_start: dt.date, period_end: dt.date
) -> ServiceCertificate | None:
    """A valid certificate of exactly this period, if one was issued."""
    return ServiceCertificate.objects.filter(
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        revoked_at__isnull=True,
    ).first()


def normalised_service_codes(code: str) -> list[str]:
    """The stored codes a typed or scanned one may be: “VS-1A2B…”, or as the verification
    form passes it (capitals, no spaces or hyphens): “VS1A2B…”."""
    compact = "".join(code.split()).replace("-", "").upper()
    if not compact.startswith("VS") or len(compact) < 3:
        return []
    return [f"VS-{compact[2:]}"]


def service_certificate_by_code(code: str) -> ServiceCertificate | None:
    codes = normalised_service_codes(code)
    if not codes:
        return None
    return ServiceCertificate.objects.select_related("volunteer").filter(code__in=codes).first()


# --- hours, for reports ---------------------------------------------------------------


def _completed(
    *,
    trainings_qs: QuerySet[Training] | None = None,
    programme: Programme | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Assignment]:
    queryset = Assignment.objects.filter(status=Assignment.Status.COMPLETED)
    if trainings_qs is not None:
        queryset = queryset.filter(training__in=trainings_qs.values("pk"))
    if programme is not None:
        queryset = queryset.filter(Q(programme=programme) | Q(training__programme=programme))
    if start is not None:
        queryset = queryset.filter(starts_at__date__gte=start)
    if end is not None:
        queryset = queryset.filter(starts_at__date__lte=end)
    return queryset


def volunteer_hours(
    trainings_qs: QuerySet[Training] | None = None,
    programme: Programme | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Decimal:
    """Hours of completed assignments: to ``trainings_qs``' trainings, of ``programme`` (an
    event's own or its training's), started from ``start`` to ``end`` (dates, inclusive)."""
    total = _completed(trainings_qs=trainings_qs, programme=programme, start=start, end=end)
    return total.aggregate(hours=Coalesce(Sum("hours"), Decimal(0)))["hours"]


def volunteer_hours_by_volunteer(
    trainings_qs: QuerySet[Training] | None = None,
    programme: Programme | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Volunteer]:
    """Each volunteer with completed assignments, annotated ``hours`` and ``assignments``,
    most hours first (one query)."""
    completed = _completed(trainings_qs=trainings_qs, programme=programme, start=start, end=end)
    return (
        Volunteer.objects.filter(pk__in=completed.values("volunteer"))
        .annotate(
            hours=Coalesce(
                Sum("assignments__hours", filter=Q(assignments__in=completed)), Decimal(0)
            ),
            assignment_total=Count("assignments", filter=Q(assignments__in=completed)),
        )
        .order_by("-hours", "family_name", "given_name", "pk")
    )
