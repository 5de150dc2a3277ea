"""News: the list, an item's page, drafts and future items, the Atom feed, the home page."""

import datetime as dt

import feedparser
import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import staff_user
from tests.website.factories import NewsItemFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def listed_titles(response) -> list[str]:
    return [item.title for item in response.context["page"].object_list]


def test_the_list_shows_published_items_newest_first_and_no_drafts_or_future(client):
    now = timezone.now()
    NewsItemFactory(title="Old", published_at=now - dt.timedelta(days=3))
    NewsItemFactory(title="New", published_at=now - dt.timedelta(hours=1))
    NewsItemFactory(title="Draft", status="draft", published_at=None)
    NewsItemFactory(title="Tomorrow", published_at=now + dt.timedelta(days=1))
    response = client.get(reverse("website:news_list"))
    assert response.status_code == 200
    assert listed_titles(response) == ["New", "Old"]
    page = response.content.decode()
    assert "Draft" not in page
    assert "Tomorrow" not in page


def test_the_list_is_paginated_by_ten(client):
    now = timezone.now()
    for n in range(12):
        NewsItemFactory(title=f"Item {n:02d}", published_at=now - dt.timedelta(hours=n + 1))
    first = client.get(reverse("website:news_list"))
    assert len(listed_titles(first)) == 10
    second = client.get(reverse("website:news_list"), {"page": 2})
    assert listed_titles(second) == ["Item 10", "Item 11"]


def test_the_list_filters_by_programme(client):
    school = ProgrammeFactory(title="Migration School", slug="migration-school")
    NewsItemFactory(title="School news", programme=school)
    NewsItemFactory(title="Other news")
    response = client.get(reverse("website:news_list"), {"programme": "migration-school"})
    assert listed_titles(response) == ["School news"]
    assert response.context["programme"] == school
    everything = client.get(reverse("website:news_list"))
    assert sorted(listed_titles(everything)) == ["Other news", "School news"]
    # The filter offers programmes that have news.
    assert [p.slug for p in everything.context["programmes"]] == ["migration-school"]


def test_an_unpublished_programme_filters_to_nothing(client):
    hidden = ProgrammeFactory(slug="hidden", is_published=False)
    NewsItemFactory(programme=hidden)
    response = client.get(reverse("website:news_list"), {"programme": "hidden"})
    assert listed_titles(response) == []


def test_the_list_query_count_is_pinned(client, django_assert_num_queries):
    programme = ProgrammeFactory()
    for _ in range(3):
        NewsItemFactory(programme=programme)
    url = reverse("website:news_list")
    # count, the page of items with their programme, the filter's programmes
    with django_assert_num_queries(3):
        client.get(url)
    for _ in range(8):
        NewsItemFactory(programme=ProgrammeFactory())
    with django_assert_num_queries(3):
        client.get(url)


def test_an_item_page_shows_the_item_with_open_graph_tags(client):
    programme = ProgrammeFactory(title="Establishment project")
    item = NewsItemFactory(
        title="Curriculum approved", summary="Twelve modules", programme=programme
    )
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Curriculum approved" in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="Curriculum approved">' in page
    assert '<meta property="og:description" content="Twelve modules">' in page
    assert "Establishment project" in page


def test_a_draft_is_404_for_the_public_and_staff_without_permission(client):
    draft = NewsItemFactory(status="draft", published_at=None)
    future = NewsItemFactory(published_at=timezone.now() + dt.timedelta(days=2))
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(future.get_absolute_url()).status_code == 404
    client.force_login(staff_user("librarian", roles=("librarian",)))
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_communications_officer_previews_a_draft(client):
    draft = NewsItemFactory(title="Coming soon", status="draft", published_at=None)
    client.force_login(staff_user("comms", roles=("communications officer",)))
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Coming soon" in response.content.decode()
    assert response.context["preview"] is True
    assert response["Cache-Control"] == "private, no-store"


def test_a_superuser_previews_a_future_item(client):
    future = NewsItemFactory(published_at=timezone.now() + dt.timedelta(days=2))
    client.force_login(User.objects.create_superuser("root", password="x"))
    assert client.get(future.get_absolute_url()).status_code == 200


def test_the_home_page_shows_the_latest_three(client):
    now = timezone.now()
    for n in range(5):
        NewsItemFactory(title=f"Headline {n}", published_at=now - dt.timedelta(days=n + 1))
    NewsItemFactory(title="Unpublished headline", status="draft", published_at=None)
    response = client.get(reverse("home"))
    assert [item.title for item in response.context["latest_news"]] == [
        "Headline 0",
        "Headline 1",
        "Headline 2",
    ]
    page = response.content.decode()
    assert "Headline 3" not in page
    assert "Unpublished headline" not in page


# --- the Atom feed --------------------------------------------------------------------


def test_the_feed_is_valid_atom_with_published_items_only(client):
    now = timezone.now()
    first = NewsItemFactory(
        title="First", summary="The first", published_at=now - dt.timedelta(days=2)
    )
    second = NewsItemFactory(title="Second", summary="", body="A *body* text.")
    NewsItemFactory(title="Draft", status="draft", published_at=None)
    NewsItemFactory(title="Future", published_at=now + dt.timedelta(days=1))
    response = client.get(reverse("website:news_feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title
    assert feed.feed.id
    assert feed.feed.updated
    assert [entry.title for entry in feed.entries] == ["Second", "First"]
    by_title = {entry.title: entry for entry in feed.entries}
    assert by_title["First"].summary == "The first"
    assert by_title["Second"].summary == "A body text."
    assert by_title["First"].link == f"http://testserver{first.get_absolute_url()}"
    assert by_title["Second"].id.endswith(f":news:{second.pk}")
    assert all(entry.updated for entry in feed.entries)
    assert len({entry.id for entry in feed.entries}) == 2


def test_the_feed_is_in_the_readers_language(client):
    NewsItemFactory(title_en="Curriculum approved", title_ru="Программа утверждена")
    english = feedparser.parse(client.get(reverse("website:news_feed")).content)
    assert [entry.title for entry in english.entries] == ["Curriculum approved"]
    russian = feedparser.parse(
        client.get(reverse("website:news_feed"), HTTP_ACCEPT_LANGUAGE="ru").content
    )
    assert russian.feed.language == "ru"
    assert [entry.title for entry in russian.entries] == ["Программа утверждена"]
    assert russian.feed.id != english.feed.id
    translation.activate("en")


def test_the_list_links_the_feed(client):
    page = client.get(reverse("website:news_list")).content.decode()
    assert (
        f'type="application/atom+xml" title="News (Atom)" href="{reverse("website:news_feed")}"'
        in page
    )


def test_an_items_image_is_served_only_while_the_item_is_public(client):
    from django.core.files.base import ContentFile

    from tests.factories import photo_jpeg

    item = NewsItemFactory(slug="with-image", image_alt="Participants at the training")
    item.image.save("x.jpg", ContentFile(photo_jpeg((80, 60)).read()))
    url = reverse("website:news_image", args=["with-image"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "public" in response["Cache-Control"]
    b"".join(response.streaming_content)  # to the end: the test client then closes it
    html = client.get(item.get_absolute_url()).content.decode()
    assert f'src="{url}"' in html
    assert 'alt="Participants at the training"' in html
    assert f'content="http://testserver{url}"' in html  # og:image
    item.status = "draft"
    item.save()
    assert client.get(url).status_code == 404
