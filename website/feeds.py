"""The news as an Atom feed, in the reader's language (``/news/feed/``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext

from rtcm.core.center import center_name
from rtcm.core.richtext import render_markdown
from website import selectors
from website.models import NewsItem

FEED_ITEMS = 20
TAG_DATE = "2026"  # the date in every tag URI: fixed, so that ids never change
SUMMARY_WORDS = 60


def _tag_base() -> str:
    """The start of the feed's and the entries' ids: tag URIs (RFC 4151) on our host."""
    host = urlsplit(settings.SITE_URL).hostname or "rtcm.local"
    return f"tag:{host},{TAG_DATE}"


class NewsFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return gettext("News of the %(center)s") % {"center": center_name()}

    def subtitle(self) -> str:
        return gettext("Trainings, programmes and publications of the center.")

    def link(self) -> str:
        return reverse("website:news_list")

    def feed_url(self) -> str:
        return reverse("website:news_feed")

    def author_name(self) -> str:
        return center_name()

    def feed_guid(self) -> str:
        # One feed per language, each with an id of its own that never changes.
        return f"{_tag_base()}:news-feed:{translation.get_language()}"

    def items(self):
        return selectors.news_published()[:FEED_ITEMS]

    def item_title(self, item: NewsItem) -> str:
        return item.title

    def item_description(self, item: NewsItem) -> str:
        if item.summary:
            return item.summary
        text = strip_tags(render_markdown(item.body))
        return Truncator(" ".join(text.split())).words(SUMMARY_WORDS)

    def item_link(self, item: NewsItem) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: NewsItem) -> str:
        # By number, not by address: renaming an item's slug does not make it new.
        return f"{_tag_base()}:news:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: NewsItem):
        return item.published_at

    def item_updateddate(self, item: NewsItem):
        return max(item.updated_at, item.published_at) if item.published_at else item.updated_at
