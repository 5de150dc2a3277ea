"""Reads of the electronic library, shared by its pages, the API and the manage page.

Access is decided in one place, ``documents_visible_to``: every list, search,
facet count and page starts from that queryset, so a restricted title cannot
reach someone who may not see it by any road. Search and facets filter it
further; they never widen it.

Search. On PostgreSQL: full-text search over a stored ``tsvector`` column
(migration 0002: title weight A, authors and description B, the file's text C,
``simple`` configuration — no stemming, so Russian, Azerbaijani, Arabic or
Georgian words match as typed, case aside), ``websearch_to_tsquery`` for what
people type (``"a phrase"``, ``-word``, ``or``), ``ts_rank`` for relevance and
``ts_headline`` for a highlighted snippet. Elsewhere (the embedded SQLite
mode): every word must appear, in any case variant SQLite can compare, in the
title, authors, description or text, and the snippet is a window of text
around the first match.

A selector returns querysets shaped once (topics prefetched, the long text
deferred where no snippet needs it) and facet counts from
``values().annotate(Count)``: a search runs the same number of queries however
many documents there are (tests pin it).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connections
from django.db.models import Case, Count, Expression, F, IntegerField, Prefetch, Q, QuerySet, Value
from django.db.models import When as CaseWhen
from django.db.models.expressions import Col
from django.db.models.functions import Concat, Left, Lower
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from courses.models import Topic
from library.materials import material_token_opens
from library.models import Document
from rtcm.core.access import user_is_staff
from rtcm.core.content import localized_expression, localized_fields
from rtcm.core.search import contains_q

SEARCH_CONFIG = "simple"  # as in migration 0002
MAX_QUERY_LENGTH = 200
# ts_headline parses the text it is given: only the start of long texts, so that a
# page of results stays fast. A word found further on still ranks the document.
HEADLINE_TEXT_CHARS = 30_000
SNIPPET_BEFORE, SNIPPET_AFTER = 90, 170
# The snippet's highlight comes from the database with the document's own text.
# It is marked with characters of Unicode's private use area, then the whole
# text is escaped, and only then the marks become <mark> tags.
MARK_START, MARK_STOP = "\ue000", "\ue001"
SORTS = ("relevance", "year", "title", "downloads")

User = AbstractBaseUser | AnonymousUser


# --- Access --------------------------------------------------------------------------


def user_sees_all(user: User) -> bool:
    """Staff (and superusers) see every document, whatever its access level."""
    return user_is_staff(user)


def _is_signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def documents_visible_to(*, user: User) -> QuerySet[Document]:
    """The documents ``user`` may see and open.

    Public ones for anyone; signed-in ones for any active account; everything
    for staff. (A participant opens their training's materials one by one, by
    the scoped links of their manage page: ``document_is_visible``.)
    """
    documents = Document.objects.all()
    if user_sees_all(user):
        return documents
    levels = [Document.Access.PUBLIC]
    if _is_signed_in(user):
        levels.append(Document.Access.SIGNED_IN)
    return documents.filter(access__in=levels)


def document_is_visible(document: Document, user: User, material_token: str | None = None) -> bool:
    """Whether ``user`` (or the holder of a material link for it) may open ``document``.

    ``user`` and ``material_token`` may be passed by name or by position. The
    token is the scoped one of ``library.materials`` (never the manage token).
    """
    if document.access == Document.Access.PUBLIC or user_sees_all(user):
        return True
    if document.access == Document.Access.SIGNED_IN and _is_signed_in(user):
        return True
    return material_token_opens(material_token, document=document)


def document_get_for_page(
    *, slug: str, user: User, material_token: str | None = None
) -> tuple[Document, bool] | None:
    """The document a page may show by ``slug``, and whether this person may open it.

    A signed-in-only document shows its page to anyone (with a "sign in" in
    place of the download); a staff-only one is not found for others, unless
    it is a material of their confirmed registration's training.
    """
    document = _shaped(Document.objects.filter(slug=slug).defer("extracted_text")).first()
    if document is None:
        return None
    if document_is_visible(document, user=user, material_token=material_token):
        return document, True
    if document.access == Document.Access.SIGNED_IN:
        return document, False
    return None


# --- Search --------------------------------------------------------------------------


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Facets:
    """Counts over the visible, filtered (and searched) documents."""

    doc_type: list[Facet]
    language: list[Facet]
    topic: list[Facet]
    access: list[Facet]

    def as_dict(self) -> dict[str, list[dict]]:
        return asdict(self)


_SEARCH_VECTOR_COLUMN = SearchVectorField()
_SEARCH_VECTOR_COLUMN.set_attributes_from_name("search_vector")
_SEARCH_VECTOR_COLUMN.model = Document  # for expression identity; not added to the model


class SearchVectorColumn(Expression):
    """The ``search_vector`` column migration 0002 adds on PostgreSQL (no model field).

    It resolves to a column of the query's base table, so it follows the table's
    alias when the queryset becomes a subquery (facets, ``pk__in``).
    """

    output_field = SearchVectorField()

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        return Col(query.get_initial_alias(), _SEARCH_VECTOR_COLUMN)


def _uses_postgres(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)


_TERM = re.compile(r'(-?)"([^"]+)"|(-?)(\S+)')


def query_terms(query: str) -> tuple[list[str], list[str]]:
    """Words and quoted phrases to find, and those to leave out (``-word``), for the fallback."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for match in _TERM.finditer(query):
        minus = match.group(1) or match.group(3)
        term = (match.group(2) or match.group(4) or "").strip().strip('"')
        if not term or term.lower() == "or" or term == "-":
            continue
        (unwanted if minus else wanted).append(term)
    return wanted, unwanted


