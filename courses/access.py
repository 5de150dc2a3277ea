"""The per-training scope of ``rtcm.core.access`` for trainings and sessions.

The rule (who acts on which training) is ``rtcm.core.access``'s; these are its
training- and session-shaped helpers, here because ``rtcm.core`` imports no app.
``action`` is ``"view"`` or ``"change"`` (``rtcm.core.access.VIEW`` / ``CHANGE``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from courses.models import Session, Training
from rtcm.core.access import (
    READ_EVERY_TRAINING,
    AnyUser,
    object_for_user_or_404,
    scope_to_trainings,
)


def trainings_for_user(
    user: AnyUser | None,
    *,
    action: str,
    queryset: QuerySet[Training] | None = None,
    readers: Iterable[str] = READ_EVERY_TRAINING,
) -> QuerySet[Training]:
    """The trainings ``user`` may ``action`` on (``queryset`` narrowed, or all trainings)."""
    queryset = Training.objects.all() if queryset is None else queryset
    return scope_to_trainings(user, queryset, action=action, readers=readers)


def training_for_user_or_404(
    user: AnyUser | None,
    slug: str,
    *,
    action: str,
    queryset: QuerySet[Training] | None = None,
    readers: Iterable[str] = READ_EVERY_TRAINING,
) -> Training:
    """The training ``slug``: 404 unless ``user`` may view it, 403 if they may not change it."""
    queryset = Training.objects.all() if queryset is None else queryset
    return object_for_user_or_404(user, queryset, action=action, readers=readers, slug=slug)


def user_may_act_on_training(user: AnyUser | None, training: Training, *, action: str) -> bool:
    return trainings_for_user(user, action=action).filter(pk=training.pk).exists()


def sessions_for_user(
    user: AnyUser | None, *, action: str, queryset: QuerySet[Session] | None = None
) -> QuerySet[Session]:
    queryset = Session.objects.all() if queryset is None else queryset
    return scope_to_trainings(user, queryset, action=action, path="training__coordinators")


def session_for_user_or_404(
    user: AnyUser | None,
    pk: int,
    *,
    action: str,
    queryset: QuerySet[Session] | None = None,
) -> Session:
    """The session ``pk``, under its training's scope (404 / 403 as for trainings)."""
    queryset = Session.objects.select_related("training") if queryset is None else queryset
    return object_for_user_or_404(
        user, queryset, action=action, path="training__coordinators", pk=pk
    )
