"""Seed a believable Regional Training Center on Migration, for demos and load tests.

``manage.py seed_demo [--participants N] [--seed S] [--demo-login]`` builds the
center's eight topics; one approved curriculum of ten modules; an expert network
from the three regions (thirty experts, or N // 1000: their working languages,
phones, biographies; applicants waiting for review, one declined, some inactive,
one who withdrew consent to a public profile); trainings spread over the past
three years and the next six months — completed, running today, open, draft and
cancelled — with their sessions and trainers; N participants (200 by default)
with their names in their own scripts; registrations in every status; the
attendance of the sessions already held; the ratings some participants gave the
trainers of completed trainings; and a dozen library documents as PDFs
(``rtcm/demo/library.py``). The number of trainings grows with N
(``max(14, N // 25)``) so that each has 20 to 40 registrations.

Why a second run changes nothing. All randomness comes from ``random.Random``
seeded with ``--seed``, one stream per kind of row, so a run regenerates the
same rows with the same natural keys: topic slug, curriculum title + version,
module code, expert slug, training slug, participant e-mail. A row whose key
exists is left alone. Sessions, registrations, attendance and ratings are written
only for the trainings created in the same run, whole, so a second run — even with
another ``--participants`` — neither duplicates a row nor overbooks a training.
Everything happens in one transaction.

Why it is fast. Rows are built in memory and written with ``bulk_create``,
many-to-many links included (through models); the queries are per kind of row,
never per participant.

It writes rows directly rather than through ``participants.services``, which
send e-mails and refuse trainings in the past, and keeps their invariants: no
more confirmed registrations than seats, a waiting list only once full and with
its time, pending only where approval is required, every registration dated
before its training started; and the expert network's (``experts.services.
trainer_problem``): only active experts teach, nobody teaches two sessions at once
(checked in memory, ``Bookings``, against the bookings already in the database);
a rating only from a person present at an ended session of that trainer.

Dates are relative to the day of the run that created the rows: an old demo
database ages; seed a fresh one to have trainings running today again.
"""

import bisect
import contextlib
import datetime as dt
import itertools
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Model, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from courses.models import Curriculum, Module, Session, Topic, Training
from experts.models import WORKING_LANGUAGE_NAMES, Expert, ExpertLanguage
from participants.models import (
    Attendance,
    Participant,
    Registration,
    TrainerRating,
    new_manage_token,
)
from rtcm.core.models import CountryRegion, Region
from rtcm.core.roles import ALL_ROLES
from rtcm.demo import data
from rtcm.demo.library import seed_library

BATCH_SIZE = 2000
DEFAULT_PARTICIPANTS = 200
DEFAULT_SEED = 2026
MIN_TRAININGS = 14
PARTICIPANTS_PER_TRAINING = 25
RATERS = 0.3  # share of the people of a completed training who rate its trainers
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "rtcm-demo"  # noqa: S105 — public on purpose; refused unless DEBUG
MORNING = (dt.time(9, 30), dt.time(12, 30))
AFTERNOON = (dt.time(14, 0), dt.time(17, 0))

Status = Registration.Status
T = TypeVar("T")
# Active expert ids, and active expert ids per topic id.
ExpertPool = tuple[list[int], dict[int, list[int]]]
# The curriculum's modules by code, and their codes per topic slug — from the data, not
# the database, so that a training's plan depends on the seed alone.
MODULES_BY_CODE: dict[str, data.ModuleData] = {module.code: module for module in data.MODULES}
CODES_BY_TOPIC: dict[str, list[str]] = {}
for _module in data.MODULES:
    CODES_BY_TOPIC.setdefault(_module.topic, []).append(_module.code)


# --- Small helpers --------------------------------------------------------------


class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items, weights = zip(*pairs, strict=True)
        self.items: Sequence[T] = items
        self.cum_weights = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum_weights)[0]


@dataclass(frozen=True)
class Clock:
    """Today and now, and local times of the center's time zone."""

    now: dt.datetime
    today: dt.date
    tz: dt.tzinfo

    @classmethod
    def current(cls) -> "Clock":
        now = timezone.now().replace(microsecond=0)
        return cls(now=now, today=timezone.localdate(now), tz=timezone.get_default_timezone())

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)


