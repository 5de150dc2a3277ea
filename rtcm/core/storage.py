"""Small helpers around stored files and the user who acts."""

import logging

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

logger = logging.getLogger(__name__)


def delete_stored_file(storage, name: str) -> None:
    """Delete a stored file; a storage that fails is logged, not raised (the row is gone)."""
    try:
        storage.delete(name)
    except OSError:
        logger.exception("could not delete the stored file %s", name)


def user_or_none(actor: AbstractBaseUser | AnonymousUser | None) -> AbstractBaseUser | None:
    """The signed-in user to record as the author of a change, or None."""
    return actor if actor is not None and actor.is_authenticated else None
