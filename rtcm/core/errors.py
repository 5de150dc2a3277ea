"""The one family of domain errors.

Services raise these with a message a person can read. Forms show the message
next to ``field`` (or at the top of the form), the API's exception handler turns
it into JSON with ``status_code``. Raising one inside ``transaction.atomic()``
rolls the whole change back: nothing is half-written.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule said no."""

    default_message = _("This action is not possible.")
    status_code = 400
    code = "invalid"
    field: str | None = None

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message or self.default_message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))


class RegistrationClosed(DomainError):
    default_message = _("Registration for this training is closed.")
    status_code = 409
    code = "registration_closed"


class AlreadyRegistered(DomainError):
    default_message = _("This e-mail address is already registered for this training.")
    status_code = 409
    code = "already_registered"
    field = "email"


class TrainingFull(DomainError):
    default_message = _("This training is full and has no waiting list.")
    status_code = 409
    code = "training_full"


class InvalidTransition(DomainError):
    default_message = _("This registration cannot be changed that way in its current status.")
    status_code = 409
    code = "invalid_transition"


class NotEligible(DomainError):
    default_message = _("This registration is not eligible for a certificate.")
    status_code = 409
    code = "not_eligible"


class UnknownReference(DomainError):
    """Something named by id or slug (a topic, a training) does not exist."""

    default_message = _("This refers to something that does not exist.")
    code = "unknown_reference"
