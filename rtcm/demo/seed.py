"""``seed_demo()``: a believable Regional Training Center on Migration, for demos and
load tests (``manage.py seed_demo`` is a thin wrapper around it).

It builds the center's eight topics; one approved curriculum of ten modules
(``curriculum``); an expert network from the three regions (``experts``: thirty
experts, or N // 1000); trainings spread over the past three years and the next
six months — completed, running today, open, draft and cancelled — with their
sessions and trainers (``trainings``, ``experts.book_trainers``); N participants
with their names in their own scripts (``people``); registrations in every status,
decided by the participants' services (``registrations``); the attendance of the
sessions already held and the ratings some participants gave their trainers
(``attendance``); the certificates of the completed trainings played through the
services (``certificates``, without their PDFs); a dozen library documents as PDFs
(``library``); and the demo's accounts (``accounts``). The number of trainings grows
with N (``max(14, N // 25)``) so that each has 20 to 40 registrations.

Why a second run changes nothing. All randomness comes from ``random.Random``
seeded with ``seed``, one stream per kind of row, so a run regenerates the same
rows with the same natural keys: topic slug, curriculum title + version, module
code, expert slug, training slug, participant e-mail. A row whose key exists is
left alone. Sessions, bookings, registrations, attendance and ratings are written
only for the trainings created in the same run, whole, so a second run — even with
another size — neither duplicates a row nor overbooks a training. Everything
happens in one transaction.

Why it is fast. Rows without a rule of their own (people, trainings, sessions) are
built in memory and written in bulk; registrations, bookings, attendance and
ratings go through the services for a representative set of trainings and are
copied or written in bulk, under the same rules, for the others (see
``registrations``, ``experts.assign_trainers``, ``attendance``). The queries are
per kind of row, or per step of the few stories the services play — never per
participant.

Dates are relative to the day of the run that created the rows: an old demo
database ages; seed a fresh one to have trainings running today again.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction

from courses.models import Curriculum, Training
from rtcm.demo import (
    accounts,
    attendance,
    certificates,
    curriculum,
    experts,
    people,
    registrations,
    trainings,
)
from rtcm.demo.common import Clock, Created, ids_by_key
from rtcm.demo.library import seed_library
from rtcm.demo.programmes import seed_programmes
from rtcm.demo.volunteers import seed_volunteers
from rtcm.demo.website import seed_website

DEFAULT_PARTICIPANTS = 200
DEFAULT_SEED = 2026
SIZE = re.compile(r"(-?\d+(?:[,_]\d{3})*(?:\.\d+)?)\s*([km]?)", re.IGNORECASE)


class SeedRefused(ValueError):
    """The demo is not seeded: a bad size, or a published password without DEBUG."""


def parse_size(value: str | int) -> int:
    """A number of participants: ``200``, ``100000``, ``100_000``, ``100,000``, ``100k``, ``1m``."""
    if isinstance(value, int):
        return value
    match = SIZE.fullmatch(value.strip())
    if match is None:
        raise SeedRefused(f"Not a number of participants: {value!r} (say 200, 100000 or 100k).")
    digits, unit = match.groups()
    number = float(digits.replace(",", "").replace("_", ""))
    return round(number * {"": 1, "k": 1_000, "m": 1_000_000}[unit.lower()])


@dataclass
class Seeded:
    """What a run did: the rows it created, and the plan it followed."""

    created: Created
    seconds: float
    login: str = ""  # how to sign in, with ``demo_login``
    people: list[people.PersonSpec] = field(default_factory=list)
    stories: dict[str, registrations.Story] = field(default_factory=dict)  # by training slug


class _Progress:
    def __init__(self, write: Callable[[str], None], verbosity: int) -> None:
        self.write, self.verbosity = write, verbosity

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one step; verbosity 2 prints it."""
        started = time.monotonic()
        yield
        if self.verbosity >= 2:
            self.write(f"  {name}: {time.monotonic() - started:.1f} s")


def seed_demo(
    *,
    size: int | str = DEFAULT_PARTICIPANTS,
    seed: int = DEFAULT_SEED,
    demo_login: bool = False,
    verbosity: int = 1,
    write: Callable[[str], None] = lambda _message: None,
) -> Seeded:
    """Seed the demo center with ``size`` participants, in one transaction.

    ``demo_login`` also creates the superuser demo / rtcm-demo, and is refused
    (``SeedRefused``) unless DEBUG is on. ``write`` receives warnings and, at
    ``verbosity`` 2, the time of each step.
    """
    participant_count = parse_size(size)
    if participant_count < 0:
        raise SeedRefused("--participants cannot be negative.")
    if demo_login and not settings.DEBUG:
        raise SeedRefused(
            "--demo-login is refused when DEBUG is off: it would create a superuser "
            "with a published password. Use createsuperuser on a real deployment."
        )
    progress = _Progress(write, verbosity)
    started = time.monotonic()
    seeded = Seeded(Created(), 0.0)
    # The demo's rows are not staff actions: they stay out of the audit log.
    with transaction.atomic(), disable_auditlog():
        _seed(seeded, seed, participant_count, progress)
        with progress.step("library"):
            seeded.created.documents = seed_library()
        # The center beyond its trainings: programmes and donors (the trainings join
        # them), the Migration Volunteers on past trainings, the website's pages and news.
        with progress.step("programmes"):
            seeded.created.programmes = seed_programmes()
        with progress.step("volunteers"):
            seeded.created.volunteers = seed_volunteers()
        with progress.step("website"):
            seeded.created.website = seed_website()
        seeded.login = accounts.ensure_demo_login() if demo_login else ""
    seeded.seconds = time.monotonic() - started
    return seeded


