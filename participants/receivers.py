"""What participants does when the apps below it send a signal (``ParticipantsConfig.ready``)."""

from __future__ import annotations

from courses.models import Training
from participants import services


def on_training_cancelled(sender, *, training: Training, actor=None, reason: str = "", **kwargs):
    """``courses.signals.training_cancelled``: cancel the registrations, tell the people."""
    services.registrations_cancel_for_training(training=training, actor=actor, reason=reason)