# Title and description in every language (title_en, title_ru …).
_TEXT_FIELDS = (
    *localized_fields("title"),
    "authors",
    *localized_fields("description"),
    "extracted_text",
)


def _fallback_match(documents: QuerySet[Document], query: str) -> QuerySet[Document]:
    wanted, unwanted = query_terms(query)
    for term in wanted:
        documents = documents.filter(contains_q(_TEXT_FIELDS, term))
    for term in unwanted:
        documents = documents.exclude(contains_q(_TEXT_FIELDS, term))
    return documents


def _fallback_score(query: str) -> Case:
    """A rough relevance: found in the title, then in authors or description, then in the text."""
    wanted, _unwanted = query_terms(query)
    in_title, in_meta = Q(), Q()
    for term in wanted:
        in_title |= contains_q(localized_fields("title"), term)
        in_meta |= contains_q(("authors", *localized_fields("description")), term)
    return Case(
        CaseWhen(in_title, then=Value(3)),
        CaseWhen(in_meta, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _shaped(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("name")))


def _facet_rows(documents: QuerySet[Document], field: str) -> list[tuple[str, int]]:
    rows = documents.order_by().values(field).annotate(count=Count("pk")).order_by("-count", field)
    return [(row[field], row["count"]) for row in rows if row[field]]


def _facets(documents: QuerySet[Document]) -> Facets:
    """Four GROUP BY queries over the filtered set, whatever its size."""
    types = dict(Document.Type.choices)
    languages = dict(settings.RTCM_CONTENT_LANGUAGES)
    levels = dict(Document.Access.choices)
    topic_rows = (
        Document.topics.through.objects.filter(document_id__in=documents.order_by().values("pk"))
        .values("topic__slug", "topic__name")
        .annotate(count=Count("document_id"))
        .order_by("-count", "topic__name")
    )
    return Facets(
        doc_type=[
            Facet(value, str(types.get(value, value)), count)
            for value, count in _facet_rows(documents, "doc_type")
        ],
        language=[
            Facet(value, str(languages.get(value, value)), count)
            for value, count in _facet_rows(documents, "language")
        ],
        topic=[Facet(row["topic__slug"], row["topic__name"], row["count"]) for row in topic_rows],
        access=[
            Facet(value, str(levels.get(value, value)), count)
            for value, count in _facet_rows(documents, "access")
        ],
    )


def _ordering(sort: str, *, searching: bool) -> list:
    title = Lower(localized_expression("title"))  # as the reader reads it
    if sort == "year":
        return [F("year").desc(nulls_last=True), title, "-pk"]
    if sort == "title":
        return [title, "pk"]
    if sort == "downloads":
        return ["-download_count", title, "pk"]
    if searching:
        return ["-rank", F("year").desc(nulls_last=True), "-pk"]
    return ["-created_at", "-pk"]


def normalise_query(query: str) -> str:
    return " ".join((query or "").split())[:MAX_QUERY_LENGTH]


def document_search(
    *,
    user: User,
    query: str = "",
    topic: str | None = None,
    doc_type: str | None = None,
    language: str | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    access: str | None = None,
    sort: str = "relevance",
) -> tuple[QuerySet[Document], Facets]:
    """Documents ``user`` may see that match ``query`` and the filters, sorted, with facets.

    ``topic`` is a topic's slug. ``sort`` is one of ``SORTS``: relevance (the
    newest first when there is no query), year (newest first), title, downloads.
    Results carry ``rank`` when there is a query, and on PostgreSQL ``headline``
    (pass each to ``document_snippet``). Facets count the same documents, so they
    name nothing the results would not show.
    """
    query = normalise_query(query)
    documents = documents_visible_to(user=user)
    if topic:
        documents = documents.filter(
            pk__in=Document.topics.through.objects.filter(topic__slug=topic).values("document_id")
        )
    if doc_type:
        documents = documents.filter(doc_type=doc_type)
    if language:
        documents = documents.filter(language=language)
    if year_from is not None:
        documents = documents.filter(year__gte=year_from)
    if year_to is not None:
        documents = documents.filter(year__lte=year_to)
    if access:
        documents = documents.filter(access=access)
    postgres = _uses_postgres(documents)
    if query and postgres:
        documents = documents.alias(search_vector=SearchVectorColumn()).filter(
            search_vector=_search_query(query)
        )
    elif query:
        documents = _fallback_match(documents, query)
    facets = _facets(documents)

    results = _shaped(documents)
    if query and postgres:
        text = Concat(
            localized_expression("description"),
            Value("\n"),
            Left("extracted_text", HEADLINE_TEXT_CHARS),
        )
        results = results.defer("extracted_text").annotate(
            rank=SearchRank(SearchVectorColumn(), _search_query(query)),
            headline=SearchHeadline(
                text,
                _search_query(query),
                config=SEARCH_CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
    elif query:
        # The fallback's snippet is cut from the text in Python: keep it loaded.
        results = results.annotate(rank=_fallback_score(query))
    else:
        results = results.defer("extracted_text")
    sort = sort if sort in SORTS else "relevance"
    return results.order_by(*_ordering(sort, searching=bool(query))), facets


# --- Snippets ------------------------------------------------------------------------

_MARKED = re.compile(f"{MARK_START}(.*?){MARK_STOP}", re.DOTALL)


def _marked_html(text: str) -> SafeString:
    """Escape everything, then turn our marks (and only them) into ``<mark>`` tags."""
    escaped = str(escape(text))
    html = _MARKED.sub(r"<mark>\1</mark>", escaped)
    html = html.replace(MARK_START, "").replace(MARK_STOP, "")
    return mark_safe(html)  # noqa: S308 — every character of the text was escaped above


def _window(text: str, query: str) -> SafeString:
    wanted, _unwanted = query_terms(query)
    if not wanted:
        return SafeString("")
    text = " ".join(text.replace(MARK_START, "").replace(MARK_STOP, "").split())
    pattern = re.compile("|".join(re.escape(term) for term in wanted), re.IGNORECASE)
    first = pattern.search(text)
    if first is None:
        return SafeString("")
    start = max(0, first.start() - SNIPPET_BEFORE)
    end = min(len(text), first.end() + SNIPPET_AFTER)
    # Whole words at both ends.
    if start > 0:
        space = text.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first.end(), end)
        end = space if space != -1 else end
    window = pattern.sub(lambda m: f"{MARK_START}{m.group(0)}{MARK_STOP}", text[start:end])
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return _marked_html(f"{prefix}{window}{suffix}")


def document_snippet(document: Document, query: str) -> SafeString:
    """HTML of the passage where ``query`` was found, with ``<mark>``; empty without a query.

    The document's text is escaped whatever it holds; only the highlight is markup.
    """
    headline = getattr(document, "headline", None)
    if headline is not None:
        return _marked_html(headline)
    query = normalise_query(query)
    if not query:
        return SafeString("")
    text = document.description
    if "extracted_text" not in document.get_deferred_fields():
        text = f"{text}\n{document.extracted_text}"
    return _window(text, query)
