"""Library search, facets and public pages: who sees what, how search finds it.

The cast: an anonymous visitor, a signed-in user, a participant holding the
material links of a confirmed registration's manage page (and one of a
waitlisted one), and staff. A restricted title must never reach someone who may
not see it — not in a list, a search result, a facet or a page. A material link
opens one document (``library.materials``); it widens no list.
"""

import datetime as dt
import re
from urllib.parse import urlencode

import factory
import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from library import materials, selectors
from library.models import Document
from tests.factories import RegistrationFactory, TopicFactory, TrainingFactory

pytestmark = pytest.mark.django_db


class DocumentFactory(factory.django.DjangoModelFactory):
    """A public English publication with an external link (no file to store)."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Document {n}")
    slug = factory.Sequence(lambda n: f"document-{n}")
    language = "en"
    doc_type = Document.Type.PUBLICATION
    access = Document.Access.PUBLIC
    year = 2024
    external_url = factory.Sequence(lambda n: f"https://example.org/documents/{n}")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)

    @factory.post_generation
    def trainings(self, create, extracted, **kwargs):
        if create and extracted:
            self.trainings.set(extracted)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL full-text search: set DATABASE_URL=postgres://…")


def signed_in_user(username="reader"):
    return User.objects.create_user(username, password="x")


def staff_member(username="staff"):
    return User.objects.create_user(username, password="x", is_staff=True)


# --- the access matrix ---------------------------------------------------------------


def build_library() -> dict:
    """Six documents, all mentioning "migration" in their text, one per access case."""
    training, other_training = TrainingFactory(), TrainingFactory()
    secret_topic = TopicFactory(name="Sealed topic", slug="sealed")
    text = "Guidance on migration procedures."
    DocumentFactory(title="Open guide", extracted_text=text)
    DocumentFactory(title="Members handbook", access="signed_in", extracted_text=text)
    DocumentFactory(
        title="Internal memo", access="staff", extracted_text=text, topics=[secret_topic]
    )
    DocumentFactory(
        title="Trainer notes", access="staff", extracted_text=text, trainings=[training]
    )
    DocumentFactory(
        title="Members checklist",
        access="signed_in",
        doc_type="training_material",
        extracted_text=text,
        trainings=[training],
    )
    DocumentFactory(
        title="Other training notes",
        access="staff",
        extracted_text=text,
        trainings=[other_training],
    )
    confirmed = RegistrationFactory(training=training, status="confirmed")
    waitlisted = RegistrationFactory(training=training, status="waitlisted")
    return {"training": training, "confirmed": confirmed, "waitlisted": waitlisted}


@pytest.fixture
def library():
    return build_library()


ALL_TITLES = {
    "Open guide",
    "Members handbook",
    "Internal memo",
    "Trainer notes",
    "Members checklist",
    "Other training notes",
}
EXPECTED = {
    "anonymous": {"Open guide"},
    "signed_in": {"Open guide", "Members handbook", "Members checklist"},
    "participant": {"Open guide", "Trainer notes", "Members checklist"},
    "waitlisted": {"Open guide"},
    "staff": ALL_TITLES,
}
# Lists and searches: a material link opens its own document only, so participants
# list what anyone does.
LISTED = {**EXPECTED, "participant": {"Open guide"}, "waitlisted": {"Open guide"}}


def who(role, library):
    """(user, registration whose manage page's material links they hold) of each member."""
    return {
        "anonymous": (AnonymousUser(), None),
        "signed_in": (signed_in_user(), None),
        "participant": (AnonymousUser(), library["confirmed"]),
        "waitlisted": (AnonymousUser(), library["waitlisted"]),
        "staff": (staff_member(), None),
    }[role]


def material_token(registration, document):
    """The link a registration's manage page would carry for ``document`` (or None).

    Made for every document, materials of the training or not: a signed token
    for a document the training does not have must open nothing."""
    if registration is None:
        return None
    return materials.material_token_make(registration=registration, document=document)


def client_for(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


ROLES = list(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
def test_each_person_sees_exactly_their_documents_in_the_selector(role, library):
    user, registration = who(role, library)
    visible = selectors.documents_visible_to(user=user)
    assert {d.title for d in visible} == LISTED[role]
    for document in Document.objects.all():
        token = material_token(registration, document)
        assert selectors.document_is_visible(document, user=user, material_token=token) == (
            document.title in EXPECTED[role]
        )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("query", ["", "migration"])
def test_library_page_lists_and_finds_only_what_each_person_may_see(role, query, library, client):
    user, _registration = who(role, library)
    params = {"q": query} if query else {}
    response = client_for(client, user).get(reverse("library:home"), params)
    assert response.status_code == 200
    titles = {d.title for d in response.context["page"].object_list}
    assert titles == LISTED[role]
    html = response.content.decode()
    for title in ALL_TITLES - LISTED[role]:
        assert title not in html
    facets = response.context["facets"]
    assert sum(f.count for f in facets.doc_type) == len(LISTED[role])
    assert sum(f.count for f in facets.access) == len(LISTED[role])
    # Only the staff memo has this topic: nobody else gets a count for it.
    sealed = [f.count for f in facets.topic if f.value == "sealed"]
    assert sealed == ([1] if "Internal memo" in LISTED[role] else [])


@pytest.mark.parametrize("role", ROLES)
def test_document_pages_open_by_access_level(role, library, client):
    user, registration = who(role, library)
    client = client_for(client, user)
    for document in Document.objects.all():
        token = material_token(registration, document)
        response = client.get(document.get_absolute_url(), {"material": token} if token else {})
        if document.title in EXPECTED[role]:
            assert response.status_code == 200, document.title
            assert b"document-download" in response.content or b"document-external" in (
                response.content
            )
        elif document.access == "signed_in":
            # The page shows, with "sign in" in place of the download.
            assert response.status_code == 200
            assert b"document-sign-in" in response.content
            assert b"document-external" not in response.content
            assert document.external_url.encode() not in response.content
        else:
            assert response.status_code == 404, document.title


def test_a_material_link_opens_its_document_and_its_download_only(library, client):
    confirmed = library["confirmed"]
    notes = Document.objects.get(title="Trainer notes")
    token = material_token(confirmed, notes)
    page = client.get(notes.get_absolute_url(), {"material": token})
    assert page.status_code == 200
    download = reverse("library:download", args=[notes.slug]) + "?" + urlencode({"material": token})
    assert download in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in page["Cache-Control"]
    assert client.get(download).status_code == 302  # the external link: opened
    # The same token opens no other staff document, not even the library's lists.
    memo = Document.objects.get(title="Internal memo")
    assert client.get(memo.get_absolute_url(), {"material": token}).status_code == 404
    listed = client.get(reverse("library:home"), {"material": token}).content.decode()
    assert "Trainer notes" not in listed


def test_the_manage_token_no_longer_opens_materials(library, client):
    confirmed = library["confirmed"]
    notes = Document.objects.get(title="Trainer notes")
    assert client.get(notes.get_absolute_url(), {"registration": confirmed.token}).status_code == (
        404
    )
    assert client.get(notes.get_absolute_url(), {"material": confirmed.token}).status_code == 404


def test_a_material_token_signed_for_another_purpose_or_expired_opens_nothing(
    library, client, monkeypatch
):
    from django.core import signing

    notes = Document.objects.get(title="Trainer notes")
    scope = {"r": library["confirmed"].pk, "d": notes.pk}
    other_purpose = signing.dumps(scope, salt="rtcm.something-else")
    assert client.get(notes.get_absolute_url(), {"material": other_purpose}).status_code == 404
    token = material_token(library["confirmed"], notes)
    monkeypatch.setattr(materials, "MATERIAL_LINK_MAX_AGE", dt.timedelta(seconds=-1))
    assert client.get(notes.get_absolute_url(), {"material": token}).status_code == 404


def test_a_cancelled_registration_no_longer_opens_the_materials(library, client):
    registration = library["confirmed"]
    notes = Document.objects.get(title="Trainer notes")
    token = material_token(registration, notes)
    assert client.get(notes.get_absolute_url(), {"material": token}).status_code == 200
    registration.status = "cancelled"
    registration.save()
    response = client.get(notes.get_absolute_url(), {"material": token})
    assert response.status_code == 404


def test_manage_page_lists_the_materials_of_a_confirmed_registration(library, client):
    confirmed = library["confirmed"]
    response = client.get(confirmed.get_absolute_url())
    assert [d.title for d in response.context["materials"]] == [
        "Members checklist",
        "Trainer notes",
    ]
    html = response.content.decode()
    notes = Document.objects.get(title="Trainer notes")
    links = re.findall(r'<ul class="training-materials">(.*?)</ul>', html, re.S)[0]
    assert f"{notes.get_absolute_url()}?material=" in links
    assert confirmed.token not in links  # the manage token stays on the manage page
    [href] = re.findall(rf'href="({re.escape(notes.get_absolute_url())}[^"]*)"', links)
    assert client.get(href.replace("&amp;", "&")).status_code == 200
    assert "Other training notes" not in html
    waitlisted = client.get(library["waitlisted"].get_absolute_url())
    assert "training-materials" not in waitlisted.content.decode()
    assert "Trainer notes" not in waitlisted.content.decode()


def test_signed_in_document_page_sends_anonymous_visitors_to_sign_in(library, client):
    handbook = Document.objects.get(title="Members handbook")
    response = client.get(handbook.get_absolute_url())
    assert reverse("admin:login") in response.context["sign_in_url"]
    assert "next=" in response.context["sign_in_url"]


# --- filters, sorting, facets --------------------------------------------------------


@pytest.fixture
def shelf():
    rights, data = (
        TopicFactory(name="Rights", slug="rights"),
        TopicFactory(name="Data", slug="data"),
    )
    DocumentFactory(
        title="Alpha rights", year=2019, language="en", download_count=5, topics=[rights]
    )
    DocumentFactory(
        title="beta data",
        year=2023,
        language="ru",
        doc_type="report",
        download_count=50,
        topics=[data],
    )
    DocumentFactory(
        title="Gamma both",
        year=2021,
        language="ar",
        doc_type="report",
        download_count=1,
        topics=[rights, data],
    )
    DocumentFactory(title="Delta undated", year=None, language="en", access="staff")
    return staff_member()


def search_titles(user, **kwargs):
    results, _facets = selectors.document_search(user=user, **kwargs)
    return [d.title for d in results]


def test_filters_narrow_the_results(shelf):
    assert search_titles(shelf, topic="rights", sort="title") == ["Alpha rights", "Gamma both"]
    assert search_titles(shelf, doc_type="report", sort="title") == ["beta data", "Gamma both"]
    assert search_titles(shelf, language="ru") == ["beta data"]
    assert search_titles(shelf, year_from=2020, year_to=2022) == ["Gamma both"]
    assert search_titles(shelf, year_from=2021, sort="year") == ["beta data", "Gamma both"]
    assert search_titles(shelf, access="staff") == ["Delta undated"]


def test_sorts_by_year_title_and_downloads(shelf):
    assert search_titles(shelf, sort="year") == [
        "beta data",
        "Gamma both",
        "Alpha rights",
        "Delta undated",  # no year: last
    ]
    assert search_titles(shelf, sort="title") == [
        "Alpha rights",
        "beta data",
        "Delta undated",
        "Gamma both",
    ]
    assert search_titles(shelf, sort="downloads")[:3] == ["beta data", "Alpha rights", "Gamma both"]
    # Without a query "relevance" means the newest first.
    assert search_titles(shelf, sort="relevance")[0] == "Delta undated"


def test_facets_count_the_filtered_documents(shelf):
    _results, facets = selectors.document_search(user=shelf, doc_type="report")
    assert {(f.value, f.count) for f in facets.doc_type} == {("report", 2)}
    assert {(f.value, f.count) for f in facets.language} == {("ru", 1), ("ar", 1)}
    assert {(f.value, f.label, f.count) for f in facets.topic} == {
        ("data", "Data", 2),
        ("rights", "Rights", 1),
    }
    assert facets.as_dict()["access"] == [{"value": "public", "label": "Public", "count": 2}]


def test_page_filters_come_from_the_query_string_and_bad_values_are_ignored(shelf, client):
    client.force_login(shelf)
    url = reverse("library:home")
    response = client.get(url, {"topic": "data", "sort": "downloads", "year_from": "abc"})
    assert [d.title for d in response.context["page"].object_list] == ["beta data", "Gamma both"]
    assert response.context["form"].errors["year_from"]
    topic_links = {
        item["label"]: item["url"] for item in response.context["facet_groups"][0]["items"]
    }
    assert "topic=rights" in topic_links["Rights"]
    # Staff may filter by access; others have no such filter.
    assert "access" in response.context["form"].fields
    client.logout()
    assert "access" not in client.get(url).context["form"].fields


def test_library_home_paginates_by_twenty(client):
    DocumentFactory.create_batch(23)
    first = client.get(reverse("library:home"))
    assert len(first.context["page"].object_list) == 20
    assert first.context["browsing"] is True
    second = client.get(reverse("library:home"), {"page": 2})
    assert len(second.context["page"].object_list) == 3


# --- search --------------------------------------------------------------------------


def test_snippet_escapes_the_documents_text_but_keeps_the_highlight():
    DocumentFactory(
        title="Tricky",
        description="",
        extracted_text=(
            'Before <script>alert("x")</script> as 1 < 2 & 3 > 2, the readmission request.'
        ),
    )
    results, _facets = selectors.document_search(user=AnonymousUser(), query="readmission")
    [document] = list(results)
    snippet = selectors.document_snippet(document, "readmission")
    assert "<mark>readmission</mark>" in snippet
    assert "<script" not in snippet
    assert "alert(&quot;x&quot;)" in snippet
    assert "1 &lt; 2 &amp; 3 &gt; 2" in snippet
    # PostgreSQL's parser drops what looks like a tag from a headline; the fallback
    # keeps it, escaped. Either way no markup of the document's comes through.
    if connection.vendor != "postgresql":
        assert "&lt;script&gt;" in snippet


def test_snippet_on_the_page_is_escaped_too(client):
    DocumentFactory(title="Tricky", extracted_text="<img src=x onerror=alert(1)> readmission")
    html = client.get(reverse("library:home"), {"q": "readmission"}).content.decode()
    assert "<mark>readmission</mark>" in html
    assert "<img src=x" not in html


def test_private_use_marks_in_a_text_cannot_forge_markup():
    start, stop = selectors.MARK_START, selectors.MARK_STOP
    html = selectors._marked_html(f"{start}<b>x</b>{stop} {stop}{start}{start}y")
    assert html == "<mark>&lt;b&gt;x&lt;/b&gt;</mark> y"


def pdf_upload(text: str, name: str = "report.pdf") -> SimpleUploadedFile:
    from rtcm.core.pdf import render_pdf

    html = f'<html><body><h1>Annex</h1><p dir="auto">{text}</p></body></html>'
    return SimpleUploadedFile(name, render_pdf(html), content_type="application/pdf")


def test_a_word_only_inside_a_pdf_finds_the_document_with_a_snippet(
    django_capture_on_commit_callbacks,
):
    from library.services import document_create

    with django_capture_on_commit_callbacks(execute=True):
        document_create(
            data={"title": "Quarterly annex", "language": "en", "doc_type": "report"},
            uploaded_file=pdf_upload("The escort team crossed at Khorgos before dawn."),
            actor=None,
        )
    DocumentFactory(title="Unrelated", extracted_text="Nothing to see here.")
    document = Document.objects.get(title="Quarterly annex")
    assert "Khorgos" in document.extracted_text  # extracted by the task after commit
    results, facets = selectors.document_search(user=AnonymousUser(), query="khorgos")
    [found] = list(results)
    assert found.title == "Quarterly annex"
    assert "<mark>Khorgos</mark>" in selectors.document_snippet(found, "khorgos")
    assert [(f.value, f.count) for f in facets.doc_type] == [("report", 1)]


@pytest.fixture
def multilingual():
    DocumentFactory(
        title="Руководство по реинтеграции",
        language="ru",
        extracted_text="Консультант составляет индивидуальный план реинтеграции.",
    )
    DocumentFactory(
        title="دليل حماية المهاجرين",
        language="ar",
        extracted_text="تتم الإحالة إلى الخدمات الصحية والقانونية.",
    )
    DocumentFactory(
        title="Miqrantların hüquqları haqqında",
        language="az",
        extracted_text="Hər bir miqrant tibbi yardım almaq hüququna malikdir.",
    )
    DocumentFactory(title="Readmission guide", extracted_text="Readmission of nationals.")


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("реинтеграции", "Руководство по реинтеграции"),
        ("РУКОВОДСТВО", "Руководство по реинтеграции"),
        ("индивидуальный план", "Руководство по реинтеграции"),
        ("المهاجرين", "دليل حماية المهاجرين"),
        ("الصحية", "دليل حماية المهاجرين"),
        ("miqrant", "Miqrantların hüquqları haqqında"),
        ("hüququna", "Miqrantların hüquqları haqqında"),
        ("readmission", "Readmission guide"),
    ],
)
def test_queries_in_each_language_find_documents_in_that_language(multilingual, query, title):
    if query == "miqrant" and connection.vendor == "postgresql":
        query = "miqrant hüququna"  # no stemming: whole words match on PostgreSQL
    assert search_titles(AnonymousUser(), query=query) == [title]


def test_relevance_puts_a_title_match_before_a_text_match():
    DocumentFactory(title="Annual report", year=2025, extracted_text="On trafficking cases.")
    DocumentFactory(title="Trafficking indicators", year=2020, extracted_text="Indicators.")
    assert search_titles(AnonymousUser(), query="trafficking") == [
        "Trafficking indicators",
        "Annual report",
    ]


def test_excluded_words_and_phrases():
    DocumentFactory(title="Border guards manual", extracted_text="Second-line checks.")
    DocumentFactory(title="Border data", extracted_text="Crossing statistics.")
    assert search_titles(AnonymousUser(), query="border -data") == ["Border guards manual"]
    assert search_titles(AnonymousUser(), query='"crossing statistics"') == ["Border data"]


@pytest.mark.parametrize("role", ["anonymous", "participant", "staff"])
def test_search_query_count_is_constant_in_the_number_of_documents(
    role, library, django_assert_max_num_queries
):
    user, _registration = who(role, library)
    topic = TopicFactory()

    def count():
        with django_assert_max_num_queries(6) as captured:
            results, _facets = selectors.document_search(user=user, query="migration")
            for document in list(results[:20]):
                selectors.document_snippet(document, "migration")
                list(document.topics.all())
        return len(captured)

    few = count()
    DocumentFactory.create_batch(15, extracted_text="More on migration.", topics=[topic])
    assert count() == few == 6  # 4 facets, the page, its topics


def test_library_page_query_count_is_pinned(library, client, django_assert_num_queries):
    topic = TopicFactory()
    DocumentFactory.create_batch(3, extracted_text="migration", topics=[topic])
    url = reverse("library:home")
    # facets 4, count, page, topics, topic choices of the form (twice: validation, widget)
    with django_assert_num_queries(9):
        client.get(url, {"q": "migration", "topic": topic.slug})
    DocumentFactory.create_batch(12, extracted_text="migration", topics=[topic])
    with django_assert_num_queries(9):
        client.get(url, {"q": "migration", "topic": topic.slug})
    with django_assert_num_queries(8):  # browsing: no topic to validate
        client.get(url)


def test_document_page_query_count_is_pinned(client, django_assert_num_queries):
    document = DocumentFactory(topics=[TopicFactory(), TopicFactory()])
    with django_assert_num_queries(2):  # the document, its topics
        client.get(document.get_absolute_url())


# --- PostgreSQL full-text search -----------------------------------------------------


def test_search_uses_the_gin_index(postgres_only):
    DocumentFactory.create_batch(5, extracted_text="migration")
    results, _facets = selectors.document_search(user=staff_member(), query="migration")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = results.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "library_document_search" in plan


def test_postgres_ranks_by_weight_and_headline_comes_from_the_text(postgres_only):
    DocumentFactory(title="Remittances", year=2020, extracted_text="Flows of money home.")
    DocumentFactory(
        title="Annual report",
        year=2025,
        authors="",
        extracted_text=" ".join(["filler"] * 60)
        + " remittances rose sharply. "
        + " ".join(["tail"] * 60),
    )
    results, _facets = selectors.document_search(user=AnonymousUser(), query="remittances")
    first, second = list(results)
    assert first.title == "Remittances"
    assert first.rank > second.rank
    snippet = selectors.document_snippet(second, "remittances")
    assert "<mark>remittances</mark> rose sharply" in snippet
    assert len(snippet) < 600  # a passage, not the whole text


def test_postgres_websearch_syntax_does_not_break_on_odd_input(postgres_only):
    DocumentFactory(title="Border data")
    for query in ['"', "-", "or", "!!!", "a & b | c", "(", "'; drop table x; --"]:
        results, facets = selectors.document_search(user=AnonymousUser(), query=query)
        list(results)
        facets.as_dict()
