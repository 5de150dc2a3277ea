"""The Regional Expert Network of the demo, and who teaches which session.

Thirty experts (or N // 1000) from the three regions: their working languages,
phones, biographies and a one-page CV; applicants waiting for review, one
declined, some inactive, one who withdrew consent to a public profile. Expert
``i`` keeps its name (and slug) from run to run: found by slug, never written twice.

Trainers are booked under the network's own rule (only active experts teach;
nobody teaches two sessions at once): the demo proposes the training's team
first, then other active experts, and takes whoever the rule lets teach —
through ``experts.services.session_assign_trainer`` for the trainings whose
registrations go through the services, and for the others with the rule's own
parts (``trainer_refusal``, ``courses.selectors.sessions_overlap``) asked against
an in-memory calendar of the bookings (``assign_trainers`` says why). The rule
itself is not written again here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models.functions import Lower
from django.utils.html import escape
from django.utils.text import slugify

from courses.models import Module, Session, Topic, Training
from courses.selectors import sessions_overlap
from experts.models import WORKING_LANGUAGE_NAMES, Expert, ExpertLanguage
from experts.services import TrainerNotAvailable, session_assign_trainer, trainer_refusal
from rtcm.core.pdf import is_rtl, render_pdf
from rtcm.demo import data
from rtcm.demo.common import BATCH_SIZE, Clock, Created, between, ids_by_key
from rtcm.demo.people import Pickers, organisation, person_name, phone_number

# Active expert ids, and active expert ids per topic id.
ExpertPool = tuple[list[int], dict[int, list[int]]]


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


# --- Trainers ---------------------------------------------------------------------------


def pick_team(
    rng: random.Random,
    module_code: str,
    team_size: int,
    modules: dict[str, Module],
    experts: ExpertPool,
) -> list[int]:
    """The training's team: specialists of its main module's topic, at least two people."""
    active, by_topic = experts
    specialists = by_topic.get(modules[module_code].topic_id) or active
    if not specialists:
        return []
    team = rng.sample(specialists, min(team_size, len(specialists)))
    if len(team) < 2 and len(active) > 1:
        team += rng.sample([pk for pk in active if pk not in team], 1)
    return team


class Calendar:
    """Who teaches when, in memory: the bookings already in the database (sessions of
    cancelled trainings do not count, as the rule says) and those this run makes.

    It holds times, not the rule: whether two sessions clash is asked of
    ``courses.selectors.sessions_overlap``, the predicate of the network's rule
    (``trainer_clashes``); the calendar only finds the bookings worth asking about.
    """

    def __init__(self) -> None:
        self.times: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}  # sorted by start
        self.longest = dt.timedelta(0)

    @classmethod
    def from_database(cls, expert_ids: list[int]) -> Calendar:
        calendar = cls()
        rows = (
            Session.trainers.through.objects.filter(expert_id__in=expert_ids)
            .exclude(session__training__status=Training.Status.CANCELLED)
            .values_list("expert_id", "session__starts_at", "session__ends_at")
        )
        for expert_id, starts_at, ends_at in rows.iterator(chunk_size=BATCH_SIZE):
            calendar.book(expert_id, starts_at, ends_at)
        return calendar

    def is_free(self, expert_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> bool:
        times = self.times.get(expert_id, [])
        # The bookings starting from the session's end on cannot overlap it, nor those
        # starting more than the longest booking before it: ask about the rest.
        last = bisect.bisect_left(times, (ends_at,))
        first = bisect.bisect_left(times, (starts_at - self.longest,))
        return not any(
            sessions_overlap(starts_at, ends_at, other_starts, other_ends)
            for other_starts, other_ends in times[first:last]
        )

    def book(self, expert_id: int, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
        bisect.insort(self.times.setdefault(expert_id, []), (starts_at, ends_at))
        self.longest = max(self.longest, ends_at - starts_at)


def assign_trainers(
    rng: random.Random,
    session: Session,
    count: int,
    team: list[int],
    experts: ExpertPool,
    by_id: dict[int, Expert],
    calendar: Calendar | None,
) -> list[int]:
    """``count`` trainers for ``session``: the team first, in a random order, then the
    other active experts, as far as the network's rule lets them teach then.

    Without a ``calendar``, each booking goes through ``session_assign_trainer`` (the
    expert's row locked, the rule asked of the database, the link written). With one,
    the same rule is asked in memory (``Calendar``, ``trainer_refusal``) and the links
    are written by ``book_trainers`` in bulk: the rule's query reads every booking of
    the experts asked about, which at 14,000 sessions would take minutes.
    """
    others = [pk for pk in experts[0] if pk not in team]
    candidates = [*rng.sample(team, len(team)), *rng.sample(others, len(others))]
    chosen: list[int] = []
    for pk in candidates:
        if len(chosen) == count:
            break
        if calendar is not None:
            expert = by_id[pk]
            if trainer_refusal(expert) is None and calendar.is_free(
                pk, session.starts_at, session.ends_at
            ):
                calendar.book(pk, session.starts_at, session.ends_at)
                chosen.append(pk)
            continue
        try:
            session_assign_trainer(session=session, expert=by_id[pk])
        except TrainerNotAvailable:
            continue
        chosen.append(pk)
    return chosen


@dataclass(frozen=True)
class TrainerPlan:
    """What one training asks of the network."""

    module_code: str  # its main module: the team are specialists of its topic
    team_size: int
    sessions: list[Session]  # saved, in time order
    counts: list[int]  # how many trainers each session wants
    through_service: bool


def book_trainers(
    seed: int, plans: list[TrainerPlan], modules: dict[str, Module]
) -> dict[int, list[int]]:
    """Trainers for the new sessions: first the trainings booked through the service,
    then the others in memory against all the bookings so far. Returns the trainer
    ids per session id."""
    rng = random.Random(f"{seed}:trainers")
    experts = active_experts_by_topic()
    by_id = Expert.objects.in_bulk(experts[0])
    teams = [pick_team(rng, plan.module_code, plan.team_size, modules, experts) for plan in plans]
    trainers: dict[int, list[int]] = {}
    calendar = None
    for through_service in (True, False):
        if not through_service:
            calendar = Calendar.from_database(experts[0])
        for plan, team in zip(plans, teams, strict=True):
            if plan.through_service != through_service:
                continue
            for session, count in zip(plan.sessions, plan.counts, strict=True):
                trainers[session.pk] = assign_trainers(
                    rng, session, count, team, experts, by_id, calendar
                )
    links = [
        Session.trainers.through(session_id=session.pk, expert_id=pk)
        for plan in plans
        if not plan.through_service
        for session in plan.sessions
        for pk in trainers[session.pk]
    ]
    Session.trainers.through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    return trainers
