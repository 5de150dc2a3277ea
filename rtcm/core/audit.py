"""The audit log: who did what, when, from where.

Two tables make it:

- **row changes**: django-auditlog's ``LogEntry``, written by its signals for the models
  ``settings.AUDITLOG_INCLUDE_TRACKING_MODELS`` lists (create, change with the changed
  fields, delete, many-to-many adds and removals). ``AuditlogMiddleware`` below tells it
  who (the signed-in user, read when the row is written: the API's token user too) and
  from where (``client_address``, never a forged ``X-Forwarded-For``).
- **events**: ``AuditEvent``, written by ``audit_event`` for what changes no tracked row:
  sign-ins (and failed ones), sign-outs, exports and downloads of personal data, API
  tokens made. The receivers below record the sign-ins and the tokens; views call
  ``audit_event`` on one line.

``audit_forget`` scrubs a person's data out of both when they are erased;
``audit_log_prune`` deletes rows older than ``RTCM_AUDIT_RETENTION_DAYS``;
``audit_changes`` and ``audit_events`` are the reads the managers' page shows.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Iterable
from contextvars import ContextVar

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from rtcm.core.models import AuditEvent
from rtcm.core.ratelimit import client_address

Kind = AuditEvent.Kind

ERASED = "(erased)"  # what stands where an erased person's data was
USER_AGENT_LENGTH = AuditEvent._meta.get_field("user_agent").max_length
SUMMARY_LENGTH = AuditEvent._meta.get_field("summary").max_length
LABEL_LENGTH = AuditEvent._meta.get_field("actor_label").max_length

# The request being answered, for receivers that are given none (a token saved).
_current_request: ContextVar[HttpRequest | None] = ContextVar("rtcm_audit_request", default=None)


def _address(request: HttpRequest | None) -> str | None:
    """``client_address``, when it is an IP address (the column holds nothing else)."""
    if request is None:
        return None
    address = client_address(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _signed_in_user(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, told the address ``client_address`` gives (its own
    takes the left-most ``X-Forwarded-For`` entry, which any client writes) and no port
    (``X-Forwarded-Port`` is the client's say-so too).

    The actor is read when a row is written, not when the request begins: a request
    the API authenticates by token has its user only then, and a page that changes
    nothing does not read the session for the log's sake.
    """

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return _address(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        return None

    @staticmethod
    def _get_actor(request: HttpRequest):
        return SimpleLazyObject(lambda: _signed_in_user(request))

    def __call__(self, request: HttpRequest):
        token = _current_request.set(request)
        try:
            return super().__call__(request)
        finally:
            _current_request.reset(token)


# --- writes ---------------------------------------------------------------------------


def audit_event(
    request: HttpRequest | None,
    kind: str,
    *,
    summary: str = "",
    obj: Model | None = None,
    actor=None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Record one event. ``actor`` defaults to the request's signed-in user; ``obj`` is
    what it was about (a training exported, a certificate downloaded), if anything."""
    if actor is None and request is not None:
        actor = _signed_in_user(request)
    if actor_label is None:
        actor_label = actor.get_username() if actor is not None else ""
    user_agent = request.headers.get("User-Agent", "") if request is not None else ""
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_label=actor_label[:LABEL_LENGTH],
        summary=summary[:SUMMARY_LENGTH],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        remote_addr=_address(request),
        user_agent=user_agent[:USER_AGENT_LENGTH],
    )


def _scrub(value, patterns: list[re.Pattern]):
    """``value`` (a change's old or new value, or a list of them) with ``patterns`` erased."""
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(ERASED, value)
        return value
    if isinstance(value, list):
        return [_scrub(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, patterns) for key, item in value.items()}
    return value


def _erase_values(changes: dict | None) -> dict | None:
    """The changed fields' names, without their values."""
    if not changes:
        return changes
    erased = {}
    for field, values in changes.items():
        if isinstance(values, dict):  # a many-to-many change: keep what was done, not to whom
            erased[field] = {**values, "objects": [ERASED for _object in values.get("objects", [])]}
        else:
            erased[field] = [ERASED, ERASED]
    return erased


def _mentioning(queryset: QuerySet, fields: Iterable[str], texts: list[str]) -> QuerySet:
    """Rows whose ``fields`` contain any of ``texts``. A JSON column is searched for the
    text as written and as JSON escapes it (SQLite keeps non-ASCII as \\uXXXX)."""
    condition = Q()
    for text in texts:
        for field in fields:
            condition |= Q(**{f"{field}__icontains": text})
            escaped = json.dumps(text)[1:-1]
            if escaped != text:
                condition |= Q(**{f"{field}__icontains": escaped})
    return queryset.filter(condition)


@transaction.atomic
def audit_forget(*objects: Model, texts: Iterable[str] = ()) -> int:
    """Scrub an erased person's data out of the audit log; return the rows scrubbed.

    Every row about one of ``objects`` (a participant, their registrations, an expert)
    keeps who acted, when, from where and which fields changed, but no value: its
    object's name and the changed values become ``ERASED``. Then any other row that
    mentions one of ``texts`` (the person's former name, e-mail, phone: a registration's
    name, an expert booked as a session's trainer) has those words replaced.

    Call it after the anonymising save, in its transaction: that save's own change
    row (old name → new) is scrubbed with the rest.
    """
    scrubbed = 0
    for obj in objects:
        content_type = ContentType.objects.get_for_model(obj)
        entries = list(LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk)))
        for entry in entries:
            entry.object_repr = ERASED
            entry.changes = _erase_values(entry.changes)
            entry.changes_text = ""
            entry.serialized_data = None
            entry.additional_data = None
        LogEntry.objects.bulk_update(
            entries,
            ["object_repr", "changes", "changes_text", "serialized_data", "additional_data"],
        )
        scrubbed += len(entries)
        scrubbed += AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).update(summary=ERASED)
    texts = sorted({text.strip() for text in texts if text and len(text.strip()) >= 3}, key=len)
    if not texts:
        return scrubbed
    patterns = [re.compile(re.escape(text), re.IGNORECASE) for text in reversed(texts)]
    entries = list(_mentioning(LogEntry.objects.all(), ("object_repr", "changes"), texts))
    for entry in entries:
        entry.object_repr = _scrub(entry.object_repr, patterns)
        entry.changes = _scrub(entry.changes, patterns)
        entry.changes_text = _scrub(entry.changes_text, patterns)
    LogEntry.objects.bulk_update(entries, ["object_repr", "changes", "changes_text"])
    events = list(_mentioning(AuditEvent.objects.all(), ("summary",), texts))
    for event in events:
        event.summary = _scrub(event.summary, patterns)
    AuditEvent.objects.bulk_update(events, ["summary"])
    return scrubbed + len(entries) + len(events)


