"""Readable, unique ASCII slugs for names and titles written in any script."""

from anyascii import anyascii
from django.db import models
from django.utils.text import slugify


def unique_slug(
    model: type[models.Model],
    text: str,
    *,
    fallback: str,
    exclude_pk: int | None = None,
    field: str = "slug",
    reserved: frozenset[str] = frozenset(),
) -> str:
    """An ASCII slug of ``text`` (other scripts transliterated), "-2", "-3"… on a clash.

    ``reserved``: slugs that would collide with a fixed URL beside the slug's
    (e.g. ``/experts/apply/``) count as taken.
    """
    max_length = model._meta.get_field(field).max_length - 8  # room for "-NNNNNNN"
    base = slugify(anyascii(text or ""))[:max_length].strip("-") or fallback
    taken = set(
        model._default_manager.filter(**{f"{field}__startswith": base})
        .exclude(pk=exclude_pk)
        .values_list(field, flat=True)
    ) | set(reserved)
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
