"""The demo's registrations, decided by the participants' services.

Each training with registrations gets a *story*: who submits when, whom the
coordinator approves or rejects, who cancels, and — for a cancelled training —
when the center calls it off. The story holds no rule. The services decide
every status: ``registration_submit`` (seats, regional quotas, the waiting
list), ``registration_approve``, ``registration_reject`` and
``registration_cancel`` (which promotes the first person waiting), and
``courses.services.training_cancel`` for a training called off; they write
the audit rows (``RegistrationEvent``) and the e-mails (``Notification``). Each
step runs at its story time (``common.at_time``), so the rows are dated as the
story goes.

Why it is still fast at 100,000 participants (4,000 trainings). The first
``SERVICE_TRAININGS`` trainings (the hand-placed ones), and the first of each
*kind* (planned status, approval or not, past / running / upcoming), are played
through the services.
Every other training is given the story of one of those of its kind — same
capacity, same approval rule, the same steps in the same order, for other
people, moved in time — and so the services would decide it exactly as they
decided the original: the demo copies the original's rows (statuses, seats,
waiting-list times, audit rows and e-mails) onto the copy's people, in bulk
(``copy_outcomes``). ``tests/demo/test_demo_at_scale.py`` plays a copied story
of each kind through the services and finds the same rows. Trainings with quotas are
never copied (a seat then depends on the person's region).

E-mails. A demo must not mail its invented people (the embedded mode writes every
e-mail to ``var/mail``), and its notifications are history. While the services
run, ``mail_held()`` keeps the send task of each notification from being queued
(its row is still written, as the service writes it); then
``mark_notifications_sent`` marks the rows sent at the time they were written.
Were a send queued anyway, it would find its row sent and send nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F

from courses.models import Training
from courses.services import training_cancel
from participants import services
from participants.models import (
    Notification,
    Registration,
    RegistrationEvent,
)
from participants.tasks import send_notification
from rtcm.core.models import CountryRegion, Region
from rtcm.demo import data
from rtcm.demo.common import (
    Clock,
    Weighted,
    at_time,
    between,
    chunks,
    clamp,
    insert_rows,
)
from rtcm.demo.people import PersonSpec
from rtcm.demo.trainings import TrainingSpec

SERVICE_TRAININGS = 14  # the hand-placed ones (``trainings.SCHEDULE``)
SUBMIT, APPROVE, REJECT, CANCEL, CALL_OFF = "submit", "approve", "reject", "cancel", "call off"


@dataclass(slots=True)
class Step:
    at: dt.datetime
    action: str
    person: int = -1  # index into the people; -1 for the training's own step (CALL_OFF)
    reason: str = ""


@dataclass(slots=True)
class Story:
    """What happens to one training's registrations, in time order."""

    slug: str
    people: list[int]  # the registrants, in the order they submit
    steps: list[Step]
    reliability: dict[int, float]  # per person: the chance of being present at a session
    kind: tuple[str, bool, str] = ("", False, "")  # ``kind_of`` the training
    original: str | None = None  # the slug of the training whose story this one copies
    shift: dt.timedelta = dt.timedelta(0)

    @property
    def is_copy(self) -> bool:
        return self.original is not None


def kind_of(spec: TrainingSpec, clock: Clock) -> tuple[str, bool, str]:
    """What a story depends on besides capacity: planned status, approval, and phase."""
    if spec.start > clock.today:
        phase = "upcoming"
    elif spec.end < clock.today:
        phase = "past"
    else:
        phase = "running"
    return spec.status, spec.requires_approval, phase


# --- Planning (no database) -----------------------------------------------------------


class RegionQueues:
    """Deals participants out region by region, each once before anyone twice."""

    def __init__(self, rng: random.Random, people: list[PersonSpec]) -> None:
        self.queues: dict[str, list[int]] = {}
        for index, person in enumerate(people):
            self.queues.setdefault(person.region, []).append(index)
        self.everyone = list(range(len(people)))
        for queue in [*self.queues.values(), self.everyone]:
            rng.shuffle(queue)
        self.positions: dict[str, int] = {}
        self.regions = Weighted((region, len(queue)) for region, queue in self.queues.items())

    def draw(self, rng: random.Random, regions: list[str]) -> int:
        region = rng.choice(regions) if rng.random() < 0.85 else self.regions.pick(rng)
        queue = self.queues.get(region) or self.everyone
        position = self.positions.get(region, 0)
        self.positions[region] = position + 1
        return queue[position % len(queue)]


