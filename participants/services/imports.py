"""Importing participants' registrations from a checked file: all rows or none."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from participants.imports import ImportFileError, ImportPreview
from participants.models import Consent, Registration
from participants.services.registrations import registration_submit
from rtcm.core.errors import DomainError


def registrations_import(
    *, training: Training, preview: ImportPreview, actor: AbstractBaseUser | None
) -> list[Registration]:
    """Register every row of a valid preview, all or nothing.

    Each row goes through ``registration_submit`` (source ``import``, the
    registration window not enforced), which takes the training's row lock, so
    statuses follow the seats left in file order. Everything runs in one
    ``transaction.atomic()``: the first row a rule refuses rolls the whole
    import back, and its number is in the error.
    """
    if preview.training.pk != training.pk:
        raise ImportFileError(_("This preview belongs to another training."))
    if not preview.rows:
        raise ImportFileError(_("There is nothing to import."))
    if not preview.is_valid:
        count = len(preview.invalid_rows)
        raise ImportFileError(
            ngettext(
                "%(count)d row has errors: nothing was imported.",
                "%(count)d rows have errors: nothing was imported.",
                count,
            )
            % {"count": count}
        )
    registrations = []
    with transaction.atomic():
        for row in preview.rows:
            try:
                registration = registration_submit(
                    training=training,
                    participant_data=row.data,
                    answers=row.answers,
                    source=Registration.Source.IMPORT,
                    actor=actor,
                    enforce_window=False,
                    # Partner agencies send lists they collected consent for: the
                    # record says so (``participants.services.consents``).
                    consents=[Consent.Purpose.REGISTRATION],
                )
            except (DomainError, ValidationError) as error:
                message = (
                    error.message if isinstance(error, DomainError) else " ".join(error.messages)
                )
                raise ImportFileError(
                    gettext("Row %(row)d: %(message)s Nothing was imported.")
                    % {"row": row.number, "message": message},
                    field=getattr(error, "field", None),
                ) from error
            registrations.append(registration)
    return registrations