def between(rng: random.Random, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """A time between lo and hi, to the second."""
    seconds = max(0, int((hi - lo).total_seconds()))
    return lo + dt.timedelta(seconds=rng.randint(0, seconds))


def clamp(value: dt.datetime, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    return max(lo, min(value, hi))


def chunks(values: Sequence[T], size: int = 900) -> Iterator[Sequence[T]]:
    """Slices short enough for an ``IN (...)`` on any database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def ids_by_key(model: type[Model], key: str, values: Sequence[Any]) -> dict[Any, int]:
    found: dict[Any, int] = {}
    for part in chunks(values):
        found.update(model._default_manager.filter(**{f"{key}__in": part}).values_list(key, "pk"))
    return found


# --- Specifications built in memory ---------------------------------------------------


@dataclass(slots=True)
class PersonSpec:
    given_name: str
    family_name: str
    email: str
    phone: str
    gender: str
    nationality: str
    residence: str
    organisation: str
    organisation_type: str
    position: str
    preferred_language: str
    region: str
    consent_given_at: dt.datetime | None = None


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

    @property
    def has_registrations(self) -> bool:
        return self.status != Training.Status.DRAFT and self.registrants > 0


@dataclass(slots=True)
class RegistrationSpec:
    person: int  # index into the participant specs
    status: str
    submitted_at: dt.datetime
    status_changed_at: dt.datetime
    waitlisted_at: dt.datetime | None = None
    reason: str = ""
    reliability: float = 0.9  # chance of being present at a session


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


# The first fourteen trainings: past, running today, upcoming, drafts, one cancelled;
# one past and one open are over-subscribed so the waiting list shows.
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
    Slot(35, 4, "open", False, "hybrid", capacity=15, registrants=32),
    Slot(75, 3, "open", True, "online"),
    Slot(110, 5, "draft", False, "in_person"),
    Slot(140, 3, "draft", True, "online"),
    Slot(165, 2, "cancelled", False, "in_person"),
)


@dataclass
class Created:
    """How many rows of each kind this run wrote."""

    topics: int = 0
    curricula: int = 0
    modules: int = 0
    experts: int = 0
    expert_languages: int = 0
    trainings: int = 0
    sessions: int = 0
    participants: int = 0
    registrations: int = 0
    attendance: int = 0
    ratings: int = 0
    documents: int = 0

    def summary(self) -> str:
        return " ".join(f"{name}={value}" for name, value in vars(self).items())


# --- People ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pickers:
    country: Weighted[str]
    country_by_region: dict[str, Weighted[str]]
    name_pool: dict[str, Weighted[str]]
    language: dict[str, Weighted[str]]
    gender: Weighted[str]
    organisation_type: Weighted[str]
    expert_organisation_type: Weighted[str]

    @classmethod
    def build(cls) -> "Pickers":
        by_region: dict[str, list[tuple[str, float]]] = {}
        for code, profile in data.COUNTRIES.items():
            by_region.setdefault(profile.region, []).append((code, profile.weight))
        return cls(
            country=Weighted((code, p.weight) for code, p in data.COUNTRIES.items()),
            country_by_region={region: Weighted(pairs) for region, pairs in by_region.items()},
            name_pool={code: Weighted(p.name_pools) for code, p in data.COUNTRIES.items()},
            language={code: Weighted(p.languages) for code, p in data.COUNTRIES.items()},
            gender=Weighted(data.GENDERS),
            organisation_type=Weighted(data.ORGANISATION_TYPES),
            expert_organisation_type=Weighted(data.EXPERT_ORGANISATION_TYPES),
        )


def person_name(rng: random.Random, pool_key: str, gender: str) -> tuple[str, str]:
    pool = data.NAME_POOLS[pool_key]
    female = gender == "female" or (gender not in ("male", "female") and rng.random() < 0.5)
    given = rng.choice(pool.female if female else pool.male)
    family = pool.family_for(rng.choice(pool.family), female=female)
    return given, family


def organisation(rng: random.Random, country: str, kind: str) -> tuple[str, str]:
    """An organisation of the country and its type (international when none is known)."""
    profile = data.COUNTRIES[country]
    options = {
        "government": profile.government,
        "ngo": profile.ngo,
        "academia": profile.academia,
        "international": data.INTERNATIONAL_ORGANISATIONS,
        "other": data.OTHER_ORGANISATIONS,
    }[kind]
    if not options:
        kind, options = "international", data.INTERNATIONAL_ORGANISATIONS
    return rng.choice(options).format(country=profile.name), kind


def phone_number(rng: random.Random, country: str) -> str:
    code = data.COUNTRIES[country].phone_code
    return (
        f"+{code} {rng.randint(20, 99)} {rng.randint(100, 999)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}"
    )


def residence(rng: random.Random, nationality: str) -> str:
    abroad = data.RESIDENCE_ABROAD.get(nationality)
    if abroad and rng.random() < abroad[1]:
        return rng.choice(abroad[0])
    return nationality


def position(rng: random.Random, org_name: str, org_type: str) -> str:
    """A position that fits the organisation: border guards at a border service, and so on."""
    if org_type == "government":
        for key in ("Border", "Foreign Affairs", "Labour"):
            if key in org_name:
                return rng.choice(data.POSITIONS[key])
    return rng.choice(data.POSITIONS[org_type])


def preferred_language(rng: random.Random, pickers: Pickers, country: str, pool: str) -> str:
    """The country's languages, except that Russian-named people write in Russian or English."""
    if pool == "ru":
        return "ru" if rng.random() < 0.85 else "en"
    return pickers.language[country].pick(rng)


def build_person(rng: random.Random, pickers: Pickers, number: int) -> PersonSpec:
    country = pickers.country.pick(rng)
    gender = pickers.gender.pick(rng)
    pool = pickers.name_pool[country].pick(rng)
    given, family = person_name(rng, pool, gender)
    org_name, org_type = organisation(rng, country, pickers.organisation_type.pick(rng))
    local = f"{data.ascii_name(given)}.{data.ascii_name(family)}".strip(".") or "participant"
    return PersonSpec(
        given_name=given,
        family_name=family,
        email=f"{local}{number}@{rng.choice(data.EMAIL_DOMAINS)}",
        phone=phone_number(rng, country),
        gender=gender,
        nationality=country,
        residence=residence(rng, country),
        organisation=org_name,
        organisation_type=org_type,
        position=position(rng, org_name, org_type),
        preferred_language=preferred_language(rng, pickers, country, pool),
        region=data.COUNTRIES[country].region,
    )


def build_people(seed: int, count: int, pickers: Pickers) -> list[PersonSpec]:
    """Participant i is the same whatever the count: one stream, drawn in order."""
    rng = random.Random(f"{seed}:participants")
    return [build_person(rng, pickers, number) for number in range(1, count + 1)]


# --- Topics, curriculum, experts -------------------------------------------------------


def ensure_topics(created: Created) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    for position, (slug, name, description) in enumerate(data.TOPICS, start=1):
        topic = Topic.objects.filter(Q(slug=slug) | Q(name=name)).first()
        if topic is None:
            topic = Topic.objects.create(
                slug=slug, name=name, description=description, position=position
            )
            created.topics += 1
        topics[slug] = topic
    return topics


def ensure_curriculum(clock: Clock, created: Created) -> Curriculum:
    """The demo curriculum, approved unless another curriculum already is."""
    curriculum = Curriculum.objects.filter(
        title=data.CURRICULUM_TITLE, version=data.CURRICULUM_VERSION
    ).first()
    if curriculum is not None:
        return curriculum
    another_approved = Curriculum.objects.filter(status=Curriculum.Status.APPROVED).exists()
    curriculum = Curriculum(
        title=data.CURRICULUM_TITLE,
        version=data.CURRICULUM_VERSION,
        description=data.CURRICULUM_DESCRIPTION,
        status=Curriculum.Status.DRAFT if another_approved else Curriculum.Status.APPROVED,
        approved_on=None if another_approved else clock.days(-3 * 365 - 60),
    )
    curriculum.full_clean()
    curriculum.save()
    created.curricula += 1
    return curriculum


def ensure_modules(
    curriculum: Curriculum, topics: dict[str, Topic], created: Created
) -> dict[str, Module]:
    existing = set(curriculum.modules.values_list("code", flat=True))
    missing = [
        Module(
            curriculum=curriculum,
            position=position,
            code=item.code,
            title=item.title,
            topic=topics[item.topic],
            summary=item.summary,
            learning_outcomes="\n".join(item.outcomes),
            hours=item.hours,
            delivery_methods=item.delivery,
            audience=item.audience,
        )
        for position, item in enumerate(data.MODULES, start=1)
        if item.code not in existing
    ]
    Module.objects.bulk_create(missing, ignore_conflicts=True)
    created.modules += len(missing)
    return {module.code: module for module in curriculum.modules.select_related("topic")}


@dataclass(frozen=True)
class ExpertPlan:
    """Where an expert stands in the network."""

    status: str
    consents: bool  # consents to a public profile now
    withdrew: bool = False  # consented once, then withdrew


def expert_status(index: int) -> ExpertPlan:
    """Per thirty experts: four applicants waiting for review (who consented on the
    public form), one declined, two inactive, one active expert who withdrew consent
    to a public profile and one who never gave it (entered by staff): 21 public."""
    slot = index % 30
    if slot in (4, 11, 19, 26):
        return ExpertPlan(Expert.Status.APPLICANT, consents=True)
    if slot == 16:
        return ExpertPlan(Expert.Status.DECLINED, consents=True)
    if slot in (13, 28):
        return ExpertPlan(Expert.Status.INACTIVE, consents=True)
    if slot == 8:
        return ExpertPlan(Expert.Status.ACTIVE, consents=False, withdrew=True)
    if slot == 23:
        return ExpertPlan(Expert.Status.ACTIVE, consents=False)
    return ExpertPlan(Expert.Status.ACTIVE, consents=True)


@dataclass(slots=True)
class ExpertSpec:
    expert: Expert
    topics: list[str]  # topic slugs
    languages: list[str]  # working language codes


def expert_languages(rng: random.Random, country: str) -> list[str]:
    """One to three working languages, plausible for the country (``data.EXPERT_LANGUAGES``)."""
    options = data.EXPERT_LANGUAGES.get(country)
    if options is None:
        arab = data.COUNTRIES[country].region == "middle-east"
        options = data.EXPERT_LANGUAGES_ARAB if arab else (("en", 1),)
    chosen = [code for code, chance in options if rng.random() < chance][:3]
    return chosen or [max(options, key=lambda option: option[1])[0]]


def correspondence_language(rng: random.Random, languages: list[str]) -> str:
    """One of the site's languages the expert works in (the default when none is)."""
    site = {code for code, _name in settings.LANGUAGES}
    usable = [code for code in languages if code in site]
    return rng.choice(usable) if usable else settings.LANGUAGE_CODE


def language_list(codes: list[str]) -> str:
    names = [str(WORKING_LANGUAGE_NAMES[code]) for code in codes]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def expert_bio(
    rng: random.Random,
    *,
    position: str,
    org_name: str,
    years: int,
    topic_names: list[str],
    region: str,
    languages: list[str],
) -> str:
    """Two or three sentences: post, experience, and what the expert does."""
    sentences = [
        f"{position}, {org_name}.",
        f"{years} years of work on {', '.join(name.lower() for name in topic_names)}.",
    ]
    if rng.random() < 0.75:
        closing = rng.choice(data.EXPERT_BIO_CLOSINGS)
        where = data.REGION_IN_TITLES.get(region, data.EXPERT_REGION_ELSEWHERE)
        sentences.append(closing.format(region=where, languages=language_list(languages)))
    return " ".join(sentences)


def expert_history(
    rng: random.Random, plan: ExpertPlan, consent_days: int | None, clock: Clock
) -> dict[str, dt.datetime | None]:
    """When the expert applied (consenting, as the public form asks), when the network
    office decided (approved, declined, or later paused), and when a consent was withdrawn.
    Applicants applied in the past weeks and wait for review."""
    if plan.status == Expert.Status.APPLICANT:
        applied = clock.now - dt.timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 23))
        return {
            "public_profile_consent_at": applied,
            "public_profile_consent_withdrawn_at": None,
            "status_changed_at": None,
        }
    applied = clock.now - dt.timedelta(days=consent_days or rng.randint(60, 900))
    decided = min(applied + dt.timedelta(days=rng.randint(3, 30)), clock.now - dt.timedelta(days=1))
    if plan.status == Expert.Status.INACTIVE:
        decided = between(rng, decided, clock.now - dt.timedelta(days=7))
    return {
        "public_profile_consent_at": applied if plan.consents else None,
        "public_profile_consent_withdrawn_at": between(rng, decided, clock.now)
        if plan.withdrew
        else None,
        "status_changed_at": decided,
    }


