"""Reads of the expert network, shared by its pages, the API, the exports and the admin.

Public reads start from ``public_experts()`` — active experts who consent to a
public profile (``Expert.public_q``) — and nothing else: a profile whose
consent is withdrawn or whose expert is no longer active leaves every page,
search, export and API response at once. Lists come shaped once (expertise
and languages prefetched, the region annotated), so a page runs the same
number of queries however many experts it shows (tests pin it).

Matching (``training_suggestions``) ranks the active experts for a training;
see its docstring for the points.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.models import Session, Topic, Training
from courses.timezones import session_times
from experts.models import WORKING_LANGUAGE_NAMES, Expert, ExpertLanguage, TrainerRating
from rtcm.core.content import localized_fields
from rtcm.core.models import Region
from rtcm.core.regions import region_code_subquery
from rtcm.core.search import contains_q

MAX_QUERY_LENGTH = 200
# The biography in every language it is written in (bio_en, bio_ru …).
SEARCH_FIELDS = ("given_name", "family_name", "organisation", "position", *localized_fields("bio"))


# --- retention ------------------------------------------------------------------------


def experts_declined_past_retention(*, now: dt.datetime | None = None) -> QuerySet[Expert]:
    """Declined applications not erased yet, decided more than
    ``RTCM_RETAIN_DECLINED_EXPERTS_DAYS`` days before ``now`` (none when it is 0)."""
    days = settings.RTCM_RETAIN_DECLINED_EXPERTS_DAYS
    if not days:
        return Expert.objects.none()
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return Expert.objects.annotate(decided_at=Coalesce("status_changed_at", "created_at")).filter(
        status=Expert.Status.DECLINED, erased_at__isnull=True, decided_at__lt=cutoff
    )


# --- the directory --------------------------------------------------------------------


def public_experts() -> QuerySet[Expert]:
    """Every public profile: active experts who consent. The start of every public read."""
    return Expert.objects.filter(Expert.public_q())


def _shaped(experts: QuerySet[Expert]) -> QuerySet[Expert]:
    return experts.annotate(region_code=region_code_subquery("country")).prefetch_related(
        Prefetch("expertise", queryset=Topic.objects.order_by("position", "name")),
        Prefetch("languages", queryset=ExpertLanguage.objects.order_by("code")),
    )


def expert_directory(
    *,
    query: str = "",
    topic: str | None = None,
    region: str | None = None,
    country: str | None = None,
    language: str | None = None,
    status: str | None = None,
    staff: bool = False,
) -> QuerySet[Expert]:
    """The directory, filtered: topic slug, region code, country code, language code.

    ``query``: every word must appear in the name, organisation, position or
    biography (any case, any script). Public by default; ``staff=True`` starts
    from every expert (and then ``status`` filters by status). Rows carry
    ``region_code``; expertise and languages are prefetched.
    """
    experts = Expert.objects.all() if staff else public_experts()
    if staff and status:
        experts = experts.filter(status=status)
    for word in query_words(query):
        experts = experts.filter(contains_q(SEARCH_FIELDS, word))
    if topic:
        experts = experts.filter(expertise__slug=topic)
    if country:
        experts = experts.filter(country=country)
    if language:
        experts = experts.filter(languages__code=language)
    experts = _shaped(experts)
    if region:
        experts = experts.filter(region_code=region)
    return experts.order_by("family_name", "given_name", "pk")


def query_words(query: str) -> list[str]:
    return [word for word in (query or "")[:MAX_QUERY_LENGTH].split() if word]


def public_profile(slug: str) -> Expert | None:
    """A public profile by slug, shaped for its page; None when it is not public."""
    return _shaped(public_experts()).filter(slug=slug).first()


def directory_facets(experts: QuerySet[Expert]) -> dict[str, list[tuple[str, str, int]]]:
    """Counts of ``experts`` by topic, region and language: [(value, label, count)] each.

    Three queries whatever the number of experts.
    """
    ids = experts.order_by().values("pk")
    topics = (
        Topic.objects.filter(experts__in=ids)
        .annotate(count=Count("experts", filter=Q(experts__in=ids)))
        .order_by("position", "name")
        .values_list("slug", "name", "count")
    )
    regions_count = (
        Expert.objects.filter(pk__in=ids)
        .annotate(region_code=region_code_subquery("country"))
        .values("region_code")
        .annotate(count=Count("pk"))
        .values_list("region_code", "count")
    )
    region_counts = dict(regions_count)
    regions = [
        (region.code, str(region), region_counts[region.code])
        for region in Region.objects.order_by("position", "name")
        if region.code in region_counts
    ]
    languages = (
        ExpertLanguage.objects.filter(expert__in=ids)
        .values("code")
        .annotate(count=Count("expert"))
        .order_by("code")
        .values_list("code", "count")
    )
    return {
        "topic": list(topics),
        "region": regions,
        "language": [
            (code, str(WORKING_LANGUAGE_NAMES.get(code, code)), count) for code, count in languages
        ],
    }


# --- engagements ----------------------------------------------------------------------


@dataclass
class Engagement:
    """A training an expert taught (or will teach), with their sessions in it."""

    training: Training
    sessions: list[Session] = field(default_factory=list)


def expert_engagements(expert: Expert, *, public: bool = True) -> list[Engagement]:
    """The trainings ``expert`` teaches, newest first, from ``Session.trainers``.

    Public: trainings the public sees (not drafts, not cancelled). One query.
    """
    sessions = Session.objects.filter(trainers=expert).select_related("training")
    if public:
        sessions = sessions.filter(
            training__status__in=[
                status for status in Training.PUBLIC_STATUSES if status != Training.Status.CANCELLED
            ]
        )
    by_training: dict[int, Engagement] = {}
    for session in sessions.order_by("-training__start_date", "training_id", "starts_at"):
        by_training.setdefault(session.training_id, Engagement(session.training)).sessions.append(
            session
        )
    return list(by_training.values())


# --- matching -------------------------------------------------------------------------

# Points of each criterion (the most an expert can get from it).
TOPIC_POINTS = 40  # times the share of the training's topics the expert covers
LANGUAGE_POINTS = 20  # works in one of the training's languages
REGION_POINTS = 10  # comes from one of the training's target regions
FREE_POINTS = 15  # free at every session of the training
ENGAGEMENT_POINTS = 2  # per training taught before, at most…
ENGAGEMENT_MAX = 10
RATING_POINTS = 5  # per point of average rating above 3 (so -10 … +10); unrated: 0


@dataclass
class Suggestion:
    expert: Expert
    score: Decimal
    reasons: list[str]
    topics_covered: list[Topic]
    topics_missing: list[Topic]
    languages_matched: list[str]
    region_matched: bool
    clashes: list[Session]
    trainings_taught: int
    rating_average: Decimal | None
    rating_count: int


def training_topics(training: Training) -> list[Topic]:
    """The topics a training teaches: those of its modules and of its sessions' modules."""
    return list(
        Topic.objects.filter(
            Q(modules__trainings=training) | Q(modules__sessions__training=training)
        )
        .distinct()
        .order_by("position", "name")
    )


