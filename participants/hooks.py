"""What participants registers into the apps below it (``ParticipantsConfig.ready``).

Courses asks for seat counts through ``courses.seats``; it never imports
participants. The counter lives here, next to the registrations it counts; so do
the reasons a session or a question may not be removed (``courses.hooks``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from courses.models import Question, Session, Training
from participants.models import Answer, Attendance, Registration


def session_delete_refusal(session: Session) -> str | None:
    if Attendance.objects.filter(session=session).exists():
        return gettext(
            "“%(title)s” cannot be removed: attendance is recorded for it "
            "(the marks count towards certificates)."
        ) % {"title": session.title}
    return None


def question_delete_refusal(question: Question) -> str | None:
    if Answer.objects.filter(question=question).exists():
        return gettext("“%(label)s” cannot be removed: registrants have answered it.") % {
            "label": question.label
        }
    return None


def _registrations_count(status: str) -> Coalesce:
    """A correlated subquery counting one training's registrations in ``status``.

    A subquery rather than ``Count()`` over a join: the database then counts
    only for the rows a page shows (through the ``training, status`` index),
    not for every training before the LIMIT.
    """
    counted = (
        Registration.objects.filter(training=OuterRef("pk"), status=status)
        .order_by()
        .values("training")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class RegistrationSeatCounter:
    """``courses.seats.SeatCounter``: confirmed registrations take the seats."""

    def seats_taken(self, *, training: Training) -> int:
        return Registration.objects.filter(
            training=training, status=Registration.Status.CONFIRMED
        ).count()

    def annotate_seats(self, queryset: QuerySet[Training]) -> QuerySet[Training]:
        return queryset.annotate(
            seats_taken=_registrations_count(Registration.Status.CONFIRMED),
            waitlist_length=_registrations_count(Registration.Status.WAITLISTED),
        )


# --- other certificates verified at /certificates/verify/<code>/ -------------------------

# An app above (volunteers: certificates of service) registers ``fn(code)`` returning
# ``(template_name, context)`` for a code of its own, or None; tried in order when no
# training certificate has the code.
CertificateVerifier = Callable[[str], tuple[str, dict] | None]
_certificate_verifiers: list[CertificateVerifier] = []


def certificate_verifier_register(verifier: CertificateVerifier) -> None:
    if verifier not in _certificate_verifiers:
        _certificate_verifiers.append(verifier)


def certificate_verify_other(code: str) -> tuple[str, dict] | None:
    """The first registered verifier's page for ``code``, or None (unknown code)."""
    for verifier in _certificate_verifiers:
        found = verifier(code)
        if found is not None:
            return found
    return None
