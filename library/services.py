"""Changes to the library: add, edit and delete documents, count downloads, read their text.

The admin, the API and the demo seed all go through these functions. A file is
checked (``rtcm.core.uploads.validate_upload``) and the document validated
(``full_clean``) before anything is written: a refused upload stores neither a
row nor a file. The file is written to storage as the row is saved; if the
database write fails, the stored file is deleted again. Files replaced or
deleted go from storage only once the transaction has committed.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterable
from functools import partial
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Topic, Training
from library.models import Document
from rtcm.core.content import localized_fields
from rtcm.core.errors import UnknownReference
from rtcm.core.slugs import unique_slug as core_unique_slug
from rtcm.core.storage import delete_stored_file, user_or_none
from rtcm.core.uploads import check_archive_bounds, validate_upload

logger = logging.getLogger(__name__)

# The fields a librarian edits (the rest is derived: slug, file facts, text, counts).
EDITABLE_FIELDS = (
    # ``title`` and ``description`` are the reader's language's (modeltranslation);
    # ``title_en``, ``title_ru`` … each language's, set after them.
    "title",
    "description",
    *localized_fields("title"),
    *localized_fields("description"),
    "authors",
    "publisher",
    "year",
    "language",
    "doc_type",
    "external_url",
    "access",
)
# Longest extracted text kept for search (a few hundred pages of prose).
MAX_TEXT_CHARS = 1_000_000
# Where ``python -m library.extraction`` is found (the folder holding ``library``).
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
SLUG_ATTEMPTS = 3


# --- create, update, delete -----------------------------------------------------------


def document_create(
    *,
    data: dict[str, Any],
    uploaded_file=None,
    topics: Iterable[Topic | int | str] = (),
    trainings: Iterable[Training | int | str] = (),
    actor: AbstractBaseUser | AnonymousUser | None,
) -> Document:
    """Add a document with a file (``uploaded_file``) or an external link (``data``).

    ``data`` holds ``EDITABLE_FIELDS`` (and optionally ``slug``; by default the
    slug is made from the title, unique). ``topics`` and ``trainings`` are
    objects or ids. Raises ``UploadRefused``, ``UnknownReference`` or Django's
    ``ValidationError``, with nothing stored. The text extraction is queued
    once the transaction commits.
    """
    document = Document(uploaded_by=user_or_none(actor))
    _apply_data(document, data)
    topic_list = _objects_by_id(Topic, topics, field="topics", label=_("topic"))
    training_list = _objects_by_id(Training, trainings, field="trainings", label=_("training"))
    if uploaded_file is not None:
        _attach_file(document, uploaded_file)
    _require_file_or_link(document)
    slug_given = bool(data.get("slug"))
    document.slug = data["slug"] if slug_given else unique_slug(document.title)
    document.full_clean()
    _save(
        document,
        new_file=uploaded_file is not None,
        regenerate_slug=not slug_given,
        topics=topic_list,
        trainings=training_list,
    )
    return document


def document_update(
    *,
    document: Document,
    data: dict[str, Any],
    uploaded_file=None,
    topics: Iterable[Topic | int | str] | None = None,
    trainings: Iterable[Training | int | str] | None = None,
    actor: AbstractBaseUser | AnonymousUser | None,
    clear_file: bool = False,
) -> Document:
    """Change a document. ``None`` topics/trainings leave them as they are.

    A new ``uploaded_file`` replaces the old one (deleted after commit) and
    queues the text extraction again; ``clear_file`` removes the file (the
    document then needs an external link). The slug stays unless ``data``
    gives one: people bookmark document pages. Same errors as ``document_create``,
    nothing saved when one is raised.
    """
    old_file_name = document.file.name if document.file else ""
    _apply_data(document, data)
    if data.get("slug"):
        document.slug = data["slug"]
    topic_list = (
        None if topics is None else _objects_by_id(Topic, topics, field="topics", label=_("topic"))
    )
    training_list = (
        None
        if trainings is None
        else _objects_by_id(Training, trainings, field="trainings", label=_("training"))
    )
    if uploaded_file is not None:
        _attach_file(document, uploaded_file)
        document.uploaded_by = user_or_none(actor)
    elif clear_file:
        document.file = ""
        document.original_name = document.content_type = ""
        document.size = 0
        _reset_text(document)
    _require_file_or_link(document)
    document.full_clean()
    replaced = old_file_name if (uploaded_file is not None or clear_file) else ""
    _save(
        document,
        new_file=uploaded_file is not None,
        regenerate_slug=False,
        topics=topic_list,
        trainings=training_list,
        replaced_file_name=replaced,
    )
    return document


def document_delete(*, document: Document) -> None:
    """Delete the row; its file goes from storage once the deletion has committed."""
    file_name = document.file.name if document.file else ""
    storage = document.file.storage
    with transaction.atomic():
        document.delete()
        if file_name:
            transaction.on_commit(partial(delete_stored_file, storage, file_name))


def document_register_download(*, document: Document) -> None:
    """Count one download, atomically (concurrent downloads each count)."""
    Document.objects.filter(pk=document.pk).update(download_count=F("download_count") + 1)


def unique_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """An ASCII slug of ``title`` (other scripts transliterated), "-2", "-3"… on a clash."""
    return core_unique_slug(Document, title, fallback="document", exclude_pk=exclude_pk)


# --- text extraction (called by library.tasks.extract_document_text) -------------------


def document_extract_text(*, document_id: int) -> str:
    """Read the text and page count of a document's file and store them; safe to run twice.

    Returns what happened. A document already read, deleted or without a file
    is left alone. The parsing runs outside any transaction; the result is
    saved by a conditional update that finds nothing to change when the file
    was replaced meanwhile (the new file's own task reads it). A file that
    cannot be parsed is logged and recorded with no text: it is not retried.
    Storage errors that may pass (``ConnectionError``, ``TimeoutError``)
    propagate, for the task to retry.
    """
    document = Document.objects.filter(pk=document_id).only("pk", "file", "text_extracted_at")
    document = document.first()
    if document is None:
        return "gone"
    if document.text_extracted_at is not None:
        return "already extracted"
    if not document.file:
        return "no file"
    file_name = document.file.name
    try:
        with document.file.storage.open(file_name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        logger.warning("library document %s: file %s is missing", document_id, file_name)
        return "file missing"
    try:
        text, pages = extract_text(data, PurePath(file_name).suffix.lower())
    except (ConnectionError, TimeoutError):
        raise
    except Exception:  # a broken file must not fail the task forever
        logger.exception("library document %s: cannot read the text of %s", document_id, file_name)
        text, pages = "", None
    # PostgreSQL text cannot hold NUL characters.
    text = text.replace("\x00", "")[:MAX_TEXT_CHARS]
    updated = Document.objects.filter(
        pk=document_id, file=file_name, text_extracted_at__isnull=True
    ).update(extracted_text=text, page_count=pages, text_extracted_at=timezone.now())
    return "extracted" if updated else "changed meanwhile"


class ExtractionFailed(RuntimeError):
    """The child process reading a file failed, ran out of memory or of time."""


def extract_text(data: bytes, extension: str) -> tuple[str, int | None]:
    """The text of a file and its page count (None where a format has no pages).

    PDF (pypdf), DOCX (python-docx: paragraphs and tables) and TXT; other
    formats give no text. A DOCX is judged by its ZIP directory first, as at
    upload (``check_archive_bounds``): a file stored before the bounds, or under
    looser ones, is never unpacked past them (``UploadRefused`` then). PDFs and
    DOCX files are parsed in a child process (``library.extraction``) bounded to
    ``RTCM_LIBRARY_EXTRACTION_MEMORY_BYTES`` and ``RTCM_LIBRARY_EXTRACTION_SECONDS``
    (``ExtractionFailed`` past them).
    """
    if extension == ".txt":
        return data.decode("utf-8-sig", errors="replace"), None
    if extension not in (".pdf", ".docx"):
        return "", None
    if extension == ".docx":
        check_archive_bounds(data, extension=extension)
    return _extract_in_child(data, extension)


def _extract_in_child(data: bytes, extension: str) -> tuple[str, int | None]:
    seconds = settings.RTCM_LIBRARY_EXTRACTION_SECONDS
    command = [
        sys.executable,
        "-m",
        "library.extraction",
        extension,
        str(settings.RTCM_LIBRARY_EXTRACTION_MEMORY_BYTES),
        str(seconds),
        str(MAX_TEXT_CHARS),
    ]
    try:
        finished = subprocess.run(  # noqa: S603 - our own module, no shell, fixed arguments
            command,
            input=data,
            capture_output=True,
            timeout=seconds + 5,
            cwd=PACKAGE_ROOT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise ExtractionFailed(f"reading the text took more than {seconds} s") from error
    if finished.returncode != 0:
        reason = finished.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:]
        raise ExtractionFailed(
            f"the reader stopped with status {finished.returncode}: {' '.join(reason)}"
        )
    result = json.loads(finished.stdout)
    return result["text"], result["pages"]


# --- helpers ------------------------------------------------------------------------


def _apply_data(document: Document, data: dict[str, Any]) -> None:
    unknown = set(data) - {*EDITABLE_FIELDS, "slug"}
    if unknown:
        raise TypeError(f"document fields that cannot be set: {sorted(unknown)}")
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            field = Document._meta.get_field(name)
            if value is None and not field.null:
                value = ""
            setattr(document, name, value)


def _objects_by_id(model: type[models.Model], items: Iterable, *, field: str, label) -> list:
    """The objects named by ``items`` (objects or ids); ``UnknownReference`` for any missing."""
    objects, ids = [], []
    for item in items:
        if isinstance(item, model):
            objects.append(item)
            continue
        try:
            ids.append(int(item))
        except (TypeError, ValueError):
            raise UnknownReference(
                _("Unknown %(label)s: “%(value)s”.") % {"label": label, "value": item},
                field=field,
            ) from None
    found = {obj.pk: obj for obj in model._default_manager.filter(pk__in=ids)}
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise UnknownReference(
            _("Unknown %(label)s: %(ids)s.") % {"label": label, "ids": ", ".join(missing)},
            field=field,
        )
    return objects + [found[pk] for pk in dict.fromkeys(ids)]


def _attach_file(document: Document, uploaded_file) -> None:
    """Check the upload and set it on the document (stored only when the row is saved)."""
    original_name, content_type = validate_upload(uploaded_file)
    uploaded_file.seek(0)
    document.file = uploaded_file  # the storage name comes from ``document_file_path``
    document.original_name = original_name
    document.content_type = content_type
    document.size = uploaded_file.size
    _reset_text(document)


def _reset_text(document: Document) -> None:
    document.extracted_text = ""
    document.page_count = None
    document.text_extracted_at = None


def _require_file_or_link(document: Document) -> None:
    # The database says so too (``document_file_or_link``); this says it clearly.
    if not document.file and not document.external_url:
        raise ValidationError(
            {"file": _("Upload a file or give an external link: a document needs one of them.")}
        )


def _save(
    document: Document,
    *,
    new_file: bool,
    regenerate_slug: bool,
    topics: list | None,
    trainings: list | None,
    replaced_file_name: str = "",
) -> None:
    """Save row, file and relations in one transaction; remove the new file if it fails."""
    from library.tasks import extract_document_text

    try:
        with transaction.atomic():
            _save_row(document, regenerate_slug=regenerate_slug)
            if topics is not None:
                document.topics.set(topics)
            if trainings is not None:
                document.trainings.set(trainings)
            if replaced_file_name and replaced_file_name != document.file.name:
                transaction.on_commit(
                    partial(delete_stored_file, document.file.storage, replaced_file_name)
                )
            if new_file:
                extract_document_text.delay_on_commit(document.pk)
    except BaseException:
        if new_file and document.file and getattr(document.file, "_committed", False):
            delete_stored_file(document.file.storage, document.file.name)
        raise


def _save_row(document: Document, *, regenerate_slug: bool) -> None:
    """``save()``; a slug taken by a concurrent save meanwhile gets the next number."""
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                document.save()
            return
        except IntegrityError:
            clash = Document.objects.filter(slug=document.slug).exclude(pk=document.pk).exists()
            if not (regenerate_slug and clash) or attempt == SLUG_ATTEMPTS - 1:
                raise
            document.slug = unique_slug(document.title, exclude_pk=document.pk)
