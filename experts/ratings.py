"""Participants rate the trainers of the sessions they attended (services and the read
the manage page needs).

Ratings are the expert network's: a rating points to an ``Expert``, and experts
sits above participants, so it may read registrations and attendance.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Session
from experts.models import Expert, TrainerRating
from participants.models import Attendance, Registration
from rtcm.core.errors import DomainError

Status = Registration.Status


RATING_SCORES = range(1, 6)


class RatingRefused(DomainError):
    default_message = _("This trainer cannot be rated.")
    status_code = 400
    code = "rating_refused"


def trainer_rate(
    *,
    registration: Registration,
    session: Session,
    expert: Expert,
    score: int,
    comment: str = "",
) -> TrainerRating:
    """A participant rates one trainer of a session they attended, from 1 to 5.

    The registration must be confirmed (read from the database: the object may
    be stale), the session one of its training's, over, and marked *present*
    for this person; the expert one of that session's trainers. Rating again
    changes the rating (one row per registration, session and trainer). The
    expert network's matching reads the average. Raises ``RatingRefused``
    naming the field at fault; nothing is written then.
    """
    is_confirmed = Registration.objects.filter(pk=registration.pk, status=Status.CONFIRMED).exists()
    if not is_confirmed:
        raise RatingRefused(
            _("Only participants with a confirmed seat can rate the trainers."),
            field="registration",
        )
    if session.training_id != registration.training_id:
        raise RatingRefused(_("This session is not part of your training."), field="session")
    if session.ends_at > timezone.now():
        raise RatingRefused(
            _("You can rate the trainers once the session is over."), field="session"
        )
    attended = Attendance.objects.filter(
        registration=registration, session=session, present=True
    ).exists()
    if not attended:
        raise RatingRefused(
            _("Only the sessions you were marked present at can be rated."), field="session"
        )
    if not session.trainers.filter(pk=expert.pk).exists():
        raise RatingRefused(
            _("%(name)s was not a trainer of this session.") % {"name": expert.full_name},
            field="expert",
        )
    if isinstance(score, bool) or not isinstance(score, int) or score not in RATING_SCORES:
        raise RatingRefused(_("Choose a rating from 1 to 5."), field="score")
    rating, _created = TrainerRating.objects.update_or_create(
        registration=registration,
        session=session,
        expert=expert,
        defaults={"score": score, "comment": comment.strip()},
    )
    return rating


def registration_trainers_to_rate(
    registration: Registration,
) -> list[tuple[Session, Expert, TrainerRating | None]]:
    """What the person may rate: each trainer of each session they attended that is over,
    with their rating so far (or None). Sessions in time order; three queries at most."""
    if registration.status != Status.CONFIRMED:
        return []
    sessions = list(
        Session.objects.filter(
            training_id=registration.training_id,
            ends_at__lte=timezone.now(),
            attendance__registration=registration,
            attendance__present=True,
        )
        .prefetch_related("trainers")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return []
    ratings = {
        (rating.session_id, rating.expert_id): rating
        for rating in TrainerRating.objects.filter(registration=registration)
    }
    return [
        (session, expert, ratings.get((session.pk, expert.pk)))
        for session in sessions
        for expert in session.trainers.all()
    ]