def choose_registrants(
    rng: random.Random, queues: RegionQueues, spec: TrainingSpec, wanted: int
) -> list[int]:
    chosen: dict[int, None] = {}
    for _attempt in range(wanted * 4):
        if len(chosen) == wanted:
            break
        chosen.setdefault(queues.draw(rng, spec.regions))
    return list(chosen)


def submission_window(spec: TrainingSpec, clock: Clock) -> tuple[dt.datetime, dt.datetime]:
    lo = spec.opens_at or clock.now
    hi = min(spec.closes_at or clock.now, clock.at(spec.start - dt.timedelta(days=1), 18))
    hi = min(hi, clock.now - dt.timedelta(days=2 if spec.status == "cancelled" else 0, hours=1))
    return lo, max(hi, lo)


def plan_steps(
    rng: random.Random, spec: TrainingSpec, people: list[int], clock: Clock
) -> tuple[list[Step], dict[int, float]]:
    """Submissions in the window; the coordinator's decisions a few hours or days later
    (a quarter of an upcoming training's still waiting); some people cancel; a cancelled
    training is called off before it starts. Every step before the training starts."""
    lo, hi = submission_window(spec, clock)
    times = sorted(between(rng, lo, hi) for _ in people)
    latest = min(clock.now, clock.at(spec.start - dt.timedelta(days=1), 20))
    steps: list[Step] = []
    reliability: dict[int, float] = {}
    undecided_from = int(len(people) * 0.75) if spec.start > clock.today else len(people)
    for position, (person, submitted) in enumerate(zip(people, times, strict=True)):
        steps.append(Step(submitted, SUBMIT, person))
        reliability[person] = 0.55 if rng.random() < 0.2 else 0.93
        if spec.status == Training.Status.CANCELLED:
            continue
        decided = submitted
        if spec.requires_approval:
            if position >= undecided_from:
                continue
            decided = clamp(submitted + dt.timedelta(hours=rng.randint(6, 96)), submitted, latest)
            if rng.random() < 0.12:
                steps.append(Step(decided, REJECT, person, rng.choice(data.REJECTION_REASONS)))
                continue
            steps.append(Step(decided, APPROVE, person))
        if rng.random() < 0.08:
            cancelled = clamp(decided + dt.timedelta(days=rng.randint(1, 20)), submitted, latest)
            steps.append(Step(cancelled, CANCEL, person, rng.choice(data.CANCELLATION_REASONS)))
    if spec.status == Training.Status.CANCELLED and times:
        called_off = min(clock.now - dt.timedelta(days=1), clock.at(spec.start, 8))
        steps.append(Step(max(called_off, times[-1]), CALL_OFF))
    # Stable: a person's decision never comes before their submission at the same second.
    steps.sort(key=lambda step: step.at)
    return steps, reliability


def copy_story(
    rng: random.Random,
    queues: RegionQueues,
    spec: TrainingSpec,
    original: tuple[TrainingSpec, Story],
    clock: Clock,
) -> Story | None:
    """The original's story for other people of ``spec``'s regions, moved in time with
    the training when that keeps every step in the past (else left where it was: still
    before ``spec`` starts). ``spec`` takes the original's capacity, approval rule and
    registration window. None when too few people are left to play it."""
    original_spec, story = original
    people = choose_registrants(rng, queues, spec, len(story.people))
    if len(people) < len(story.people):
        return None
    shift = dt.timedelta(days=(spec.start - original_spec.start).days)
    if shift > dt.timedelta(0) and story.steps[-1].at + shift > clock.now:
        shift = dt.timedelta(0)
    spec.capacity = original_spec.capacity
    spec.requires_approval = original_spec.requires_approval
    spec.registrants = original_spec.registrants
    if original_spec.opens_at and original_spec.closes_at:
        spec.opens_at = original_spec.opens_at + shift
        spec.closes_at = original_spec.closes_at + shift
    swap = dict(zip(story.people, people, strict=True))
    return Story(
        slug=spec.slug,
        people=people,
        steps=[
            Step(step.at + shift, step.action, swap.get(step.person, -1), step.reason)
            for step in story.steps
        ],
        reliability={swap[person]: chance for person, chance in story.reliability.items()},
        kind=story.kind,
        original=original_spec.slug,
        shift=shift,
    )


