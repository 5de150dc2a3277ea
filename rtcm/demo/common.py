"""What every part of the demo shares: weighted choices, the clock, tallies, batches.

``at_time()`` and ``insert_rows()`` let the demo write *history*: the services it
calls stamp rows with ``timezone.now()``, so ``at_time(moment)`` makes "now" that
moment while a service runs (a registration submitted last March is stamped last
March, its audit row and e-mail too); ``insert_rows()`` keeps the times given to
the rows the demo writes in bulk. ``at_time`` is for this single-threaded seeding
only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
)
from django.utils import timezone

BATCH_SIZE = 2000
T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice with its cumulative weights computed once."""

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        items, weights = zip(*pairs, strict=True)
        self.items: Sequence[T] = items
        self.cum_weights = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.items, cum_weights=self.cum_weights)[0]


@dataclass(frozen=True)
class Clock:
    """Today and now, and local times of the center's time zone."""

    now: dt.datetime
    today: dt.date
    tz: dt.tzinfo

    @classmethod
    def current(cls) -> Clock:
        now = timezone.now().replace(microsecond=0)
        return cls(now=now, today=timezone.localdate(now), tz=timezone.get_default_timezone())

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)


def between(rng: random.Random, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """A time between lo and hi, to the second."""
    seconds = max(0, int((hi - lo).total_seconds()))
    return lo + dt.timedelta(seconds=rng.randint(0, seconds))


def clamp(value: dt.datetime, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    return max(lo, min(value, hi))


def chunks(values: Sequence[T], size: int = 900) -> Iterator[Sequence[T]]:
    """Slices short enough for an ``IN (...)`` on any database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def ids_by_key(model: type[Model], key: str, values: Sequence[Any]) -> dict[Any, int]:
    found: dict[Any, int] = {}
    for part in chunks(values):
        found.update(model._default_manager.filter(**{f"{key}__in": part}).values_list(key, "pk"))
    return found


@contextlib.contextmanager
def at_time(moment: dt.datetime) -> Iterator[None]:
    """Make ``timezone.now()`` return ``moment`` while the block runs.

    The services read the time through ``django.utils.timezone.now`` (and so do
    Django's ``auto_now`` fields), so they stamp what they write with the story's
    time while deciding exactly as they always do.
    """
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def insert_rows(model: type[Model], names: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert plain rows of ``model`` (values of the fields ``names``, in that order; the
    other fields take their defaults) with one ``executemany`` per batch; returns how many.

    For the rows the demo writes by the hundred thousand (registrations, audit rows,
    e-mail log, attendance): no model instance per row, and the times are kept as given
    (a demo writes history, dated when it happened) where ``bulk_create`` would stamp
    ``auto_now`` fields with the time of the run. Values are prepared by each field, as
    Django does.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the connection itself: its proxy costs per value
    named = [model._meta.get_field(name) for name in names]
    others = [
        field
        for field in model._meta.concrete_fields
        if field not in named and not field.primary_key
    ]
    defaults = [field.get_db_prep_save(field.get_default(), db) for field in others]
    prepare = [_preparer(field, db) for field in named]
    columns = [field.column for field in [*named, *others]]
    # Names from the model's own metadata, values as parameters: nothing from outside.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        db.ops.quote_name(model._meta.db_table),
        ", ".join(db.ops.quote_name(column) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    count = 0
    with db.cursor() as cursor:
        for part in _batched(rows):
            cursor.executemany(
                sql,
                [
                    [
                        *(
                            value if convert is None else convert(value)
                            for convert, value in zip(prepare, row, strict=True)
                        ),
                        *defaults,
                    ]
                    for row in part
                ],
            )
            count += len(part)
    return count


# Fields whose Python values (str, int, bool, None; a key's id) every driver takes as is.
_PLAIN = (CharField, TextField, IntegerField, BooleanField, ForeignKey)


def _preparer(field: Field, db: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    if isinstance(field, DateTimeField):
        adapt = db.ops.adapt_datetimefield_value
        return lambda value: None if value is None else adapt(value)
    if isinstance(field, _PLAIN):
        return None
    return lambda value: field.get_db_prep_save(value, db)


def _batched(rows: Iterable[T], size: int = 5000) -> Iterator[list[T]]:
    iterator = iter(rows)
    while part := list(itertools.islice(iterator, size)):
        yield part


@dataclass
class Created:
    """How many rows of each kind this run wrote."""

    topics: int = 0
    curricula: int = 0
    modules: int = 0
    experts: int = 0
    expert_languages: int = 0
    trainings: int = 0
    sessions: int = 0
    participants: int = 0
    registrations: int = 0
    attendance: int = 0
    ratings: int = 0
    certificates: int = 0
    documents: int = 0
    programmes: int = 0
    volunteers: int = 0
    website: int = 0

    def summary(self) -> str:
        return " ".join(f"{name}={value}" for name, value in vars(self).items())
