"""Hook points that the apps above courses fill when they are ready.

Courses never imports an app above it (not through ``apps.get_model`` either):
where it needs something they own, the upper app registers it here from its
``AppConfig.ready()``.

- ``public_trainers_filter``: the condition of a trainer's public profile. A
  session's trainers are reached through ``Session.trainers`` (a string model
  reference), but who may be named in public is the expert network's rule
  (``experts.models.Expert.public_q``, registered by ``experts.apps``). With
  none registered, public pages name no trainer: the safe default.
- ``trainer_refusal``: why a trainer may not teach at all (the expert
  network's rule: only active experts teach, ``experts.services.trainer_refusal``,
  registered by ``experts.apps``). The sessions' admin asks it before the
  clash rule of ``courses.selectors.trainer_clashes``. With none registered,
  nobody is refused on that ground.
- ``training_admin_extras``: inlines, actions, columns, after-save steps and
  the "trainers" link that upper apps add to the training admin (participants'
  registrations and certificates, the expert network's suggestions), collected
  by ``courses.admin.TrainingAdmin``. Upper apps call
  ``training_admin_extend`` from their ``admin.py``, which the admin's
  autodiscovery imports: no app unregisters another's admin.
- ``delete_refusal``: why a part of a training (a session, a question) may not be
  removed from its forms: the records upper apps keep of it (participants'
  attendance marks and answers, registered by ``participants.apps``), which a
  delete would take with it. With none registered, nothing is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q

from courses.models import Session

_public_trainers_q: Callable[[], Q] | None = None


def public_trainers_filter_register(condition: Callable[[], Q]) -> None:
    """Register the condition (a ``Q`` on the trainer model) of a public profile."""
    global _public_trainers_q
    _public_trainers_q = condition


def public_trainers_q() -> Q:
    """The registered public-profile condition; nobody when none is registered."""
    return _public_trainers_q() if _public_trainers_q is not None else Q(pk__in=[])


_trainer_refusal: Callable[[Any], str | None] | None = None


def trainer_refusal_register(check: Callable[[Any], str | None]) -> None:
    """Register the check (trainer → reason, or None) of who may teach at all."""
    global _trainer_refusal
    _trainer_refusal = check


def trainer_refusal(trainer: Any) -> str | None:
    """Why ``trainer`` (a row of ``Session.trainers``) may not teach, or None."""
    return _trainer_refusal(trainer) if _trainer_refusal is not None else None


def public_trainers(lookup: str = "trainers") -> Prefetch:
    """A prefetch of sessions' trainers limited to public profiles.

    Public pages, feeds and the API name only the trainers who agreed to a
    public profile; one who withdrew consent disappears from them at once.
    The trainer model is the one ``Session.trainers`` points to.
    """
    trainer = Session._meta.get_field("trainers").related_model
    return Prefetch(lookup, queryset=trainer.objects.filter(public_trainers_q()))


@dataclass
class TrainingAdminExtras:
    """What upper apps add to ``courses.admin.TrainingAdmin``.

    ``inlines``: inline classes; ``actions``: admin actions; ``list_display``:
    callables (``@admin.display``) taking a training; ``after_save``: callables
    ``(training, *, change)`` run once the form and inlines are saved;
    ``trainer_links``: callables ``(training) -> html`` shown in the form's
    "trainers" row (the expert network's suggestions page).
    """

    inlines: list[type] = field(default_factory=list)
    actions: list[Callable] = field(default_factory=list)
    list_display: list[Callable] = field(default_factory=list)
    after_save: list[Callable] = field(default_factory=list)
    trainer_links: list[Callable] = field(default_factory=list)


training_admin_extras = TrainingAdminExtras()


def training_admin_extend(
    *,
    inlines: Iterable[type] = (),
    actions: Iterable[Callable] = (),
    list_display: Iterable[Callable] = (),
    after_save: Iterable[Callable] = (),
    trainer_links: Iterable[Callable] = (),
) -> None:
    """Add to the training admin (call from the upper app's ``admin.py``). Idempotent."""
    for name, items in (
        ("inlines", inlines),
        ("actions", actions),
        ("list_display", list_display),
        ("after_save", after_save),
        ("trainer_links", trainer_links),
    ):
        present = getattr(training_admin_extras, name)
        present.extend(item for item in items if item not in present)


_delete_refusals: dict[type, list[Callable[[Any], str | None]]] = {}


def delete_refusal_register(model: type, check: Callable[[Any], str | None]) -> None:
    """Register a check (row of ``model`` → reason, or None) asked before removing a row."""
    _delete_refusals.setdefault(model, []).append(check)


def delete_refusal(obj: Any) -> str | None:
    """Why ``obj`` may not be removed (the first registered reason), or None."""
    for check in _delete_refusals.get(type(obj), []):
        reason = check(obj)
        if reason:
            return reason
    return None
