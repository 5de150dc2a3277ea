"""Staff decisions on many registrations at once: approve, reject or cancel a selection.

One rule for every door (the staff registrations page, the admin's actions): the
selected registrations are decided **in submission order** (first come, first
served), each in its own service call (``registration_approve`` / ``_reject`` /
``_cancel``, which take the training's row lock and keep the seat rules), and
the caller is told what happened to each person, not only how many were "done".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participants.models import Registration
from participants.services.registrations import (
    registration_approve,
    registration_cancel,
    registration_reject,
)
from participants.services.seats import _seat_map
from rtcm.core.errors import DomainError

Status = Registration.Status

APPROVE, REJECT, CANCEL = "approve", "reject", "cancel"
BULK_ACTIONS = {
    APPROVE: gettext_lazy("Approve"),
    REJECT: gettext_lazy("Reject (with a reason)"),
    CANCEL: gettext_lazy("Cancel (the seat goes to the next person)"),
}

# Why an approved person went to the waiting list.
WAITLISTED_FULL = "full"
WAITLISTED_QUOTA = "quota"


class ReasonRequired(DomainError):
    default_message = gettext_lazy("Say why: the reason is sent to each person.")
    code = "reason_required"
    field = "reason"


@dataclass
class BulkOutcome:
    """What one decision did to one registration."""

    registration: Registration
    before: str
    after: str
    error: str = ""  # the service's refusal, when nothing changed
    waitlisted_because: str = ""  # WAITLISTED_FULL or WAITLISTED_QUOTA

    @property
    def changed(self) -> bool:
        return not self.error and self.before != self.after


@dataclass
class BulkResult:
    outcomes: list[BulkOutcome]
    # People the freed seats went to (cancelling confirmed people), in the order promoted.
    promoted: list[Registration] = field(default_factory=list)


def registrations_in_submission_order(registrations: Iterable[Registration]) -> list[Registration]:
    """First come, first served: by submission time, then by id (one query for a queryset)."""
    if hasattr(registrations, "order_by"):
        registrations = registrations.select_related("participant", "training").order_by(
            "submitted_at", "pk"
        )
    return sorted(registrations, key=lambda r: (r.submitted_at, r.pk))


def _why_waitlisted(registration: Registration) -> str:
    """Read after the approval: the training was full, or only the person's region was."""
    seats = _seat_map(registration.training)
    return WAITLISTED_FULL if seats.taken >= seats.capacity else WAITLISTED_QUOTA


def registrations_bulk_decide(
    *,
    registrations: Iterable[Registration],
    action: str,
    actor: AbstractBaseUser,
    reason: str = "",
) -> BulkResult:
    """Approve, reject or cancel ``registrations`` one by one, in submission order.

    Each decision is its own service call (its own transaction and lock), so one
    refusal (already cancelled, the training completed …) leaves the others
    decided; it is reported in the outcome. Rejecting needs ``reason``
    (``ReasonRequired`` before anything is done): it is sent to each person in
    their language. Cancelling confirmed people promotes the next waiting ones;
    they are in ``promoted``.
    """
    if action not in BULK_ACTIONS:
        raise DomainError(_("Choose approve, reject or cancel."), field="action")
    reason = reason.strip()
    if action == REJECT and not reason:
        raise ReasonRequired()
    ordered = registrations_in_submission_order(registrations)
    training_ids = {r.training_id for r in ordered}
    waiting_before = set(
        Registration.objects.filter(
            training_id__in=training_ids, status=Status.WAITLISTED
        ).values_list("pk", flat=True)
    )
    outcomes = []
    full: set[int] = set()
    for registration in ordered:
        before = registration.status
        try:
            if action == APPROVE:
                decided = registration_approve(registration=registration, actor=actor)
            elif action == REJECT:
                decided = registration_reject(registration=registration, reason=reason, actor=actor)
            else:
                decided = registration_cancel(registration=registration, reason=reason, actor=actor)
        except DomainError as error:
            outcomes.append(
                BulkOutcome(registration, before=before, after=before, error=str(error.message))
            )
            continue
        outcome = BulkOutcome(decided, before=before, after=decided.status)
        if action == APPROVE and decided.status == Status.WAITLISTED:
            # Approvals only take seats: a training found full stays full for the rest.
            if decided.training_id not in full:
                outcome.waitlisted_because = _why_waitlisted(decided)
                if outcome.waitlisted_because == WAITLISTED_FULL:
                    full.add(decided.training_id)
            else:
                outcome.waitlisted_because = WAITLISTED_FULL
        outcomes.append(outcome)
    promoted = []
    if action == CANCEL and waiting_before:
        decided_ids = {o.registration.pk for o in outcomes}
        promoted = list(
            Registration.objects.filter(
                pk__in=waiting_before - decided_ids, status=Status.CONFIRMED
            )
            .select_related("participant")
            .order_by("status_changed_at", "pk")
        )
    return BulkResult(outcomes=outcomes, promoted=promoted)


