"""Signals courses sends for the apps above it (which it never imports).

``training_cancelled``: sent by ``courses.services.training_cancel`` inside its
transaction, while it holds the training's row lock, with ``training`` (the
locked row, already cancelled), ``actor`` (the user, or None) and ``reason``.
Receivers do their part in the same transaction: an error rolls the
cancellation back. Participants cancels every active registration and queues a
"training cancelled" e-mail to each person (``participants.apps``).
"""

from django.dispatch import Signal

training_cancelled = Signal()
