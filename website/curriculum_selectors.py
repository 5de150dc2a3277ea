"""Reads of the public curriculum: the approved version, archived ones, their modules.

A module comes with what its page and booklet show, in a fixed number of queries
whatever the number of modules: its topic, its public trainings (split into upcoming
and past by their start date) and the newest public library documents on its topic
(the library ties documents to topics; ``documents_visible_to`` an anonymous reader
decides which are public).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from courses.models import Curriculum, Module, Training
from library.selectors import documents_visible_to

# How many documents a module lists; a link to the library's topic search shows the rest.
DOCUMENTS_PER_MODULE = 5


@dataclass(frozen=True)
class CurriculumPage:
    curriculum: Curriculum
    modules: list[Module]


def _modules_queryset() -> QuerySet[Module]:
    trainings = Training.objects.filter(status__in=Training.PUBLIC_STATUSES).order_by(
        "start_date", "pk"
    )
    # One more than shown: whether there are more tells the page to link to the rest.
    # The newest first; a document without a year last on every database.
    documents = documents_visible_to(user=AnonymousUser()).order_by(
        F("year").desc(nulls_last=True), "-created_at", "-pk"
    )[: DOCUMENTS_PER_MODULE + 1]
    return (
        Module.objects.select_related("topic")
        .prefetch_related(
            Prefetch("trainings", queryset=trainings, to_attr="public_trainings"),
            Prefetch("topic__documents", queryset=documents, to_attr="public_documents"),
        )
        .order_by("position", "code", "pk")
    )


def learning_outcomes_list(text: str) -> list[str]:
    """Learning outcomes written one per line, as a list (blank lines and bullets dropped)."""
    outcomes = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•*–").strip()
        if line:
            outcomes.append(line)
    return outcomes


def _shape_module(module: Module, *, today: dt.date) -> Module:
    trainings = module.public_trainings
    module.upcoming_trainings = [t for t in trainings if t.start_date >= today]
    # A training cancelled before it took place is no part of the module's history.
    module.past_trainings = [
        t for t in trainings if t.start_date < today and t.status != Training.Status.CANCELLED
    ][::-1]  # the most recent first
    documents = module.topic.public_documents
    module.documents = documents[:DOCUMENTS_PER_MODULE]
    module.more_documents = len(documents) > DOCUMENTS_PER_MODULE
    module.outcomes = learning_outcomes_list(module.learning_outcomes)
    return module


def _page(curriculum: Curriculum | None, *, today: dt.date | None) -> CurriculumPage | None:
    if curriculum is None:
        return None
    today = today or timezone.localdate()
    modules = [_shape_module(module, today=today) for module in curriculum.modules.all()]
    return CurriculumPage(curriculum=curriculum, modules=modules)


def _with_modules(curricula: QuerySet[Curriculum]) -> QuerySet[Curriculum]:
    return curricula.prefetch_related(Prefetch("modules", queryset=_modules_queryset()))


def curriculum_page_approved(*, today: dt.date | None = None) -> CurriculumPage | None:
    """The approved curriculum with its modules shaped for the page, or None."""
    curriculum = _with_modules(Curriculum.objects.filter(status=Curriculum.Status.APPROVED)).first()
    return _page(curriculum, today=today)


def curriculum_page_archived(*, pk: int, today: dt.date | None = None) -> CurriculumPage | None:
    """An archived version by its id with its modules, or None (drafts are never public)."""
    curriculum = _with_modules(
        Curriculum.objects.filter(pk=pk, status=Curriculum.Status.ARCHIVED)
    ).first()
    return _page(curriculum, today=today)


def curriculum_is_approved(*, pk: int) -> bool:
    return Curriculum.objects.filter(pk=pk, status=Curriculum.Status.APPROVED).exists()


def curriculum_approved_exists() -> bool:
    return Curriculum.objects.filter(status=Curriculum.Status.APPROVED).exists()


def curricula_archived() -> QuerySet[Curriculum]:
    """Earlier versions, newest approval first."""
    return Curriculum.objects.filter(status=Curriculum.Status.ARCHIVED).order_by(
        "-approved_on", "-pk"
    )