def audit_log_prune(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Delete the audit rows older than ``RTCM_AUDIT_RETENTION_DAYS``: (changes, events)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RTCM_AUDIT_RETENTION_DAYS)
    changes, _by_model = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    events, _by_model = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return changes, events


# --- receivers (connected in rtcm.core.apps) --------------------------------------------


def on_signed_in(sender, request, user, **kwargs) -> None:
    audit_event(request, Kind.SIGN_IN, actor=user)


def on_signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_event(request, Kind.SIGN_OUT, actor=user)


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """The name tried, from where; never the password (Django masks it anyway)."""
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    audit_event(request, Kind.SIGN_IN_FAILED, actor_label=str(username or ""))


def on_token_saved(sender, instance, created, raw=False, **kwargs) -> None:
    """An API token made (in the admin, by the API, by ``drf_create_token``): for whom,
    by whom. The key itself is never written anywhere but its own table."""
    if created and not raw:
        owner = instance.user
        audit_event(
            _current_request.get(),
            Kind.TOKEN_CREATED,
            summary=f"API token for {owner.get_username()}",
            obj=owner,
        )


# --- reads (the managers' page) ---------------------------------------------------------

# The row-change actions the page offers, by name (auditlog stores numbers).
CHANGE_ACTIONS = {
    "create": LogEntry.Action.CREATE,
    "update": LogEntry.Action.UPDATE,
    "delete": LogEntry.Action.DELETE,
}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _period(field: str, since: dt.date | None, until: dt.date | None) -> Q:
    """``field`` from the start of ``since`` to the end of ``until`` (local days)."""
    condition = Q()
    if since is not None:
        condition &= Q(**{f"{field}__gte": _day_start(since)})
    if until is not None:
        condition &= Q(**{f"{field}__lt": _day_start(until + dt.timedelta(days=1))})
    return condition


def audit_changes(
    *,
    who: str = "",
    action: str = "",
    object_type: str = "",
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    address: str = "",
) -> QuerySet[LogEntry]:
    """Row changes, newest first, narrowed by the page's filters: ``who`` (part of the
    user name or e-mail), ``action`` (a key of ``CHANGE_ACTIONS``), ``object_type``
    (``app_label.model``), ``text`` (in the object's name), a period, an address."""
    entries = LogEntry.objects.select_related("actor", "content_type")
    if who:
        entries = entries.filter(Q(actor__username__icontains=who) | Q(actor_email__icontains=who))
    if action in CHANGE_ACTIONS:
        entries = entries.filter(action=CHANGE_ACTIONS[action])
    if object_type:
        app_label, _dot, model = object_type.partition(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
    if text:
        entries = entries.filter(object_repr__icontains=text)
    if address:
        entries = entries.filter(remote_addr=address)
    return entries.filter(_period("timestamp", since, until)).order_by("-timestamp", "-pk")


def audit_events(
    *,
    who: str = "",
    action: str = "",
    object_type: str = "",
    text: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    address: str = "",
) -> QuerySet[AuditEvent]:
    """Events, newest first, by the same filters (``action`` is an ``AuditEvent.Kind``;
    ``who`` also finds the name a failed sign-in tried; ``text`` is in what was done
    or the object's id)."""
    events = AuditEvent.objects.select_related("actor")
    if who:
        events = events.filter(Q(actor_label__icontains=who) | Q(actor__username__icontains=who))
    if action in Kind.values:
        events = events.filter(kind=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if text:
        events = events.filter(Q(summary__icontains=text) | Q(object_id=text))
    if address:
        events = events.filter(remote_addr=address)
    return events.filter(_period("at", since, until)).order_by("-at", "-pk")