def _names(outcomes: Iterable[BulkOutcome]) -> str:
    return ", ".join(str(o.registration.participant) for o in outcomes)


def registrations_bulk_summary(result: BulkResult) -> list[str]:
    """One line per kind of outcome, each naming the people it happened to.

    E.g. "3 confirmed: A, B, C", "2 put on the waiting list (the training is
    full): D, E", "1 not changed (cancelled: This registration cannot be
    changed that way …): F".
    """
    lines = []
    groups: dict[tuple, list[BulkOutcome]] = {}
    for outcome in result.outcomes:
        if outcome.error:
            key = ("error", outcome.error, outcome.before)
        elif not outcome.changed:
            key = ("same", "")
        else:
            key = (outcome.after, outcome.waitlisted_because)
        groups.setdefault(key, []).append(outcome)
    labels = {
        (Status.CONFIRMED, ""): _("%(count)d confirmed: %(names)s"),
        (Status.WAITLISTED, WAITLISTED_QUOTA): _(
            "%(count)d put on the waiting list (no seat left in their region): %(names)s"
        ),
        (Status.WAITLISTED, WAITLISTED_FULL): _(
            "%(count)d put on the waiting list (the training is full): %(names)s"
        ),
        (Status.WAITLISTED, ""): _("%(count)d put on the waiting list: %(names)s"),
        (Status.REJECTED, ""): _("%(count)d rejected (the reason is sent to each): %(names)s"),
        (Status.CANCELLED, ""): _("%(count)d cancelled: %(names)s"),
        ("same", ""): _("%(count)d not changed: %(names)s"),
    }
    order = [*labels, "error"]

    def rank(item) -> int:
        key = "error" if item[0][0] == "error" else item[0]
        return order.index(key) if key in order else len(order)

    for key, members in sorted(groups.items(), key=rank):
        values = {"count": len(members), "names": _names(members)}
        if key[0] == "error":
            values["error"] = key[1]
            values["status"] = Status(key[2]).label.lower() if key[2] in Status.values else key[2]
            lines.append(_("%(count)d not changed (%(status)s: %(error)s): %(names)s") % values)
        elif key in labels:
            lines.append(labels[key] % values)
        else:
            values["status"] = Status(key[0]).label.lower()
            lines.append(_("%(count)d now %(status)s: %(names)s") % values)
    if result.promoted:
        lines.append(
            _("%(count)d promoted from the waiting list to the freed seats: %(names)s")
            % {
                "count": len(result.promoted),
                "names": ", ".join(str(r.participant) for r in result.promoted),
            }
        )
    return lines


def registration_move_targets(registration: Registration) -> list[str]:
    """The statuses staff may move ``registration`` to (``registration_move``'s rule:
    any other status; confirming still needs a free seat, checked when moving)."""
    return [status for status in Status.values if status != registration.status]