def build_expert(
    rng: random.Random, details: random.Random, pickers: Pickers, index: int, clock: Clock
) -> ExpertSpec:
    """Expert ``index``. ``rng`` draws what it always drew, so that the experts of an
    earlier demo database keep their names (and slugs); ``details``, the expert's own
    stream, draws the rest: languages, phone, history, biography."""
    region = "other" if index % 10 == 9 else data.REGION_CODES[index % 3]
    country = pickers.country_by_region[region].pick(rng)
    gender = "female" if rng.random() < 0.5 else "male"
    given, family = person_name(rng, pickers.name_pool[country].pick(rng), gender)
    org_name, org_type = organisation(rng, country, pickers.expert_organisation_type.pick(rng))
    topics = rng.sample([slug for slug, _name, _text in data.TOPICS], rng.randint(1, 3))
    topic_names = {slug: name for slug, name, _text in data.TOPICS}
    plan = expert_status(index)
    position = rng.choice(data.EXPERT_POSITIONS[org_type])
    years = rng.randint(8, 25)
    consent_days = rng.randint(30, 900) if plan.consents else None
    languages = expert_languages(details, country)
    expert = Expert(
        given_name=given,
        family_name=family,
        country=country,
        phone=phone_number(details, country),
        organisation=org_name,
        position=position,
        status=plan.status,
        correspondence_language=correspondence_language(details, languages),
        bio=expert_bio(
            details,
            position=position,
            org_name=org_name,
            years=years,
            topic_names=[topic_names[slug] for slug in topics],
            region=region,
            languages=languages,
        ),
        staff_notes=data.EXPERT_STAFF_NOTES.get("withdrew" if plan.withdrew else plan.status, ""),
        **expert_history(details, plan, consent_days, clock),
    )
    return ExpertSpec(expert, topics, languages)


