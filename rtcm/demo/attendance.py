"""What happened at the sessions already held: attendance, and the trainers' ratings.

For the trainings whose story was played through the services
(``registrations``), the coordinator's attendance sheet goes through
``participants.services``: everyone confirmed marked present
(``attendance_mark_all_present``), then the absent ones marked absent
(``attendance_mark``), at the end of each session; and the ratings through
``experts.ratings.trainer_rate`` (confirmed, present, the session's own trainer,
the session over). For a copied story the same rows are written in bulk: the
confirmed people (as the services decided for the original), marked by the same
coordinator at the same time, rating only trainers of sessions they were
present at — rows these services would write for the same marks.

Some people of completed trainings (``RATERS``) rate each of their trainers once,
at the last session they attended with that trainer. Scores scatter around each
trainer's own level; now and then a comment in the person's language.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from courses.models import Session
from experts.models import Expert, TrainerRating
from experts.ratings import trainer_rate
from participants import services
from participants.models import Attendance, Registration
from rtcm.demo import data
from rtcm.demo.common import Clock, Created, at_time, insert_rows
from rtcm.demo.people import PersonSpec
from rtcm.demo.registrations import Story

RATERS = 0.3  # share of the people of a completed training who rate its trainers
Status = Registration.Status


@dataclass(slots=True)
class Mark:
    slug: str  # the training's
    registration: Registration
    person: int
    session: Session
    present: bool


def record_attendance(
    seed: int,
    stories: list[Story],
    registrations: dict[str, dict[int, Registration]],
    sessions: dict[str, list[Session]],
    coordinator: AbstractBaseUser,
    clock: Clock,
    created: Created,
) -> list[Mark]:
    """Presence of the confirmed people at the sessions already held, in time order."""
    rng = random.Random(f"{seed}:attendance")
    marks: list[Mark] = []
    bulk: list[tuple] = []
    for story in stories:
        held = [row for row in sessions.get(story.slug, []) if row.ends_at <= clock.now]
        by_person = registrations.get(story.slug, {})
        confirmed = [
            (person, by_person[person])
            for person in story.people
            if person in by_person and by_person[person].status == Status.CONFIRMED
        ]
        for session in held:
            sheet = [
                Mark(
                    story.slug,
                    registration,
                    person,
                    session,
                    rng.random() < story.reliability[person],
                )
                for person, registration in confirmed
            ]
            marks.extend(sheet)
            if story.is_copy:
                marked_at = session.ends_at
                bulk.extend(
                    (mark.registration.pk, session.pk, mark.present, coordinator.pk, marked_at)
                    for mark in sheet
                )
                continue
            with at_time(session.ends_at):
                services.attendance_mark_all_present(session=session, actor=coordinator)
                for mark in sheet:
                    if not mark.present:
                        services.attendance_mark(
                            session=session,
                            registration=mark.registration,
                            present=False,
                            actor=coordinator,
                        )
    insert_rows(Attendance, ["registration", "session", "present", "marked_by", "marked_at"], bulk)
    created.attendance += len(marks)
    return marks


def record_ratings(
    seed: int,
    stories: list[Story],
    marks: list[Mark],
    trainers: dict[int, list[int]],
    people: list[PersonSpec],
    completed: set[str],
    clock: Clock,
    created: Created,
) -> None:
    """Ratings of the trainers of completed trainings (only this run's trainings)."""
    rng = random.Random(f"{seed}:ratings")
    copied = {story.slug for story in stories if story.is_copy}
    # Per registration, each trainer's last attended session (marks are in time order).
    last: dict[int, dict[int, Session]] = {}
    mark_of: dict[int, Mark] = {}
    for mark in marks:
        if mark.present and mark.slug in completed:
            seen = last.setdefault(mark.registration.pk, {})
            mark_of[mark.registration.pk] = mark
            for expert_id in trainers.get(mark.session.pk, ()):
                seen[expert_id] = mark.session
    experts = Expert.objects.in_bulk({pk for ids in trainers.values() for pk in ids})
    level: dict[int, float] = {}
    rows: list[tuple] = []
    for registration_id, by_expert in last.items():
        if rng.random() >= RATERS:
            continue
        mark = mark_of[registration_id]
        language = people[mark.person].preferred_language
        for expert_id, session in by_expert.items():
            if expert_id not in level:
                level[expert_id] = rng.uniform(3.3, 4.8)
            score = min(5, max(1, round(rng.gauss(level[expert_id], 0.8))))
            comment = ""
            if rng.random() < 0.3:
                band = "high" if score >= 4 else "mid" if score == 3 else "low"
                comments = data.RATING_COMMENTS.get(language, data.RATING_COMMENTS["en"])
                comment = rng.choice(comments[band])
            rated_at = min(session.ends_at + dt.timedelta(hours=rng.randint(1, 48)), clock.now)
            if mark.slug in copied:
                rows.append((registration_id, session.pk, expert_id, score, comment, rated_at))
                continue
            with at_time(rated_at):
                trainer_rate(
                    registration=mark.registration,
                    session=session,
                    expert=experts[expert_id],
                    score=score,
                    comment=comment,
                )
            created.ratings += 1
    # Only new registrations' ratings: none can exist already.
    created.ratings += insert_rows(
        TrainerRating,
        ["registration", "session", "expert", "score", "comment", "created_at"],
        rows,
    )
