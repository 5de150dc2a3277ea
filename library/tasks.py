"""Thin tasks of the library: take ids, call the service that does the work."""

from __future__ import annotations

from celery import shared_task

# Reading one document's text gets at most this long in the worker (seconds): past
# the soft limit the service records the document without text, past the hard one
# the worker process is replaced. (In the embedded mode without a broker, tasks run
# eagerly, in the request's thread once it commits, and these limits do not apply.)
EXTRACTION_SOFT_TIME_LIMIT = 120
EXTRACTION_TIME_LIMIT = 150


@shared_task(
    acks_late=True,
    soft_time_limit=EXTRACTION_SOFT_TIME_LIMIT,
    time_limit=EXTRACTION_TIME_LIMIT,
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