def unique_slug(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def build_experts(seed: int, count: int, pickers: Pickers, clock: Clock) -> list[ExpertSpec]:
    rng = random.Random(f"{seed}:experts")
    taken: set[str] = set()
    specs = []
    for index in range(count):
        details = random.Random(f"{seed}:expert:{index}")
        spec = build_expert(rng, details, pickers, index, clock)
        expert = spec.expert
        ascii_full = f"{data.ascii_name(expert.given_name)}-{data.ascii_name(expert.family_name)}"
        expert.slug = unique_slug(slugify(ascii_full) or "expert", taken)
        expert.email = f"{expert.slug.replace('-', '.')}@example.net"
        specs.append(spec)
    return specs


def ensure_experts(
    seed: int,
    count: int,
    pickers: Pickers,
    clock: Clock,
    topics: dict[str, Topic],
    created: Created,
) -> None:
    specs = build_experts(seed, count, pickers, clock)
    slugs = [spec.expert.slug for spec in specs]
    existing = ids_by_key(Expert, "slug", slugs)
    existing_emails = set(
        Expert.objects.annotate(e=Lower("email")).values_list("e", flat=True).iterator()
    )
    missing = [
        spec
        for spec in specs
        if spec.expert.slug not in existing and spec.expert.email not in existing_emails
    ]
    Expert.objects.bulk_create([spec.expert for spec in missing], ignore_conflicts=True)
    new_ids = ids_by_key(Expert, "slug", [spec.expert.slug for spec in missing])
    new = [spec for spec in missing if spec.expert.slug in new_ids]
    links = [
        Expert.expertise.through(expert_id=new_ids[spec.expert.slug], topic_id=topics[slug].pk)
        for spec in new
        for slug in spec.topics
    ]
    Expert.expertise.through.objects.bulk_create(links, ignore_conflicts=True)
    languages = [
        ExpertLanguage(expert_id=new_ids[spec.expert.slug], code=code)
        for spec in new
        for code in spec.languages
    ]
    ExpertLanguage.objects.bulk_create(languages, ignore_conflicts=True)
    for spec in new:
        expert = spec.expert
        expert.pk = new_ids[expert.slug]
        # Applied when consent was first given (the form asks for it), else before the decision.
        applied = expert.public_profile_consent_at or (
            expert.status_changed_at - dt.timedelta(days=14)
            if expert.status_changed_at
            else clock.now
        )
        cv_name = expert.cv.field.generate_filename(expert, "cv.pdf")
        stored = expert.cv.storage.save(cv_name, ContentFile(demo_cv_pdf(expert, spec.topics)))
        Expert.objects.filter(pk=expert.pk).update(
            created_at=applied,
            cv=stored,
            cv_original_name=f"CV {data.ascii_name(expert.full_name)}.pdf",
            cv_content_type="application/pdf",
            cv_size=expert.cv.storage.size(stored),
        )
    created.experts += len(new_ids)
    created.expert_languages += len(languages)


def demo_cv_pdf(expert: Expert, topics: list[str]) -> bytes:
    """A one-page CV, as an applicant would upload (WeasyPrint; names in their own script)."""
    from django.utils.html import escape

    from rtcm.core.pdf import is_rtl, render_pdf

    direction = "rtl" if is_rtl(expert.full_name) else "ltr"
    areas = ", ".join(topic.replace("-", " ") for topic in topics)
    return render_pdf(
        f'<!doctype html><html dir="{direction}"><head><meta charset="utf-8">'
        f"<title>CV</title></head><body>"
        f"<h1>{escape(expert.full_name)}</h1>"
        f"<p>{escape(expert.position)}, {escape(expert.organisation)}</p>"
        f"<h2>Curriculum vitae</h2><p>{escape(expert.bio)}</p>"
        f"<p>Areas of expertise: {escape(areas)}.</p></body></html>"
    )


def active_experts_by_topic() -> ExpertPool:
    """Ids of the active experts, and of those per topic id."""
    active = sorted(Expert.objects.filter(status=Expert.Status.ACTIVE).values_list("pk", flat=True))
    by_topic: dict[int, list[int]] = {}
    rows = Expert.expertise.through.objects.filter(expert__status=Expert.Status.ACTIVE)
    for expert_id, topic_id in rows.order_by("expert_id").values_list("expert_id", "topic_id"):
        by_topic.setdefault(topic_id, []).append(expert_id)
    return active, by_topic


# --- Trainings ------------------------------------------------------------------------


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
    )
    spec.sessions = build_sessions(rng, spec, clock)
    return spec