def training_suggestions(training: Training, *, limit: int | None = None) -> list[Suggestion]:
    """Active experts ranked for ``training``, best first, each with the reasons.

    Points: ``TOPIC_POINTS`` × the share of the training's topics the expert
    covers; ``LANGUAGE_POINTS`` for a working language of the training;
    ``REGION_POINTS`` for coming from a target region; ``FREE_POINTS`` when free
    at every session (a clash costs them all and is named); ``ENGAGEMENT_POINTS``
    per training taught before (up to ``ENGAGEMENT_MAX``); and, when participants
    rated the expert, ``RATING_POINTS`` per point of their average above or
    below 3. Ties go to the better rated, then by name. Experts already
    teaching the training, and those who match neither a topic nor a language,
    are not suggested.

    Two phases, so that a network of thousands stays quick: every candidate is
    scored from plain values (ids, codes, counts: one query each), then only
    the ``limit`` best are loaded as experts and given their reasons. Twelve
    queries whatever the number of experts.
    """
    topics = training_topics(training)
    topic_ids = {topic.pk for topic in topics}
    languages = set(training.languages or [])
    target_regions = set(training.target_regions.values_list("code", flat=True))
    sessions = list(training.sessions.all())
    candidates = _candidates(training, topic_ids, languages)
    facts = _candidate_facts(training, topic_ids, languages, sessions)
    scored = []
    for pk, family_name, given_name, region_code in candidates.values_list(
        "pk", "family_name", "given_name", "region_code"
    ):
        covered = facts.topics.get(pk, set())
        spoken = facts.languages.get(pk, set())
        if not covered and not spoken:
            continue
        rating = facts.ratings.get(pk)
        score = _points(
            covered=len(covered),
            topics=len(topics),
            spoken=bool(spoken),
            region_matched=bool(target_regions) and region_code in target_regions,
            free=bool(sessions) and not facts.clashes.get(pk),
            taught=facts.taught.get(pk, 0),
            rating=rating,
        )
        average = Decimal(rating[0]) / Decimal(rating[1]) if rating else Decimal(0)
        scored.append((-score, -average, family_name.casefold(), given_name.casefold(), pk, score))
    scored.sort()
    shown = scored[:limit] if limit else scored
    experts = _shaped(Expert.objects.filter(pk__in=[row[4] for row in shown])).in_bulk()
    return [
        _suggestion(
            experts[row[4]],
            score=row[5],
            topics=topics,
            languages=languages,
            target_regions=target_regions,
            sessions=sessions,
            facts=facts,
        )
        for row in shown
    ]


