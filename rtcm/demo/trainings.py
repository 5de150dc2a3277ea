"""The demo's trainings and their sessions, spread over the past three years and the
next six months: completed, running today, open, draft and cancelled.

The first fourteen are placed by hand (``SCHEDULE``); the rest are drawn from the
training's own random stream, so training ``i`` is the same whatever the number of
trainings. Found by slug: a training that exists is left alone. Rows are
validated (``full_clean``, ``Session.clean``) and written in bulk.

A training is written *live* (open, or its planned status when that still takes
registrations) so that the services accept its registrations and bookings; a
cancelled one is called off in its registrations' story
(``courses.services.training_cancel``), and ``finish_trainings`` completes the
past ones, as the center does when a training is over.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.text import slugify

from courses.models import Module, Session, Training, TrainingQuota
from courses.services import training_close, training_complete
from rtcm.demo import data
from rtcm.demo.common import BATCH_SIZE, Clock, Created, Weighted, at_time, chunks, ids_by_key

MIN_TRAININGS = 14
PARTICIPANTS_PER_TRAINING = 25
MORNING = (dt.time(9, 30), dt.time(12, 30))
AFTERNOON = (dt.time(14, 0), dt.time(17, 0))
# Planned statuses that take no registration: written live, finished at the end.
FINISHED = (Training.Status.COMPLETED, Training.Status.CANCELLED)
# The curriculum's modules by code, and their codes per topic slug — from the data, not
# the database, so that a training's plan depends on the seed alone.
MODULES_BY_CODE: dict[str, data.ModuleData] = {module.code: module for module in data.MODULES}
CODES_BY_TOPIC: dict[str, list[str]] = {}
for _module in data.MODULES:
    CODES_BY_TOPIC.setdefault(_module.topic, []).append(_module.code)


def training_count(participants: int) -> int:
    return max(MIN_TRAININGS, participants // PARTICIPANTS_PER_TRAINING)


@dataclass(slots=True)
class SessionSpec:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: str
    module_code: str
    trainer_count: int


@dataclass(slots=True)
class TrainingSpec:
    index: int
    slug: str
    title: str
    description: str
    topic: str
    module_codes: list[str]
    start: dt.date
    end: dt.date
    format: str
    venue_city: str
    venue_country: str
    online_url: str
    languages: list[str]
    capacity: int
    requires_approval: bool
    status: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None
    regions: list[str]
    registrants: int
    team_size: int
    sessions: list[SessionSpec] = field(default_factory=list)
    quota_share: bool = False  # a quota of seats per target region, released a week before

    @property
    def live_status(self) -> str:
        """The status it is written with, while registrations and bookings are made."""
        return Training.Status.OPEN if self.status in FINISHED else self.status

    def quotas(self) -> dict[str, int]:
        """Seats reserved per target region (the rest open to all)."""
        if not self.quota_share:
            return {}
        return {region: self.capacity // (len(self.regions) + 1) for region in self.regions}

    @property
    def has_registrations(self) -> bool:
        return self.status != Training.Status.DRAFT and self.registrants > 0


@dataclass(frozen=True)
class Slot:
    """A hand-placed training of the default demo: days from today, length, status."""

    offset: int
    days: int
    status: str
    requires_approval: bool
    format: str
    capacity: int | None = None
    registrants: int | None = None
    quotas: bool = False


# The first fourteen trainings: past, running today, upcoming, drafts, one cancelled;
# one past and one open are over-subscribed so the waiting list shows; one reserves seats
# per region (quotas) until a week before it starts.
SCHEDULE: tuple[Slot, ...] = (
    Slot(-1000, 5, "completed", False, "in_person"),
    Slot(-760, 4, "completed", True, "in_person"),
    Slot(-520, 3, "completed", False, "online"),
    Slot(-300, 5, "completed", True, "hybrid"),
    Slot(-130, 4, "completed", False, "in_person", capacity=20, registrants=30),
    Slot(-35, 3, "completed", False, "online"),
    Slot(-1, 4, "closed", False, "in_person"),
    Slot(-2, 5, "open", False, "hybrid"),
    Slot(10, 3, "open", True, "in_person"),
    Slot(35, 4, "open", False, "hybrid", capacity=15, registrants=32, quotas=True),
    Slot(75, 3, "open", True, "online"),
    Slot(110, 5, "draft", False, "in_person"),
    Slot(140, 3, "draft", True, "online"),
    Slot(165, 2, "cancelled", False, "in_person"),
)


def random_slot(rng: random.Random) -> Slot:
    """A training beyond the hand-placed ones: anywhere in the past 3 years or next 6 months."""
    offset, days = rng.randint(-3 * 365, 180), rng.randint(2, 5)
    roll = rng.random()
    if offset + days - 1 < 0:
        status = "cancelled" if roll < 0.04 else "completed"
    elif offset <= 0:
        status = "open" if roll < 0.3 else "closed"
    elif roll < (0.35 if offset > 120 else 0.1):
        status = "draft"
    else:
        status = "cancelled" if roll > 0.96 else "open"
    fmt = Weighted((("in_person", 0.5), ("online", 0.25), ("hybrid", 0.25))).pick(rng)
    return Slot(offset, days, status, rng.random() < 0.3, fmt)


def target_regions(rng: random.Random) -> list[str]:
    roll = rng.random()
    if roll < 0.5:
        return [rng.choice(data.REGION_CODES)]
    if roll < 0.75:
        return sorted(rng.sample(data.REGION_CODES, 2), key=data.REGION_CODES.index)
    return list(data.REGION_CODES)


def working_languages(regions: list[str]) -> list[str]:
    languages: list[str] = []
    for region in regions:
        for code in data.REGION_LANGUAGES[region]:
            if code not in languages:
                languages.append(code)
    return languages[:3]


def meeting_url(rng: random.Random) -> str:
    letters = "abcdefghijkmnopqrstuvwxyz"
    parts = ["".join(rng.choice(letters) for _ in range(n)) for n in (3, 4, 3)]
    return "https://meet.example.org/" + "-".join(parts)


def registration_window(
    rng: random.Random, slot: Slot, start: dt.date, end: dt.date, clock: Clock
) -> tuple[dt.datetime | None, dt.datetime | None]:
    if slot.status == "draft":
        return None, None
    opens = clock.at(start - dt.timedelta(days=rng.randint(45, 90)), 10)
    if start > clock.today:
        # Open for at least two weeks already, so it has registrations.
        opens = min(opens, clock.at(clock.days(-14 - rng.randint(0, 20)), 10))
    closes = clock.at(start - dt.timedelta(days=3), 18)
    if slot.status == "open" and closes <= clock.now:
        closes = clock.at(end, 23, 59)
    return opens, closes


def training_title(rng: random.Random, topic: str, regions: list[str]) -> str:
    title = rng.choice(data.TRAINING_TITLES[topic])
    if len(regions) == 1:
        title += f" for {data.REGION_IN_TITLES[regions[0]]}"
    return title


def build_sessions(rng: random.Random, spec: TrainingSpec, clock: Clock) -> list[SessionSpec]:
    """Mornings first, one a day, then afternoons: 2 to 5 sessions inside the dates."""
    days = (spec.end - spec.start).days + 1
    count = rng.randint(max(2, min(days, 5)), min(5, 2 * days))
    slots = [(day, MORNING) for day in range(days)]
    slots += [(day, AFTERNOON) for day in range(count - days)]
    slots.sort(key=lambda slot: (slot[0], slot[1][0]))
    sessions = []
    for number, (day, (begins, ends)) in enumerate(slots[:count]):
        code = spec.module_codes[number % len(spec.module_codes)]
        date = spec.start + dt.timedelta(days=day)
        sessions.append(
            SessionSpec(
                title=f"{MODULES_BY_CODE[code].title}: {data.SESSION_PARTS[number % 6]}",
                starts_at=clock.at(date, begins.hour, begins.minute),
                ends_at=clock.at(date, ends.hour, ends.minute),
                room="" if spec.format == "online" else rng.choice(data.ROOMS),
                module_code=code,
                trainer_count=1 if rng.random() < 0.6 else 2,
            )
        )
    return sessions


def build_training(seed: int, index: int, clock: Clock) -> TrainingSpec:
    """Training ``index``, the same whatever the number of trainings."""
    rng = random.Random(f"{seed}:training:{index}")
    slot = SCHEDULE[index] if index < len(SCHEDULE) else random_slot(rng)
    topic = data.TOPICS[index % len(data.TOPICS)][0]
    regions = target_regions(rng)
    title = training_title(rng, topic, regions)
    main = rng.choice(CODES_BY_TOPIC[topic])
    others = rng.sample([code for code in MODULES_BY_CODE if code != main], rng.randint(0, 2))
    start = clock.days(slot.offset)
    end = start + dt.timedelta(days=slot.days - 1)
    in_region = [venue for venue in data.VENUES if venue[2] in regions]
    city, country, _region = rng.choice(in_region)
    opens, closes = registration_window(rng, slot, start, end, clock)
    module = MODULES_BY_CODE[main]
    spec = TrainingSpec(
        index=index,
        slug=f"{slugify(title)}-{index + 1}",
        title=title,
        description=(
            f"{module.summary}\n\nA {slot.days}-day training for "
            f"{module.audience[0].lower()}{module.audience[1:]} from "
            f"{' and '.join(data.REGION_IN_TITLES[r] for r in regions)}. It follows the "
            f"curriculum modules {', '.join([main, *others])}."
        ),
        topic=topic,
        module_codes=[main, *others],
        start=start,
        end=end,
        format=slot.format,
        venue_city=city if slot.format != "online" else "",
        venue_country=country if slot.format != "online" else "",
        online_url=meeting_url(rng) if slot.format != "in_person" else "",
        languages=working_languages(regions),
        capacity=slot.capacity or rng.randint(15, 30),
        requires_approval=slot.requires_approval,
        status=slot.status,
        opens_at=opens,
        closes_at=closes,
        regions=regions,
        registrants=slot.registrants or rng.randint(20, 40),
        team_size=rng.randint(2, 3),
        quota_share=slot.quotas,
    )
    spec.sessions = build_sessions(rng, spec, clock)
    return spec


def training_row(spec: TrainingSpec, tz: dt.tzinfo) -> Training:
    return Training(
        title=spec.title,
        slug=spec.slug,
        description=spec.description,
        start_date=spec.start,
        end_date=spec.end,
        format=spec.format,
        venue_city=spec.venue_city,
        venue_country=spec.venue_country,
        online_url=spec.online_url,
        languages=spec.languages,
        capacity=spec.capacity,
        registration_opens_at=spec.opens_at,
        registration_closes_at=spec.closes_at,
        requires_approval=spec.requires_approval,
        status=spec.live_status,
        quota_release_at=(
            dt.datetime.combine(spec.start - dt.timedelta(days=7), dt.time(9), tzinfo=tz)
            if spec.quota_share
            else None
        ),
    )


def create_trainings(
    specs: list[TrainingSpec], modules: dict[str, Module], clock: Clock, created: Created
) -> dict[str, Training]:
    """The trainings with their modules, target regions and quotas, validated; by slug."""
    rows = [training_row(spec, clock.tz) for spec in specs]
    for spec, row in zip(specs, rows, strict=True):
        # Beyond the hand-placed fourteen, skip the constraint and uniqueness checks of
        # full_clean(): a query per check per row (23 s of 60 s at 100k on PostgreSQL),
        # while the database enforces the very same constraints on insert, and the new
        # slugs are unique (numbered) and not in the database (``seed`` leaves those out).
        hand_placed = spec.index < len(SCHEDULE)
        row.full_clean(validate_unique=hand_placed, validate_constraints=hand_placed)
    Training.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    ids = ids_by_key(Training, "slug", [row.slug for row in rows])
    by_slug = {}
    for row in rows:
        row.pk = ids[row.slug]
        by_slug[row.slug] = row
    module_links = [
        Training.modules.through(training_id=by_slug[spec.slug].pk, module_id=modules[code].pk)
        for spec in specs
        for code in spec.module_codes
    ]
    region_links = [
        Training.target_regions.through(training_id=by_slug[spec.slug].pk, region_id=region)
        for spec in specs
        for region in spec.regions
    ]
    Training.modules.through.objects.bulk_create(module_links, batch_size=BATCH_SIZE)
    Training.target_regions.through.objects.bulk_create(region_links, batch_size=BATCH_SIZE)
    quotas = [
        TrainingQuota(training=by_slug[spec.slug], region_id=region, seats=seats)
        for spec in specs
        for region, seats in spec.quotas().items()
    ]
    for quota in quotas:
        quota.full_clean()
    TrainingQuota.objects.bulk_create(quotas)
    created.trainings += len(rows)
    return by_slug


def create_sessions(
    specs: list[TrainingSpec],
    trainings: dict[str, Training],
    modules: dict[str, Module],
    created: Created,
) -> dict[str, list[Session]]:
    """Sessions of the new trainings, each checked by ``Session.clean()``; per slug,
    in time order (trainers are booked afterwards, ``experts.book_trainers``)."""
    by_training: dict[str, list[Session]] = {}
    for spec in specs:
        for item in spec.sessions:
            session = Session(
                training=trainings[spec.slug],
                title=item.title,
                starts_at=item.starts_at,
                ends_at=item.ends_at,
                room=item.room,
                module=modules[item.module_code],
            )
            session.clean()
            by_training.setdefault(spec.slug, []).append(session)
    rows = [session for sessions in by_training.values() for session in sessions]
    Session.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    created.sessions += len(rows)
    return by_training


def finish_trainings(
    specs: list[TrainingSpec],
    trainings: dict[str, Training],
    played: set[str],
    coordinator: AbstractBaseUser,
    clock: Clock,
) -> None:
    """Completed trainings take their status once their story is written (cancelled
    ones were called off in their story): through the life-cycle service (closed, then
    completed, the evening of the last day) for the trainings played through the
    services, in one update per status for the others."""
    for spec in specs:
        if spec.status == Training.Status.COMPLETED and spec.slug in played:
            with at_time(min(clock.at(spec.end, 18), clock.now)):
                training_close(training=trainings[spec.slug], actor=coordinator)
                training_complete(training=trainings[spec.slug], actor=coordinator)
    for status in FINISHED:
        rows = [
            trainings[spec.slug]
            for spec in specs
            if spec.status == status and trainings[spec.slug].status != status
        ]
        for part in chunks([row.pk for row in rows]):
            Training.objects.filter(pk__in=part).update(status=status)
        for row in rows:
            row.status = status
