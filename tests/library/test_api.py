"""The library API: reads within each person's access level, writes for librarians."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from library.models import Document
from tests.factories import TopicFactory, TrainingFactory, staff_user
from tests.library.test_search_and_pages import (
    ALL_TITLES,
    EXPECTED,
    LISTED,
    ROLES,
    DocumentFactory,
    build_library,
    material_token,
    pdf_upload,
    who,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/library/documents/"


def api_for(user) -> APIClient:
    client = APIClient()
    if user.is_authenticated:
        client.force_authenticate(user)
    return client


@pytest.fixture
def library():
    return build_library()


@pytest.fixture
def librarian():
    return api_for(staff_user("librarian", roles=("librarian",)))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("query", ["", "migration"])
def test_list_and_search_show_exactly_what_each_person_may_see(role, query, library):
    user, _registration = who(role, library)
    params = {"q": query} if query else {}
    response = api_for(user).get(URL, params)
    assert response.status_code == 200
    body = response.json()
    assert {row["title"] for row in body["results"]} == LISTED[role]
    assert body["count"] == len(LISTED[role])
    assert sum(f["count"] for f in body["facets"]["access"]) == len(LISTED[role])
    text = response.content.decode()
    for title in ALL_TITLES - LISTED[role]:
        assert title not in text


@pytest.mark.parametrize("role", ROLES)
def test_retrieve_follows_the_access_level(role, library):
    user, registration = who(role, library)
    client = api_for(user)
    for document in Document.objects.all():
        token = material_token(registration, document)
        params = {"material": token} if token else {}
        response = client.get(f"{URL}{document.slug}/", params)
        expected = 200 if document.title in EXPECTED[role] else 404
        assert response.status_code == expected, (role, document.title)


def test_results_carry_metadata_snippet_and_absolute_download_link(library):
    topic = TopicFactory(slug="readmission", name="Readmission")
    DocumentFactory(
        title="Readmission guide",
        slug="readmission-guide",
        authors="A. Author",
        year=2023,
        language="ru",
        page_count=12,
        download_count=4,
        extracted_text="The <b>readmission</b> request goes to the ministry.",
        topics=[topic],
    )
    response = api_for(AnonymousUser()).get(URL, {"q": "ministry"})
    [row] = response.json()["results"]
    assert row["slug"] == "readmission-guide"
    assert row["authors"] == "A. Author"
    assert row["year"] == 2023
    assert row["language"] == "ru"
    assert row["type"] == "publication"
    assert row["topics"] == ["readmission"]
    assert row["access"] == "public"
    assert row["page_count"] == 12
    assert row["download_count"] == 4
    assert "<mark>ministry</mark>" in row["snippet"]
    assert "<b>" not in row["snippet"]
    assert row["download"] == "http://testserver/library/readmission-guide/download/"
    assert row["url"].startswith("http://testserver/library/readmission-guide/")
    listed = api_for(AnonymousUser()).get(URL).json()["results"]
    assert all(item["snippet"] is None for item in listed)  # no search, no snippet


def test_a_material_link_opens_its_document_in_the_api_with_a_scoped_download(library):
    notes = Document.objects.get(title="Trainer notes")
    token = material_token(library["confirmed"], notes)
    response = api_for(AnonymousUser()).get(f"{URL}{notes.slug}/", {"material": token})
    assert response.status_code == 200
    assert response.json()["download"] == (
        f"http://testserver/library/{notes.slug}/download/?{urlencode({'material': token})}"
    )
    memo = Document.objects.get(title="Internal memo")
    assert api_for(AnonymousUser()).get(f"{URL}{memo.slug}/", {"material": token}).status_code == (
        404
    )
    manage_token = {"registration": library["confirmed"].token}
    assert api_for(AnonymousUser()).get(f"{URL}{notes.slug}/", manage_token).status_code == 404


def test_filters_and_sort(library):
    staff = api_for(staff_user("reader-staff"))
    DocumentFactory(title="Zeta", year=2010, language="ar", doc_type="research")
    DocumentFactory(title="Eta", year=2030, language="ar", doc_type="research")

    def titles(**params):
        return [row["title"] for row in staff.get(URL, params).json()["results"]]

    assert titles(language="ar", sort="year") == ["Eta", "Zeta"]
    assert titles(type="research", sort="title") == ["Eta", "Zeta"]
    assert titles(year_from=2025, year_to=2040) == ["Eta"]
    assert set(titles(access="staff")) == {"Internal memo", "Trainer notes", "Other training notes"}
    assert staff.get(URL, {"sort": "nonsense"}).status_code == 400
    assert staff.get(URL, {"type": "nonsense"}).status_code == 400


def test_the_page_and_the_api_search_alike_with_the_same_facets(library, client):
    """One FilterSet (``library.filters.LibraryFilter``) serves both: ``doc_type`` on the
    page is ``type`` in the API, the rest are the same parameters."""
    from django.urls import reverse

    DocumentFactory(title="Zeta", year=2010, language="ar", doc_type="research")
    DocumentFactory(title="Eta", year=2030, language="ar", doc_type="research")
    params = {"language": "ar", "year_from": 2000, "sort": "title"}
    api = api_for(AnonymousUser()).get(URL, {**params, "type": "research"}).json()
    page = client.get(reverse("library:home"), {**params, "doc_type": "research"})
    assert [row["title"] for row in api["results"]] == ["Eta", "Zeta"]
    assert [document.title for document in page.context["page"].object_list] == ["Eta", "Zeta"]
    assert api["facets"] == page.context["facets"].as_dict()
    assert api["facets"]["language"] == [{"value": "ar", "label": "Arabic", "count": 2}]


def test_list_query_count_is_constant(library, django_assert_num_queries):
    topic = TopicFactory()
    client = api_for(AnonymousUser())
    # count, page, topics, four facets
    with django_assert_num_queries(7):
        assert client.get(URL, {"q": "migration"}).status_code == 200
    DocumentFactory.create_batch(20, extracted_text="migration", topics=[topic])
    with django_assert_num_queries(7):
        assert client.get(URL, {"q": "migration"}).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200


# --- writes: librarians only ----------------------------------------------------------


def test_librarian_uploads_a_pdf_and_it_is_searchable(
    librarian, django_capture_on_commit_callbacks
):
    topic = TopicFactory(slug="border-management")
    training = TrainingFactory(slug="border-course")
    with django_capture_on_commit_callbacks(execute=True):
        response = librarian.post(
            URL,
            {
                "title": "Second-line checks",
                "language": "en",
                "type": "training_material",
                "access": "signed_in",
                "topics": ["border-management"],
                "trainings": ["border-course"],
                "file": pdf_upload("Officers compare the visa sticker under ultraviolet light."),
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get(slug=body["slug"])
    assert list(document.topics.all()) == [topic]
    assert list(document.trainings.all()) == [training]
    assert document.original_name == "report.pdf"
    assert body["download"].endswith(f"/library/{document.slug}/download/")
    found = librarian.get(URL, {"q": "ultraviolet"}).json()["results"]
    assert [row["slug"] for row in found] == [document.slug]


def test_librarian_updates_and_deletes(librarian):
    document = DocumentFactory(title="Old title", slug="old-title")
    response = librarian.patch(
        f"{URL}old-title/", {"title": "New title", "access": "staff"}, format="json"
    )
    assert response.status_code == 200, response.content
    document.refresh_from_db()
    assert (document.title, document.access, document.slug) == ("New title", "staff", "old-title")
    assert librarian.delete(f"{URL}old-title/").status_code == 204
    assert not Document.objects.filter(pk=document.pk).exists()


def test_unknown_topic_is_refused_and_nothing_is_stored(librarian):
    response = librarian.post(
        URL,
        {
            "title": "Link only",
            "language": "en",
            "type": "report",
            "external_url": "https://example.org/report",
            "topics": ["no-such-topic"],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "topics" in response.json()
    assert not Document.objects.exists()


def test_refused_upload_is_a_clear_400_and_nothing_is_stored(librarian, settings):
    html = SimpleUploadedFile("notes.pdf", b"<html><script>alert(1)</script></html>")
    response = librarian.post(
        URL,
        {"title": "Fake", "language": "en", "type": "report", "file": html},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "signed_in", "participant", "coordinator"])
def test_only_librarians_write(role, library):
    if role == "coordinator":
        user = staff_user("coord", roles=("coordinator",))
    else:
        user, _registration = who(role, library)
    client = api_for(user)
    document = Document.objects.get(title="Open guide")
    created = client.post(
        URL,
        {"title": "X", "language": "en", "type": "report", "external_url": "https://e.org/x"},
        format="json",
    )
    assert created.status_code in (401, 403)
    changed = client.patch(f"{URL}{document.slug}/", {"title": "Y"}, format="json")
    assert changed.status_code in (401, 403)
    assert client.delete(f"{URL}{document.slug}/").status_code in (401, 403)
    assert Document.objects.filter(title="Open guide").exists()
    assert not Document.objects.filter(title__in=["X", "Y"]).exists()
