"""Locking and seat counting: the training's row lock, and who holds which seats.

Seats and quotas. A training has ``capacity`` seats. It may reserve some of
them per region (``TrainingQuota``); the rest are open to all. Until the
training's ``quota_release_at`` a registrant takes a seat of their region's
quota, else an open seat, else joins the waiting list. From the release time
any free seat goes to anyone, the longest-waiting person first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from courses.models import Training
from participants import selectors
from participants.models import Registration


def _lock_training(training_id: int) -> Training:
    """Load the training holding its row lock until the transaction ends."""
    return Training.objects.select_for_update().get(pk=training_id)


@dataclass
class SeatMap:
    """Who holds which seats of one training, read under its lock."""

    capacity: int
    quotas: dict[str, int]
    released: bool
    taken_by_region: dict[str, int] = field(default_factory=dict)
    taken_open: int = 0

    @property
    def taken(self) -> int:
        return self.taken_open + sum(self.taken_by_region.values())

    @property
    def open_seats(self) -> int:
        return max(self.capacity - sum(self.quotas.values()), 0)

    def seat_for(self, region: str | None) -> tuple[bool, str | None]:
        """Whether a person of ``region`` gets a seat now, and from which quota."""
        if self.taken >= self.capacity:
            return False, None
        quota_free = (
            region in self.quotas and self.taken_by_region.get(region, 0) < self.quotas[region]
        )
        if quota_free:
            return True, region
        if not self.quotas or self.released or self.taken_open < self.open_seats:
            return True, None
        return False, None

    def take(self, seat_region: str | None) -> None:
        if seat_region is None:
            self.taken_open += 1
        else:
            self.taken_by_region[seat_region] = self.taken_by_region.get(seat_region, 0) + 1


def _seat_map(training: Training) -> SeatMap:
    """Count confirmed seats per quota. Caller holds the training's lock."""
    quotas = dict(training.quotas.values_list("region_id", "seats"))
    seats = SeatMap(
        capacity=training.capacity, quotas=quotas, released=training.quotas_are_released()
    )
    rows = (
        selectors.training_confirmed(training=training)
        .values("seat_region")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        if row["seat_region"] is None or row["seat_region"] not in quotas:
            seats.taken_open += row["n"]
        else:
            seats.taken_by_region[row["seat_region"]] = row["n"]
    return seats


def _lock_registration(registration: Registration) -> Registration:
    return (
        Registration.objects.select_for_update()
        .select_related("participant", "training")
        .get(pk=registration.pk)
    )
