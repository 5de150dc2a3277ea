"""Property-based: any sequence of register / cancel / approve / reject / quota release
keeps the seat rules, and matches a plain model of those rules written out here."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import TrainingQuota
from participants import services
from participants.models import Registration
from rtcm.core.errors import DomainError
from tests.factories import TrainingFactory, person_data

pytestmark = pytest.mark.django_db

REGIONS = ["central-asia", "eastern-partnership", "middle-east", "other"]
COUNTRY = {"central-asia": "KZ", "eastern-partnership": "AM", "middle-east": "IQ", "other": "FR"}
emails = itertools.count()


class Model:
    """The rules of DESIGN.md and the issue, as simply as they can be said."""

    def __init__(self, capacity, quotas, approval):
        self.capacity, self.quotas, self.approval = capacity, quotas, approval
        self.released = False
        self.people = []  # dicts: region, status, seat, seq
        self.seq = itertools.count()

    def taken(self, seat=...):
        confirmed = [p for p in self.people if p["status"] == "confirmed"]
        return len(confirmed) if seat is ... else sum(p["seat"] == seat for p in confirmed)

    def seat_for(self, region):
        if self.taken() >= self.capacity:
            return False, None
        if region in self.quotas and self.taken(region) < self.quotas[region]:
            return True, region
        open_seats = max(self.capacity - sum(self.quotas.values()), 0)
        if not self.quotas or self.released or self.taken(None) < open_seats:
            return True, None
        return False, None

    def offer(self, person):
        ok, seat = self.seat_for(person["region"])
        if ok:
            person.update(status="confirmed", seat=seat)
        else:
            person.update(status="waitlisted", seat=None, seq=next(self.seq))

    def promote(self):
        for person in sorted(
            (p for p in self.people if p["status"] == "waitlisted"), key=lambda p: p["seq"]
        ):
            ok, seat = self.seat_for(person["region"])
            if ok:
                person.update(status="confirmed", seat=seat)

    def register(self, region):
        person = {"region": region, "status": None, "seat": None, "seq": None}
        self.people.append(person)
        if self.approval:
            person["status"] = "pending"
        else:
            self.offer(person)

    def cancel(self, i):
        person = self.people[i]
        if person["status"] not in ("pending", "confirmed", "waitlisted"):
            return False
        freed = person["status"] == "confirmed"
        person.update(status="cancelled", seat=None)
        if freed:
            self.promote()
        return True

    def approve(self, i):
        person = self.people[i]
        if person["status"] != "pending":
            return False
        self.offer(person)
        return True

    def reject(self, i):
        person = self.people[i]
        if person["status"] not in ("pending", "waitlisted"):
            return False
        person.update(status="rejected", seat=None)
        return True

    def release(self):
        self.released = True
        self.promote()


operations = st.lists(
    st.one_of(
        st.tuples(st.just("register"), st.sampled_from(REGIONS)),
        st.tuples(st.sampled_from(["cancel", "approve", "reject"]), st.integers(0, 30)),
        st.tuples(st.just("release"), st.none()),
    ),
    min_size=1,
    max_size=30,
)
quota_sets = st.dictionaries(
    st.sampled_from(REGIONS[:3]), st.integers(min_value=1, max_value=3), max_size=3
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    quotas=quota_sets,
    extra=st.integers(min_value=0, max_value=2),
    approval=st.booleans(),
    ops=operations,
)
def test_any_sequence_keeps_the_seat_rules(quotas, extra, approval, ops):
    capacity = max(sum(quotas.values()) + extra, 1)
    training = TrainingFactory(
        capacity=capacity,
        requires_approval=approval,
        quota_release_at=timezone.now() + dt.timedelta(days=5),
    )
    for region, seats in quotas.items():
        TrainingQuota.objects.create(training=training, region_id=region, seats=seats)
    model = Model(capacity, quotas, approval)
    registrations: list[Registration] = []

    for op, arg in ops:
        if op == "register":
            data = person_data(email=f"h{next(emails)}@example.org", nationality=COUNTRY[arg])
            data.pop("consent")
            registrations.append(
                services.registration_submit(training=training, participant_data=data)
            )
            model.register(arg)
        elif op == "release":
            training.quota_release_at = timezone.now() - dt.timedelta(seconds=1)
            training.save(update_fields=["quota_release_at"])
            services.training_release_quotas(training=training)
            model.release()
        elif registrations:
            i = arg % len(registrations)
            allowed = getattr(model, op)(i)
            service = {
                "cancel": services.registration_cancel,
                "approve": services.registration_approve,
                "reject": services.registration_reject,
            }[op]
            try:
                service(registration=registrations[i])
            except DomainError:
                assert not allowed, f"{op} refused but the rules allow it"
            else:
                assert allowed, f"{op} done but the rules forbid it"

        rows = list(
            Registration.objects.filter(training=training)
            .order_by("pk")
            .values("status", "seat_region", "waitlisted_at")
        )
        # The database matches the model, person by person.
        assert [(r["status"], r["seat_region"]) for r in rows] == [
            (p["status"], p["seat"]) for p in model.people
        ]
        confirmed = [r for r in rows if r["status"] == "confirmed"]
        assert len(confirmed) <= capacity
        for region, seats in quotas.items():
            assert sum(r["seat_region"] == region for r in confirmed) <= seats
        if not model.released:
            open_seats = capacity - sum(quotas.values())
            assert sum(r["seat_region"] is None for r in confirmed) <= open_seats
        # Nobody confirmed is still in a queue, everybody waiting is in one.
        assert all(r["waitlisted_at"] is None for r in confirmed)
        assert all(r["waitlisted_at"] for r in rows if r["status"] == "waitlisted")
        # No seat stays empty while someone waiting could take it.
        for person in model.people:
            if person["status"] == "waitlisted":
                assert not model.seat_for(person["region"])[0]
