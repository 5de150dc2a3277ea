"""Substring search that ignores case in every script, on PostgreSQL and SQLite alike."""

from django.db.models import Q


def case_variants(term: str) -> set[str]:
    # SQLite's LIKE ignores the case of ASCII letters only: try the usual cases of
    # the others (Cyrillic, ə, Georgian has none, Arabic has none). PostgreSQL's
    # ILIKE needs one, and the extra ones cost it nothing it would notice.
    return {term, term.lower(), term.upper(), term.capitalize(), term.title()}


def contains_q(fields: tuple[str, ...], term: str) -> Q:
    """Rows where any of ``fields`` contains ``term``, in any case variant."""
    condition = Q()
    for field in fields:
        for variant in case_variants(term):
            condition |= Q(**{f"{field}__icontains": variant})
    return condition