@dataclass
class _Facts:
    """What the scoring needs of each candidate, by expert id."""

    topics: dict[int, set[int]]  # the training's topics the expert covers
    languages: dict[int, set[str]]  # the training's languages the expert works in
    taught: dict[int, int]  # trainings taught before this one
    ratings: dict[int, tuple[int, int]]  # (sum of scores, number of ratings)
    clashes: dict[int, list[Session]]  # sessions of this training the expert is busy during


def _candidates(training: Training, topic_ids: set[int], languages: set[str]) -> QuerySet:
    """Active experts not yet teaching ``training`` who share a topic or a language with it."""
    shares = Q(
        Exists(
            Expert.expertise.through.objects.filter(
                expert_id=OuterRef("pk"), topic_id__in=topic_ids
            )
        )
    ) | Q(Exists(ExpertLanguage.objects.filter(expert_id=OuterRef("pk"), code__in=languages)))
    return (
        Expert.objects.filter(shares, status=Expert.Status.ACTIVE)
        .exclude(sessions__training=training)
        .annotate(region_code=region_code_subquery("country"))
    )


def _candidate_facts(
    training: Training,
    topic_ids: set[int],
    languages: set[str],
    sessions: list[Session],
) -> _Facts:
    # Read for every active expert, not only the candidates: plain joins on the
    # status are cheaper than repeating the candidates' conditions in each query,
    # and the scoring only looks up the candidates.
    ids = Expert.objects.filter(status=Expert.Status.ACTIVE).values("pk")
    topics: dict[int, set[int]] = defaultdict(set)
    for expert_id, topic_id in Expert.expertise.through.objects.filter(
        expert_id__in=ids, topic_id__in=topic_ids
    ).values_list("expert_id", "topic_id"):
        topics[expert_id].add(topic_id)
    spoken: dict[int, set[str]] = defaultdict(set)
    for expert_id, code in ExpertLanguage.objects.filter(
        expert_id__in=ids, code__in=languages
    ).values_list("expert_id", "code"):
        spoken[expert_id].add(code)
    # Trainings taught before: completed ones, and any other (not cancelled) that ended before.
    earlier = Q(session__training__status=Training.Status.COMPLETED) | (
        Q(session__training__end_date__lt=training.start_date)
        & ~Q(session__training__status=Training.Status.CANCELLED)
    )
    taught = dict(
        Session.trainers.through.objects.filter(earlier, expert_id__in=ids)
        .values("expert_id")
        .annotate(count=Count("session__training", distinct=True))
        .values_list("expert_id", "count")
    )
    ratings = {
        expert_id: (total, count)
        for expert_id, total, count in TrainerRating.objects.filter(expert_id__in=ids)
        .values("expert_id")
        .annotate(total=Sum("score"), count=Count("pk"))
        .values_list("expert_id", "total", "count")
    }
    return _Facts(topics, spoken, taught, ratings, _clashes(ids, sessions))