def plan_registrations(
    seed: int, specs: list[TrainingSpec], people: list[PersonSpec], clock: Clock
) -> dict[str, Story]:
    """The stories of the new trainings, by slug; gives each person the consent time of
    their first registration (or a time in the past three years, for those with none)."""
    if not people:
        return {}
    rng = random.Random(f"{seed}:registrations")
    queues = RegionQueues(rng, people)
    stories: dict[str, Story] = {}
    originals: dict[tuple[str, bool, str], list[tuple[TrainingSpec, Story]]] = {}
    played = 0
    for spec in specs:
        if not spec.has_registrations:
            continue
        kind = kind_of(spec, clock)
        story = None
        if played >= SERVICE_TRAININGS and kind in originals and not spec.quota_share:
            story = copy_story(rng, queues, spec, rng.choice(originals[kind]), clock)
        if story is None:
            wanted = min(spec.registrants, len(people))
            chosen = choose_registrants(rng, queues, spec, wanted)
            steps, reliability = plan_steps(rng, spec, chosen, clock)
            story = Story(spec.slug, chosen, steps, reliability, kind)
            played += 1
            if not spec.quota_share:
                originals.setdefault(kind, []).append((spec, story))
        stories[spec.slug] = story
        for step in story.steps:
            if step.action == SUBMIT:
                person = people[step.person]
                if person.consent_given_at is None or step.at < person.consent_given_at:
                    person.consent_given_at = step.at
    for person in people:
        if person.consent_given_at is None:
            person.consent_given_at = clock.now - dt.timedelta(days=rng.randint(1, 3 * 365))
    return stories


def people_played(stories: Iterable[Story]) -> set[int]:
    """The people of the stories played through the services."""
    return {person for story in stories if not story.is_copy for person in story.people}


# --- Playing a story through the services ---------------------------------------------


@contextlib.contextmanager
def mail_held() -> Iterator[None]:
    """The services log each e-mail as a ``Notification`` and queue its sending after
    commit (``send_notification.delay_on_commit``); here the sending is not queued."""
    send_notification.delay_on_commit = lambda *_args, **_kwargs: None
    try:
        yield
    finally:
        del send_notification.delay_on_commit


def play_story(
    story: Story,
    training: Training,
    emails: list[str],
    coordinator: AbstractBaseUser,
) -> dict[int, Registration]:
    """Each step through its service at its time. Returns the registrations by person."""
    registrations: dict[int, Registration] = {}  # as submitted: the services re-read them
    for step in story.steps:
        with at_time(step.at), mail_held():
            if step.action == SUBMIT:
                registrations[step.person] = services.registration_submit(
                    training=training,
                    participant_data={"email": emails[step.person]},
                    source=Registration.Source.DEMO,
                    enforce_window=False,
                )
            elif step.action == APPROVE:
                services.registration_approve(
                    registration=registrations[step.person], actor=coordinator
                )
            elif step.action == REJECT:
                services.registration_reject(
                    registration=registrations[step.person], reason=step.reason, actor=coordinator
                )
            elif step.action == CANCEL:
                services.registration_cancel(
                    registration=registrations[step.person], reason=step.reason
                )
            elif step.action == CALL_OFF:
                # The life-cycle service: every active registration cancelled, each
                # person told ("training cancelled"), nobody promoted.
                training_cancel(
                    training=training, actor=coordinator, reason=data.TRAINING_CANCELLED_REASON
                )
    # Read back: later steps (a cancellation promoting someone) changed earlier rows.
    person_of = {emails[person]: person for person in story.people}
    rows = Registration.objects.filter(training=training).select_related("participant")
    return {person_of[row.participant.email]: row for row in rows}


# --- Copying a story's outcome -------------------------------------------------------


@dataclass(slots=True)
class Outcome:
    """One registration's history as the services wrote it."""

    status: str
    seat_region_id: str | None
    submitted_at: dt.datetime
    status_changed_at: dt.datetime
    waitlisted_at: dt.datetime | None
    decision_reason: str
    events: list[tuple[str, str, str, int | None, str, dt.datetime]] = field(default_factory=list)
    notifications: list[tuple[str, dt.datetime]] = field(default_factory=list)


