"""The "rate your trainers" panel of the manage-registration page.

Registered into ``participants.panels`` by ``experts.apps``: participants shows
it without importing the expert network. The panel handles the page's POSTs
whose ``action`` is ``rate``; ``experts.ratings.trainer_rate`` decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from courses.models import Session
from experts import ratings
from experts.forms import TrainerRatingForm
from experts.models import Expert, TrainerRating
from participants.models import Registration
from participants.panels import PanelOutput
from rtcm.core.errors import DomainError
from rtcm.core.forms import add_domain_error

RATE_ACTION = "rate"


@dataclass
class RatingRow:
    """One trainer of one attended session, the person's rating so far, and its form."""

    session: Session
    expert: Expert
    rating: TrainerRating | None
    form: TrainerRatingForm


def _rating_rows(
    request: HttpRequest, registration: Registration, action: str | None
) -> list[RatingRow]:
    """A form per trainer to rate; the one named by the POST's ``rating`` field is bound."""
    posted = request.POST.get("rating") if action == RATE_ACTION else None
    rows = []
    for session, expert, rating in ratings.registration_trainers_to_rate(registration):
        prefix = f"rate-{session.pk}-{expert.pk}"
        initial = {"score": rating.score, "comment": rating.comment} if rating else None
        form = TrainerRatingForm(
            request.POST if prefix == posted else None, prefix=prefix, initial=initial
        )
        rows.append(RatingRow(session=session, expert=expert, rating=rating, form=form))
    return rows


def rate_trainers_panel(
    request: HttpRequest, registration: Registration, *, action: str | None
) -> PanelOutput | HttpResponse | None:
    rows = _rating_rows(request, registration, action)
    refused = False
    if action == RATE_ACTION:
        posted = request.POST.get("rating")
        row = next((row for row in rows if row.form.prefix == posted), None)
        if row is None:
            refused = True
            messages.error(request, _("This trainer cannot be rated from this page."))
        elif row.form.is_valid():
            try:
                ratings.trainer_rate(
                    registration=registration,
                    session=row.session,
                    expert=row.expert,
                    score=row.form.cleaned_data["score"],
                    comment=row.form.cleaned_data["comment"],
                )
            except DomainError as error:
                add_domain_error(row.form, error)
            else:
                messages.success(
                    request,
                    _("Thank you: your rating of %(name)s is saved.")
                    % {"name": row.expert.full_name},
                )
                return redirect(registration.get_absolute_url() + "#rate-trainers")
    if not rows:
        return PanelOutput(None, invalid=True) if refused else None
    return PanelOutput(
        "experts/registration/rate_trainers.html",
        # The training: its sessions' times are on its venue's clock (``session_when``).
        {"rating_rows": rows, "training": registration.training},
        invalid=refused or any(row.form.errors for row in rows),
    )
