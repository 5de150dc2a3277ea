"""Thin tasks of the library: take ids, call the service that does the work."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    acks_late=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
)
def extract_document_text(document_id: int) -> str:
    """Read a document's text and page count for search; safe to run twice.

    Retries only when storage could not be reached; a broken file is logged
    and left without text by the service, never retried forever.
    """
    from library.services import document_extract_text

    return document_extract_text(document_id=document_id)
