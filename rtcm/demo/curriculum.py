"""The center's eight topics and its approved curriculum of ten modules (``data``).

Found by natural key (topic slug or name, curriculum title + version, module
code): a row that exists is left alone. The demo curriculum is approved unless
another curriculum already is.
"""

from __future__ import annotations

from django.db.models import Q

from courses.models import Curriculum, Module, Topic
from rtcm.demo import data
from rtcm.demo.common import Clock, Created


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
