"""Reads about registrations, shared by pages, API, services and reports."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from courses.models import Training
from participants.models import Registration


def training_seats_taken(*, training: Training) -> int:
    """Confirmed registrations: the seats that count against capacity."""
    return Registration.objects.filter(
        training=training, status=Registration.Status.CONFIRMED
    ).count()


def training_waitlist(*, training: Training) -> QuerySet[Registration]:
    """The waiting list in the order people joined it."""
    return Registration.objects.filter(
        training=training, status=Registration.Status.WAITLISTED
    ).order_by("waitlisted_at", "pk")


def registration_waitlist_position(*, registration: Registration) -> int | None:
    """1 for the first person on the waiting list; None when not waitlisted."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    joined = registration.waitlisted_at
    ahead = (
        training_waitlist(training=registration.training)
        .filter(Q(waitlisted_at__lt=joined) | Q(waitlisted_at=joined, pk__lt=registration.pk))
        .count()
    )
    return ahead + 1


def registration_get_by_token(*, token: str) -> Registration | None:
    return (
        Registration.objects.select_related("participant", "training").filter(token=token).first()
    )


def center_totals() -> dict[str, int]:
    """A few figures for the home page, cached for ``RTCM_TOTALS_CACHE_SECONDS``.

    Each is one aggregate query, but distinct counts over every registration
    cost a few hundred milliseconds at 100,000 participants: not for every visit.
    """
    return cache.get_or_set(
        "rtcm:center_totals", _center_totals, timeout=settings.RTCM_TOTALS_CACHE_SECONDS
    )


def _center_totals() -> dict[str, int]:
    today = timezone.localdate()
    held = Training.objects.filter(
        status__in=Training.PUBLIC_STATUSES, start_date__lte=today
    ).exclude(status=Training.Status.CANCELLED)
    attendees = Registration.objects.filter(status=Registration.Status.CONFIRMED, training__in=held)
    return {
        "trainings_held": held.count(),
        "participants_trained": attendees.values("participant").distinct().count(),
        "countries": attendees.values("participant__nationality").distinct().count(),
    }
