"""Small helpers around stored files (their deletion, their download) and the user who acts."""

import logging
import mimetypes
import unicodedata
from urllib.parse import quote

from anyascii import anyascii
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

logger = logging.getLogger(__name__)


def delete_stored_file(storage, name: str) -> None:
    """Delete a stored file; a storage that fails is logged, not raised (the row is gone)."""
    try:
        storage.delete(name)
    except OSError:
        logger.exception("could not delete the stored file %s", name)


def stored_file_bytes(field_file: FieldFile) -> bytes | None:
    """A stored file's bytes (for a person's data export); None when the field is
    empty or the file is gone."""
    if not field_file:
        return None
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def user_or_none(actor: AbstractBaseUser | AnonymousUser | None) -> AbstractBaseUser | None:
    """The signed-in user to record as the author of a change, or None."""
    return actor if actor is not None and actor.is_authenticated else None


def content_disposition(filename: str, *, as_attachment: bool = True) -> str:
    """A ``Content-Disposition`` value that is safe for a file name in any script.

    The name loses path separators and control characters (an uploaded name is
    not to be trusted), then goes out twice (RFC 6266): ``filename="…"`` in
    ASCII (transliterated: ``Справочник.pdf`` → ``Spravochnik.pdf``) for old
    clients, and ``filename*=utf-8''…`` with the real name when it is not plain
    ASCII.
    """
    disposition = "attachment" if as_attachment else "inline"
    name = "".join(
        "_" if ch in "/\\" else ch for ch in filename if unicodedata.category(ch)[0] != "C"
    ).strip(" .")
    if not name:
        return disposition
    fallback = "".join(
        ch if ch in _QUOTABLE else "_" for ch in anyascii(name).replace('"', "'")
    ).strip(" ._")
    if name == fallback:
        return f'{disposition}; filename="{name}"'
    fallback_part = f'filename="{fallback}"; ' if fallback.strip("_") else ""
    return f"{disposition}; {fallback_part}filename*=utf-8''{quote(name)}"


# Printable ASCII but the quote and the backslash: nothing to escape in a quoted string.
_QUOTABLE = frozenset(chr(code) for code in range(0x20, 0x7F)) - {'"', "\\"}


def stored_file_response(
    field_file: FieldFile,
    *,
    filename: str,
    as_attachment: bool = True,
    content_type: str | None = None,
    private: bool = True,
) -> FileResponse:
    """The one response for a stored file (library document, certificate, CV, job result…).

    404 when the field is empty or the file is gone from the storage. Access is
    the caller's to check first. ``private`` keeps the response out of every
    shared cache (``Cache-Control: private, no-store``); ``nosniff`` always, so
    that a browser never takes an upload for something it is not.
    """
    if not field_file:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=content_type or _guess_type(filename) or "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition(filename, as_attachment=as_attachment)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    return response


def _guess_type(filename: str) -> str | None:
    content_type, encoding = mimetypes.guess_type(filename)
    return None if encoding else content_type


def file_suffix(name: str) -> str:
    """The extension of a stored name (``.pdf``), or "" when it has none."""
    base = name.rsplit("/", 1)[-1]
    return base[base.rfind(".") :] if "." in base else ""