def read_outcomes(registrations: dict[int, Registration], story: Story) -> list[Outcome]:
    """The outcome of each person of ``story``, in the story's order of people."""
    by_id = {registration.pk: person for person, registration in registrations.items()}
    outcomes = {
        person: Outcome(
            status=row.status,
            seat_region_id=row.seat_region_id,
            submitted_at=row.submitted_at,
            status_changed_at=row.status_changed_at,
            waitlisted_at=row.waitlisted_at,
            decision_reason=row.decision_reason,
        )
        for person, row in registrations.items()
    }
    events = RegistrationEvent.objects.filter(registration_id__in=list(by_id)).order_by(
        "created_at", "pk"
    )
    for event in events.values_list(
        "registration_id",
        "from_status",
        "to_status",
        "actor_kind",
        "actor_id",
        "note",
        "created_at",
    ):
        outcomes[by_id[event[0]]].events.append(event[1:])
    notifications = Notification.objects.filter(registration_id__in=list(by_id)).order_by(
        "created_at", "pk"
    )
    for registration_id, kind, created_at in notifications.values_list(
        "registration_id", "kind", "created_at"
    ):
        outcomes[by_id[registration_id]].notifications.append((kind, created_at))
    return [outcomes[person] for person in story.people]


def copy_outcomes(
    copies: list[tuple[Story, Training, list[Outcome]]],
    people: list[PersonSpec],
    ids: dict[str, int],
) -> dict[str, dict[int, Registration]]:
    """Write each copy's registrations, audit rows and (sent) e-mails in bulk: the
    original's rows, for the copy's people, moved by the copy's shift. Returns the
    registrations per slug, by person."""
    # The registrant's region as the service records it: from the (editable) mapping.
    region_of = dict(CountryRegion.objects.values_list("country", "region_id"))
    rows: list[Registration] = []
    history: list[tuple[Registration, Outcome, dt.timedelta, PersonSpec]] = []
    result: dict[str, dict[int, Registration]] = {}
    for story, training, outcomes in copies:
        for person, outcome in zip(story.people, outcomes, strict=True):
            spec = people[person]
            shift = story.shift
            row = Registration(
                participant_id=ids[spec.email],
                training=training,
                status=outcome.status,
                region_id=region_of.get(spec.nationality, Region.OTHER),
                seat_region_id=outcome.seat_region_id,
                source=Registration.Source.DEMO,
                submitted_at=outcome.submitted_at + shift,
                status_changed_at=outcome.status_changed_at + shift,
                waitlisted_at=outcome.waitlisted_at and outcome.waitlisted_at + shift,
                decision_reason=outcome.decision_reason,
            )
            rows.append(row)
            history.append((row, outcome, shift, spec))
            result.setdefault(story.slug, {})[person] = row
    names = [
        *("participant", "training", "status", "region", "seat_region", "source"),
        *("submitted_at", "status_changed_at", "waitlisted_at", "decision_reason"),
    ]
    fields = [Registration._meta.get_field(name) for name in names]
    insert_rows(Registration, names, ([getattr(row, f.attname) for f in fields] for row in rows))
    pks: dict[tuple[int, int], int] = {}
    for part in chunks([training.pk for _story, training, _outcomes in copies]):
        found = Registration.objects.filter(training_id__in=part)
        pks.update(
            ((training_id, participant_id), pk)
            for training_id, participant_id, pk in found.values_list(
                "training_id", "participant_id", "pk"
            )
        )
    for row in rows:
        row.pk = pks[row.training_id, row.participant_id]
    insert_rows(
        RegistrationEvent,
        ["registration", "from_status", "to_status", "actor_kind", "actor", "note", "created_at"],
        (
            (row.pk, from_status, to_status, actor_kind, actor_id, note, at + shift)
            for row, outcome, shift, _spec in history
            for from_status, to_status, actor_kind, actor_id, note, at in outcome.events
        ),
    )
    sent = Notification.Status.SENT
    insert_rows(
        Notification,
        [
            *("registration", "kind", "recipient", "language", "status", "subject"),
            *("attempts", "last_error", "created_at", "sent_at"),
        ],
        (
            (row.pk, kind, spec.email, spec.preferred_language, sent, "", 0, "", *[at + shift] * 2)
            for row, outcome, shift, spec in history
            for kind, at in outcome.notifications
        ),
    )
    return result


def mark_notifications_sent(trainings: list[Training]) -> None:
    """The played stories' e-mails are history: sent when they were written, not now."""
    ids = [training.pk for training in trainings]
    for part in chunks(ids):
        Notification.objects.filter(
            registration__training_id__in=part, status=Notification.Status.QUEUED
        ).update(status=Notification.Status.SENT, sent_at=F("created_at"))