def _seed(seeded: Seeded, seed: int, participant_count: int, progress: _Progress) -> None:
    created = seeded.created
    clock = Clock.current()
    pickers = people.Pickers.build()
    with progress.step("topics, curriculum, experts"):
        topics = curriculum.ensure_topics(created)
        center = curriculum.ensure_curriculum(clock, created)
        if center.status != Curriculum.Status.APPROVED:
            progress.write(
                "Another curriculum is the approved one: the demo curriculum stays "
                f"{center.get_status_display().lower()}."
            )
        modules = curriculum.ensure_modules(center, topics, created)
        expert_count = max(30, participant_count // 1000)
        experts.ensure_experts(seed, expert_count, pickers, clock, topics, created)
    with progress.step("plan trainings, participants, registrations"):
        count = trainings.training_count(participant_count)
        specs = [trainings.build_training(seed, index, clock) for index in range(count)]
        existing = ids_by_key(Training, "slug", [spec.slug for spec in specs])
        new_specs = [spec for spec in specs if spec.slug not in existing]
        persons = people.build_people(seed, participant_count, pickers)
        stories = registrations.plan_registrations(seed, new_specs, persons, clock)
    seeded.people, seeded.stories = persons, stories
    if not new_specs:
        with progress.step("participants"):
            people.create_participants(persons, created)
        return
    with progress.step("trainings, sessions"):
        coordinator = accounts.ensure_demo_coordinator()
        rows = trainings.create_trainings(new_specs, modules, clock, created)
        sessions = trainings.create_sessions(new_specs, rows, modules, created)
    played = [story for story in stories.values() if not story.is_copy]
    played_slugs = {story.slug for story in played}
    with progress.step("trainers"):
        trainers = experts.book_trainers(
            seed,
            [
                experts.TrainerPlan(
                    module_code=spec.module_codes[0],
                    team_size=spec.team_size,
                    sessions=sessions.get(spec.slug, []),
                    counts=[item.trainer_count for item in spec.sessions],
                    through_service=spec.slug in played_slugs
                    or spec.index < len(trainings.SCHEDULE),
                )
                for spec in new_specs
            ],
            modules,
        )
    copies = [story for story in stories.values() if story.is_copy]
    emails = [person.email for person in persons]
    by_slug: dict[str, dict] = {}
    with progress.step(f"registrations of {len(played)} trainings (participants.services)"):
        # Their people first, the others after: the service looks a person up by
        # e-mail (any letter case), which reads the whole table.
        played_people = registrations.people_played(played)
        people.create_participants(
            [person for index, person in enumerate(persons) if index in played_people], created
        )
        originals = {story.original for story in copies}
        outcomes = {}
        for story in played:
            by_slug[story.slug] = registrations.play_story(
                story, rows[story.slug], emails, coordinator
            )
            if story.slug in originals:
                outcomes[story.slug] = registrations.read_outcomes(by_slug[story.slug], story)
        registrations.mark_notifications_sent([rows[story.slug] for story in played])
    with progress.step("participants"):
        ids = people.create_participants(persons, created)
    with progress.step(f"registrations of {len(copies)} trainings (copies)"):
        by_slug.update(
            registrations.copy_outcomes(
                [(story, rows[story.slug], outcomes[story.original]) for story in copies],
                persons,
                ids,
            )
        )
    created.registrations += sum(len(rows_) for rows_ in by_slug.values())
    story_list = [stories[spec.slug] for spec in new_specs if spec.slug in stories]
    with progress.step("attendance"):
        marks = attendance.record_attendance(
            seed, story_list, by_slug, sessions, coordinator, clock, created
        )
    with progress.step("ratings"):
        completed = {spec.slug for spec in new_specs if spec.status == Training.Status.COMPLETED}
        attendance.record_ratings(
            seed, story_list, marks, trainers, persons, completed, clock, created
        )
    trainings.finish_trainings(new_specs, rows, played_slugs, coordinator, clock)
    with progress.step("certificates (participants.services)"):
        certificates.issue_certificates(new_specs, rows, played_slugs, clock, created)
