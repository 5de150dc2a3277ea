"""sitemap.xml lists every public page and nothing else; robots.txt points to it."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from library.models import Document
from tests.factories import ExpertFactory, TrainingFactory
from tests.website.factories import NewsItemFactory, PageFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HOST = "http://testserver"


def sitemap_locations(client) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own response
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    return [loc.text for loc in root.findall("sm:url/sm:loc", NS)]


def document(slug: str, access: str) -> Document:
    return Document.objects.create(
        title=slug,
        slug=slug,
        language="en",
        doc_type=Document.Type.PUBLICATION,
        access=access,
        year=2024,
        external_url=f"https://example.org/{slug}",
    )


def test_the_sitemap_lists_every_public_page_and_no_private_one(client):
    news = NewsItemFactory(slug="curriculum-approved")
    draft_news = NewsItemFactory(slug="draft-news", status="draft", published_at=None)
    future_news = NewsItemFactory(
        slug="future-news", published_at=timezone.now() + dt.timedelta(days=3)
    )
    page = PageFactory(slug="mandate")
    draft_page = PageFactory(slug="draft-page", status="draft")
    training = TrainingFactory(slug="readmission-training")
    draft_training = TrainingFactory(slug="draft-training", status="draft")
    programme = ProgrammeFactory(slug="migration-school")
    hidden_programme = ProgrammeFactory(slug="hidden-programme", is_published=False)
    public_doc = document("open-guide", Document.Access.PUBLIC)
    members_doc = document("members-handbook", Document.Access.SIGNED_IN)
    staff_doc = document("staff-memo", Document.Access.STAFF)
    expert = ExpertFactory(slug="public-expert")
    hidden_expert = ExpertFactory(slug="hidden-expert", public_profile_consent_at=None)
    applicant = ExpertFactory(slug="applicant", status="applicant")

    locations = sitemap_locations(client)
    assert len(locations) == len(set(locations)), "no page twice"
    for obj in (news, page, training, public_doc, expert):
        assert HOST + obj.get_absolute_url() in locations, obj
    for obj in (
        draft_news,
        future_news,
        draft_page,
        draft_training,
        members_doc,
        staff_doc,
        hidden_expert,
        applicant,
    ):
        assert HOST + obj.get_absolute_url() not in locations, obj

    try:
        programme_url = programme.get_absolute_url()
    except NoReverseMatch:  # the programmes' pages are not mounted: none is listed
        assert not [loc for loc in locations if "programme" in loc]
    else:
        assert HOST + programme_url in locations
        assert HOST + hidden_programme.get_absolute_url() not in locations

    for name in (
        "home",
        "about",
        "courses:training_list",
        "library:home",
        "experts:directory",
        "website:news_list",
        "website:partners",
        "website:contact",
        "certificates:verify",
    ):
        assert HOST + reverse(name) in locations, name
    # Pages other helpers provide are listed once their URL names exist.
    for name in ("programmes:list", "curriculum:index", "volunteers:index", "volunteers:apply"):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        assert HOST + url in locations, name
    for private in ("/staff/", "/admin/", "/api/", "/registrations/"):
        assert not [loc for loc in locations if loc.startswith(HOST + private)]


def test_the_sitemap_query_count_is_pinned(client, django_assert_num_queries):
    def add_rows(prefix: str) -> None:
        for n in range(3):
            NewsItemFactory()
            PageFactory()
            TrainingFactory()
            ExpertFactory()
            document(f"{prefix}-{n}", Document.Access.PUBLIC)
            ProgrammeFactory()

    # A count and a page for each of: news, pages, programmes (when mounted), trainings,
    # documents, experts.
    sitemaps = 6
    try:
        reverse("programmes:list")
    except NoReverseMatch:
        sitemaps = 5
    add_rows("a")
    with django_assert_num_queries(2 * sitemaps):
        client.get("/sitemap.xml")
    add_rows("b")
    with django_assert_num_queries(2 * sitemaps):
        client.get("/sitemap.xml")


def test_robots_txt_allows_the_site_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for path in ("/staff/", "/admin/", "/api/", "/registrations/"):
        assert f"Disallow: {path}" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert reverse("robots_txt") == "/robots.txt"
    assert reverse("sitemap") == "/sitemap.xml"