def training_row(spec: TrainingSpec) -> Training:
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
        status=spec.status,
    )


def create_trainings(
    specs: list[TrainingSpec], modules: dict[str, Module], created: Created
) -> dict[str, Training]:
    """The trainings with their modules and target regions, validated; by slug."""
    rows = [training_row(spec) for spec in specs]
    for spec, row in zip(specs, rows, strict=True):
        # Beyond the hand-placed fourteen, skip the constraint checks of full_clean():
        # a query per constraint per row (23 s of 60 s at 100k on PostgreSQL), while the
        # database enforces the very same CheckConstraints on insert.
        row.full_clean(validate_constraints=spec.index < len(SCHEDULE))
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
    created.trainings += len(rows)
    return by_slug


def pick_team(
    rng: random.Random, spec: TrainingSpec, modules: dict[str, Module], experts: ExpertPool
) -> list[int]:
    active, by_topic = experts
    specialists = by_topic.get(modules[spec.module_codes[0]].topic_id) or active
    if not specialists:
        return []
    team = rng.sample(specialists, min(spec.team_size, len(specialists)))
    if len(team) < 2 and len(active) > 1:
        team += rng.sample([pk for pk in active if pk not in team], 1)
    return team


class Bookings:
    """When each expert teaches, in memory, so that nobody is booked for two sessions
    at once: the network's rule (``experts.services.trainer_problem``) without a query
    per session. Starts from the bookings already in the database; as the rule says,
    sessions of cancelled trainings do not count there. This run books every session
    it gives a trainer, cancelled trainings' too (stricter than the rule)."""

    def __init__(self) -> None:
        # Per expert, (starts, ends) sorted by start.
        self.times: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        self.longest = dt.timedelta(0)

    @classmethod
    def from_database(cls, expert_ids: list[int]) -> "Bookings":
        bookings = cls()
        rows = (
            Session.trainers.through.objects.filter(expert_id__in=expert_ids)
            .exclude(session__training__status=Training.Status.CANCELLED)
            .values_list("expert_id", "session__starts_at", "session__ends_at")
        )
        for expert_id, starts_at, ends_at in rows.iterator(chunk_size=BATCH_SIZE):
            bookings.times.setdefault(expert_id, []).append((starts_at, ends_at))
            bookings.longest = max(bookings.longest, ends_at - starts_at)
        for times in bookings.times.values():
            times.sort()
        return bookings

    def is_free(self, expert_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        times = self.times.get(expert_id, [])
        # Sorted by start: the bookings from index ``i`` on start once this session is
        # over; of those before, only the ones starting less than ``longest`` before it
        # may still be going on when it starts.
        earliest = starts_at - self.longest
        i = bisect.bisect_left(times, (ends_at,))
        while i > 0 and times[i - 1][0] > earliest:
            i -= 1
            if times[i][1] > starts_at:
                return False
        return True

    def book(self, expert_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
        bisect.insort(self.times.setdefault(expert_id, []), (starts_at, ends_at))
        self.longest = max(self.longest, ends_at - starts_at)


def pick_trainers(
    rng: random.Random,
    team: list[int],
    active: list[int],
    count: int,
    session: Session,
    bookings: Bookings,
) -> list[int]:
    """``count`` trainers of the training's team free at the session's time, topped up
    from the other active experts when the team is busy; booked at once."""
    starts_at, ends_at = session.starts_at, session.ends_at
    free = [pk for pk in team if bookings.is_free(pk, starts_at, ends_at)]
    chosen = rng.sample(free, min(count, len(free)))
    if len(chosen) < count:
        others = [
            pk for pk in active if pk not in team and bookings.is_free(pk, starts_at, ends_at)
        ]
        chosen += rng.sample(others, min(count - len(chosen), len(others)))
    for pk in chosen:
        bookings.book(pk, starts_at, ends_at)
    return chosen


def create_sessions(
    seed: int,
    specs: list[TrainingSpec],
    trainings: dict[str, Training],
    modules: dict[str, Module],
    experts: ExpertPool,
    created: Created,
) -> tuple[dict[str, list[Session]], dict[int, list[int]]]:
    """Sessions of the new trainings, each checked by Session.clean(), and their trainers
    (active experts, never two sessions at once). Returns the sessions per training slug
    and the trainer ids per session id."""
    rng = random.Random(f"{seed}:trainers")
    bookings = Bookings.from_database(experts[0])
    rows: list[Session] = []
    trainers: list[list[int]] = []
    for spec in specs:
        team = pick_team(rng, spec, modules, experts)
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
            rows.append(session)
            trainers.append(
                pick_trainers(rng, team, experts[0], item.trainer_count, session, bookings)
            )
    Session.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    links = [
        Session.trainers.through(session_id=session.pk, expert_id=expert_id)
        for session, expert_ids in zip(rows, trainers, strict=True)
        for expert_id in expert_ids
    ]
    Session.trainers.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    created.sessions += len(rows)
    by_training: dict[str, list[Session]] = {}
    for session in rows:
        by_training.setdefault(session.training.slug, []).append(session)
    trainers_by_session = {
        session.pk: expert_ids for session, expert_ids in zip(rows, trainers, strict=True)
    }
    return by_training, trainers_by_session


# --- Registrations -----------------------------------------------------------------


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
    rng: random.Random, queues: RegionQueues, spec: TrainingSpec, population: int
) -> list[int]:
    wanted = min(spec.registrants, population)
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


def decide(
    rng: random.Random,
    spec: TrainingSpec,
    people: list[int],
    times: list[dt.datetime],
    clock: Clock,
) -> list[RegistrationSpec]:
    """Walk each registrant through the status machine of DESIGN.md."""
    latest = min(clock.now, clock.at(spec.start - dt.timedelta(days=1), 20))
    if spec.status == "cancelled":
        cancelled_at = min(clock.now - dt.timedelta(days=1), clock.at(spec.start, 8))
        return [
            RegistrationSpec(
                person, Status.CANCELLED, at, cancelled_at, reason=data.TRAINING_CANCELLED_REASON
            )
            for person, at in zip(people, times, strict=True)
        ]
    upcoming = spec.start > clock.today
    pending_from = int(len(people) * 0.75) if upcoming else len(people)
    decided: list[RegistrationSpec] = []
    seekers: list[RegistrationSpec] = []
    for position, (person, submitted) in enumerate(zip(people, times, strict=True)):
        reg = RegistrationSpec(person, Status.PENDING, submitted, submitted)
        reg.reliability = 0.55 if rng.random() < 0.2 else 0.93
        decided.append(reg)
        if spec.requires_approval:
            if position >= pending_from:
                continue
            reg.status_changed_at = clamp(
                submitted + dt.timedelta(hours=rng.randint(6, 96)), submitted, latest
            )
            if rng.random() < 0.12:
                reg.status, reg.reason = Status.REJECTED, rng.choice(data.REJECTION_REASONS)
                continue
        if rng.random() < 0.08:
            reg.status = Status.CANCELLED
            reg.reason = rng.choice(data.CANCELLATION_REASONS)
            reg.status_changed_at = clamp(
                reg.status_changed_at + dt.timedelta(days=rng.randint(1, 20)), submitted, latest
            )
            continue
        seekers.append(reg)
    seekers.sort(key=lambda reg: reg.status_changed_at)
    for seat, reg in enumerate(seekers):
        if seat < spec.capacity:
            reg.status = Status.CONFIRMED
        else:
            reg.status, reg.waitlisted_at = Status.WAITLISTED, reg.status_changed_at
    return decided


def build_registrations(
    seed: int, specs: list[TrainingSpec], people: list[PersonSpec], clock: Clock
) -> dict[str, list[RegistrationSpec]]:
    """Registrations of the new trainings; gives each person the consent time of their first."""
    if not people:
        return {}
    rng = random.Random(f"{seed}:registrations")
    queues = RegionQueues(rng, people)
    result: dict[str, list[RegistrationSpec]] = {}
    for spec in specs:
        if not spec.has_registrations:
            continue
        chosen = choose_registrants(rng, queues, spec, len(people))
        lo, hi = submission_window(spec, clock)
        times = sorted(between(rng, lo, hi) for _ in chosen)
        result[spec.slug] = decide(rng, spec, chosen, times, clock)
        for reg in result[spec.slug]:
            person = people[reg.person]
            if person.consent_given_at is None or reg.submitted_at < person.consent_given_at:
                person.consent_given_at = reg.submitted_at
    for person in people:
        if person.consent_given_at is None:
            person.consent_given_at = clock.now - dt.timedelta(days=rng.randint(1, 3 * 365))
    return result


# --- Writing participants, registrations, attendance -----------------------------------


def participant_ids() -> dict[str, int]:
    """Participant id by lowercased e-mail, read in one pass (no long IN lists)."""
    rows = Participant.objects.annotate(key=Lower("email")).values_list("key", "pk")
    return dict(rows.iterator(chunk_size=BATCH_SIZE))


def create_participants(people: list[PersonSpec], created: Created) -> dict[str, int]:
    existing = participant_ids()
    rows = [
        Participant(
            given_name=person.given_name,
            family_name=person.family_name,
            email=person.email,
            phone=person.phone,
            gender=person.gender,
            nationality=person.nationality,
            country_of_residence=person.residence,
            organisation=person.organisation,
            organisation_type=person.organisation_type,
            position=person.position,
            preferred_language=person.preferred_language,
            consent_given_at=person.consent_given_at,
        )
        for person in people
        if person.email not in existing
    ]
    Participant.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    created.participants += len(rows)
    return participant_ids() if rows else existing


def create_registrations(
    plans: dict[str, list[RegistrationSpec]],
    trainings: dict[str, Training],
    people: list[PersonSpec],
    ids: dict[str, int],
    created: Created,
) -> list[tuple[Registration, RegistrationSpec]]:
    # The registrant's region as the service records it: from the (editable) mapping.
    region_of = dict(CountryRegion.objects.values_list("country", "region_id"))
    pairs = [
        (
            Registration(
                participant_id=ids[people[plan.person].email],
                training=trainings[slug],
                status=plan.status,
                region_id=region_of.get(people[plan.person].nationality, Region.OTHER),
                token=new_manage_token(),
                source=Registration.Source.DEMO,
                submitted_at=plan.submitted_at,
                status_changed_at=plan.status_changed_at,
                waitlisted_at=plan.waitlisted_at,
                decision_reason=plan.reason,
            ),
            plan,
        )
        for slug, training_plans in plans.items()
        for plan in training_plans
    ]
    Registration.objects.bulk_create([row for row, _plan in pairs], batch_size=BATCH_SIZE)
    created.registrations += len(pairs)
    return pairs


def create_attendance(
    seed: int,
    pairs: list[tuple[Registration, RegistrationSpec]],
    sessions: dict[str, list[Session]],
    clock: Clock,
    created: Created,
) -> list[Attendance]:
    """Presence of confirmed registrants at the sessions already held."""
    rng = random.Random(f"{seed}:attendance")
    held = {
        slug: [session for session in rows if session.ends_at <= clock.now]
        for slug, rows in sessions.items()
    }
    rows = [
        Attendance(registration=row, session=session, present=rng.random() < plan.reliability)
        for row, plan in pairs
        if row.status == Status.CONFIRMED
        for session in held.get(row.training.slug, [])
    ]
    Attendance.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    created.attendance += len(rows)
    return rows


def create_ratings(
    seed: int,
    pairs: list[tuple[Registration, RegistrationSpec]],
    attendance: list[Attendance],
    trainers: dict[int, list[int]],
    people: list[PersonSpec],
    created: Created,
) -> None:
    """Some people of completed trainings rate the trainers of the sessions they attended.

    A share (``RATERS``) of them rate each of their trainers once, at the last session
    they attended with that trainer (the rules of ``participants.services.trainer_rate``:
    confirmed, present, the session's own trainer, the session over). Scores scatter
    around each trainer's own level; now and then a comment in the person's language.
    Only the new trainings' rows, and the unique key makes a repeat write nothing.
    """
    rng = random.Random(f"{seed}:ratings")
    language = {row.pk: people[plan.person].preferred_language for row, plan in pairs}
    # Per registration, each trainer's last attended session (attendance is in time order).
    last: dict[int, dict[int, Session]] = {}
    for mark in attendance:
        if mark.present and mark.registration.training.status == Training.Status.COMPLETED:
            seen = last.setdefault(mark.registration.pk, {})
            for expert_id in trainers.get(mark.session.pk, ()):
                seen[expert_id] = mark.session
    level: dict[int, float] = {}
    rows = []
    for registration_id, sessions in last.items():
        if rng.random() >= RATERS:
            continue
        for expert_id, session in sessions.items():
            if expert_id not in level:
                level[expert_id] = rng.uniform(3.3, 4.8)
            score = min(5, max(1, round(rng.gauss(level[expert_id], 0.8))))
            comment = ""
            if rng.random() < 0.3:
                band = "high" if score >= 4 else "mid" if score == 3 else "low"
                comments = data.RATING_COMMENTS.get(
                    language[registration_id], data.RATING_COMMENTS["en"]
                )
                comment = rng.choice(comments[band])
            rows.append(
                TrainerRating(
                    registration_id=registration_id,
                    session=session,
                    expert_id=expert_id,
                    score=score,
                    comment=comment,
                )
            )
    TrainerRating.objects.bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    created.ratings += len(rows)


# --- The command --------------------------------------------------------------------


def ensure_demo_login() -> str:
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "demo@example.org"}
    )
    user.is_staff = user.is_superuser = user.is_active = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    user.groups.add(*Group.objects.filter(name__in=ALL_ROLES))
    return f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD} at {settings.SITE_URL}/admin/"


