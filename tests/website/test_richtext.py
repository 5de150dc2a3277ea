"""Staff text is Markdown, and nothing a script could use reaches a reader."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from rtcm.core.richtext import render_markdown
from tests.website.factories import NewsItemFactory, PageFactory

HOSTILE = """# Welcome

Text with <script>alert("page")</script> a script.

<img src="/media/news/a.png" onerror="alert('img')" alt="pic">

[click me](javascript:alert('link')) and [again](JaVaScRiPt:alert(2)) and
<a href="javascript:alert(3)">raw</a> <a href="data:text/html;base64,PHNjcmlwdD4=">data</a>

<iframe src="https://evil.example.org/"></iframe>

<p style="color: red" onclick="alert('p')">styled</p>

<svg onload="alert('svg')"></svg>
"""

FORBIDDEN = (
    "<script",
    "alert(",
    "onerror",
    "onclick",
    "onload",
    "javascript:",
    "data:text",
    "<iframe",
    "style=",
    "<svg",
)


def assert_clean(html: str) -> None:
    lowered = html.lower()
    for marker in FORBIDDEN:
        assert marker.lower() not in lowered, marker


def test_markdown_keeps_the_allowed_structure():
    html = render_markdown(
        '# Title\n\n## Part\n\n- one\n- two\n\n**bold** *it* [site](https://iom.int "IOM") '
        "[mail](mailto:a@example.org) [here](/pages/x/)\n\n> quote\n\n`code`\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n"
    )
    assert "<h2>Title</h2>" in html  # the page's own title is the h1
    assert "<h2>Part</h2>" in html
    assert "<ul>" in html
    assert "<li>one</li>" in html
    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert '<a href="https://iom.int" title="IOM" rel="noopener noreferrer">site</a>' in html
    assert 'href="mailto:a@example.org"' in html
    assert 'href="/pages/x/"' in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert "<hr>" in html


def test_hostile_markdown_renders_none_of_it():
    html = render_markdown(HOSTILE)
    assert_clean(html)
    assert "styled" in html  # the text stays, its attributes go
    assert 'src="/media/news/a.png"' in html  # our own media may be shown


def test_images_only_from_here():
    html = render_markdown(
        "![a](https://evil.example.org/track.png) ![b](https://rtcm.example.org/media/x.png) "
        "![c](/media/y.png) ![d](//evil.example.org/z.png)"
    )
    assert "evil.example.org" not in html
    assert 'src="https://rtcm.example.org/media/x.png"' in html  # SITE_URL in tests
    assert 'src="/media/y.png"' in html


def test_empty_text_is_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_template_filter_renders_and_sanitises():
    html = Template("{% load richtext %}{{ value|markdown }}").render(
        Context({"value": "**hi** <script>alert(1)</script>"})
    )
    assert "<strong>hi</strong>" in html
    assert_clean(html)


@pytest.mark.django_db
def test_a_hostile_page_body_reaches_no_reader(client):
    page = PageFactory(slug="hostile", body=HOSTILE, summary='<script>alert("s")</script>')
    response = client.get(reverse("website:page", args=[page.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    article = html[html.index('<article class="col-lg-9 site-page">') :]
    body = article[article.index('<div class="rich-text"') : article.index("</article>")]
    assert_clean(body)
    assert "<h2>Welcome</h2>" in body
    # The summary is plain text: shown escaped, never as markup.
    assert "&lt;script&gt;" in article
    assert "<script>alert" not in html
    assert "javascript:" not in html


@pytest.mark.django_db
def test_a_hostile_news_body_reaches_no_reader(client):
    item = NewsItemFactory(body=HOSTILE)
    html = client.get(item.get_absolute_url()).content.decode()
    article = html[html.index('<article class="col-lg-9 news-item">') :]
    article = article[: article.index("</article>")]
    assert_clean(article)
    assert "<h2>Welcome</h2>" in article
    assert "<script>alert" not in html
    assert "javascript:" not in html