def _points(
    *,
    covered: int,
    topics: int,
    spoken: bool,
    region_matched: bool,
    free: bool,
    taught: int,
    rating: tuple[int, int] | None,
) -> Decimal:
    score = Decimal(0)
    if topics:
        score += TOPIC_POINTS * Decimal(covered) / Decimal(topics)
    if spoken:
        score += LANGUAGE_POINTS
    if region_matched:
        score += REGION_POINTS
    if free:
        score += FREE_POINTS
    score += min(ENGAGEMENT_POINTS * taught, ENGAGEMENT_MAX)
    if rating:
        total, count = rating
        score += RATING_POINTS * (Decimal(total) / Decimal(count) - 3)
    return score.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _clashes(expert_ids, sessions: list[Session]) -> dict[int, list[Session]]:
    """For each expert, the sessions of *this* training they are busy during (one query)."""
    if not sessions:
        return {}
    overlap = Q()
    for session in sessions:
        overlap |= Q(session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at)
    busy = (
        Session.trainers.through.objects.filter(overlap, expert_id__in=expert_ids)
        .exclude(session__training_id=sessions[0].training_id)
        .exclude(session__training__status=Training.Status.CANCELLED)
        .values_list("expert_id", "session__starts_at", "session__ends_at")
    )
    result: dict[int, list[Session]] = defaultdict(list)
    for expert_id, starts_at, ends_at in busy:
        for session in sessions:
            overlaps = starts_at < session.ends_at and ends_at > session.starts_at
            if overlaps and session not in result[expert_id]:
                result[expert_id].append(session)
    return result


def _suggestion(
    expert: Expert,
    *,
    score: Decimal,
    topics: list[Topic],
    languages: set[str],
    target_regions: set[str],
    sessions: list[Session],
    facts: _Facts,
) -> Suggestion:
    """One ranked expert with the reasons for their points, in the active language."""
    covered_ids = facts.topics.get(expert.pk, set())
    covered = [topic for topic in topics if topic.pk in covered_ids]
    missing = [topic for topic in topics if topic.pk not in covered_ids]
    languages_matched = sorted(facts.languages.get(expert.pk, set()))
    clashes = facts.clashes.get(expert.pk, [])
    reasons: list[str] = []
    if topics:
        if covered:
            reasons.append(
                _("Covers %(covered)s of %(total)s topics: %(names)s.")
                % {
                    "covered": len(covered),
                    "total": len(topics),
                    "names": ", ".join(topic.name for topic in covered),
                }
            )
        else:
            reasons.append(_("Covers none of the training's topics."))
    if languages:
        if languages_matched:
            reasons.append(
                _("Works in %(languages)s.")
                % {
                    "languages": ", ".join(
                        str(WORKING_LANGUAGE_NAMES.get(code, code)) for code in languages_matched
                    )
                }
            )
        else:
            reasons.append(_("Works in none of the training's languages."))
    region_matched = bool(target_regions) and expert.region_code in target_regions
    if region_matched:
        reasons.append(
            _("From %(country)s, in a target region of the training.")
            % {"country": expert.country.name}
        )
    if sessions:
        if clashes:
            reasons.append(
                ngettext(
                    "Busy during %(count)s session: %(sessions)s.",
                    "Busy during %(count)s sessions: %(sessions)s.",
                    len(clashes),
                )
                % {
                    "count": len(clashes),
                    "sessions": "; ".join(_session_label(s) for s in clashes),
                }
            )
        else:
            reasons.append(
                ngettext(
                    "Free at the time of the session.",
                    "Free at the times of all %(count)s sessions.",
                    len(sessions),
                )
                % {"count": len(sessions)}
            )
    taught = facts.taught.get(expert.pk, 0)
    if taught:
        reasons.append(
            ngettext(
                "Has taught %(count)s training of the center.",
                "Has taught %(count)s trainings of the center.",
                taught,
            )
            % {"count": taught}
        )
    average, count = None, 0
    rating = facts.ratings.get(expert.pk)
    if rating:
        total, count = rating
        average = (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        reasons.append(
            ngettext(
                "Rated %(average)s out of 5 by %(count)s participant.",
                "Rated %(average)s out of 5 by %(count)s participants.",
                count,
            )
            % {"average": average, "count": count}
        )
    return Suggestion(
        expert=expert,
        score=score,
        reasons=reasons,
        topics_covered=covered,
        topics_missing=missing,
        languages_matched=languages_matched,
        region_matched=region_matched,
        clashes=clashes,
        trainings_taught=taught,
        rating_average=average,
        rating_count=count,
    )


def _session_label(session: Session) -> str:
    return f"{session.title} ({session_times(session)})"