class Command(BaseCommand):
    help = "Seed demo data: topics, curriculum, experts, trainings, participants, registrations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--participants",
            type=int,
            default=DEFAULT_PARTICIPANTS,
            help=f"How many participants (default {DEFAULT_PARTICIPANTS}); "
            f"trainings scale as max({MIN_TRAININGS}, N // {PARTICIPANTS_PER_TRAINING}).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed (same seed, same rows)."
        )
        parser.add_argument(
            "--demo-login",
            action="store_true",
            help="Also create the superuser demo / rtcm-demo (only with DEBUG on).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        participants, seed = options["participants"], options["seed"]
        if participants < 0:
            raise CommandError("--participants cannot be negative.")
        if options["demo_login"] and not settings.DEBUG:
            raise CommandError(
                "--demo-login is refused when DEBUG is off: it would create a superuser "
                "with a published password. Use createsuperuser on a real deployment."
            )
        self.verbosity = options["verbosity"]
        started = time.monotonic()
        with transaction.atomic():
            created = self.seed(seed, participants)
            with self.step("library"):
                created.documents = seed_library()
            login = ensure_demo_login() if options["demo_login"] else ""
        elapsed = time.monotonic() - started
        self.stdout.write(f"seed_demo: created {created.summary()} in {elapsed:.1f} s")
        if login:
            self.stdout.write(login)

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Time one step; ``-v 2`` prints it."""
        started = time.monotonic()
        yield
        if self.verbosity >= 2:
            self.stdout.write(f"  {name}: {time.monotonic() - started:.1f} s")

    def seed(self, seed: int, participant_count: int) -> Created:
        created = Created()
        clock = Clock.current()
        pickers = Pickers.build()
        with self.step("topics, curriculum, experts"):
            topics = ensure_topics(created)
            curriculum = ensure_curriculum(clock, created)
            if curriculum.status != Curriculum.Status.APPROVED:
                self.stdout.write(
                    self.style.WARNING(
                        "Another curriculum is the approved one: the demo curriculum stays "
                        f"{curriculum.get_status_display().lower()}."
                    )
                )
            modules = ensure_modules(curriculum, topics, created)
            expert_count = max(30, participant_count // 1000)
            ensure_experts(seed, expert_count, pickers, clock, topics, created)
        with self.step("plan trainings, participants, registrations"):
            training_count = max(MIN_TRAININGS, participant_count // PARTICIPANTS_PER_TRAINING)
            specs = [build_training(seed, index, clock) for index in range(training_count)]
            existing = ids_by_key(Training, "slug", [spec.slug for spec in specs])
            new_specs = [spec for spec in specs if spec.slug not in existing]
            people = build_people(seed, participant_count, pickers)
            plans = build_registrations(seed, new_specs, people, clock)
        with self.step("participants"):
            ids = create_participants(people, created)
        if not new_specs:
            return created
        with self.step("trainings"):
            trainings = create_trainings(new_specs, modules, created)
        with self.step("sessions"):
            experts = active_experts_by_topic()
            sessions, trainers = create_sessions(
                seed, new_specs, trainings, modules, experts, created
            )
        with self.step("registrations"):
            pairs = create_registrations(plans, trainings, people, ids, created)
        with self.step("attendance"):
            attendance = create_attendance(seed, pairs, sessions, clock, created)
        with self.step("ratings"):
            create_ratings(seed, pairs, attendance, trainers, people, created)
        return created
