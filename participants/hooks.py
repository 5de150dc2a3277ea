"""What participants registers into the apps below it (``ParticipantsConfig.ready``).

Courses asks for seat counts through ``courses.seats``; it never imports
participants. The counter lives here, next to the registrations it counts.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from courses.models import Training
from participants.models import Registration


def _registrations_count(status: str) -> Coalesce:
    """A correlated subquery counting one training's registrations in ``status``.

    A subquery rather than ``Count()`` over a join: the database then counts
    only for the rows a page shows (through the ``training, status`` index),
    not for every training before the LIMIT.
    """
    counted = (
        Registration.objects.filter(training=OuterRef("pk"), status=status)
        .order_by()
        .values("training")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class RegistrationSeatCounter:
    """``courses.seats.SeatCounter``: confirmed registrations take the seats."""

    def seats_taken(self, *, training: Training) -> int:
        return Registration.objects.filter(
            training=training, status=Registration.Status.CONFIRMED
        ).count()

    def annotate_seats(self, queryset: QuerySet[Training]) -> QuerySet[Training]:
        return queryset.annotate(
            seats_taken=_registrations_count(Registration.Status.CONFIRMED),
            waitlist_length=_registrations_count(Registration.Status.WAITLISTED),
        )
