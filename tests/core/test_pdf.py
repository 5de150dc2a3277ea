"""PDF rendering: fetches nothing that is not ours, one font configuration per process."""

import base64
import io

import pypdf
import pytest
import weasyprint
from weasyprint.urls import URLFetcher

from rtcm.core import pdf

# No database here, but the marker keeps every test module alike.
pytestmark = pytest.mark.django_db


@pytest.fixture
def fetched(monkeypatch):
    """Every URL WeasyPrint asks our fetcher for, and what came of it."""
    calls = []
    real_fetch = pdf.StaticFilesOnlyFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = real_fetch(self, url, headers)
        except ValueError:
            calls.append((url, "refused"))
            raise
        calls.append((url, "served"))
        return response

    monkeypatch.setattr(pdf.StaticFilesOnlyFetcher, "fetch", spy)
    return calls


@pytest.fixture
def network_opened(monkeypatch):
    """URLs that reached urllib's opener: only ``data:`` may, which never leaves the process."""
    opened = []
    real_fetch = URLFetcher.fetch

    def spy(self, url, headers=None):
        opened.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    return opened


@pytest.fixture
def static_root(settings, tmp_path):
    root = tmp_path / "static"
    (root / "rtcm").mkdir(parents=True)
    (root / "rtcm" / "print.css").write_text("h1 { color: rgb(200, 0, 0) }")
    settings.STATIC_ROOT = root
    return root


def text_of(document: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document)).pages)


def test_it_renders_a_pdf_with_text_in_many_scripts():
    document = pdf.render_pdf(
        "<html><body style=\"font-family: 'DejaVu Sans'\">"
        "<h1>Sign-in sheet</h1><p>Нурлан Абдуллаев · ნინო ბერიძე · Ləman</p></body></html>"
    )
    assert document.startswith(b"%PDF-")
    text = text_of(document)
    assert "Sign-in sheet" in text
    assert "Нурлан Абдуллаев" in text
    assert "ნინო ბერიძე" in text
    assert "Ləman" in text


def test_it_fetches_neither_other_hosts_nor_other_files(fetched, network_opened):
    document = pdf.render_pdf(
        '<html><head><link rel="stylesheet" href="file:///etc/passwd"></head>'
        '<body><img src="http://127.0.0.1:9/x.png"><p>Still renders</p></body></html>'
    )
    assert "Still renders" in text_of(document)
    assert ("http://127.0.0.1:9/x.png", "refused") in fetched
    assert ("file:///etc/passwd", "refused") in fetched
    assert network_opened == []


def test_it_refuses_urls_that_are_not_ours_when_asked_directly():
    fetcher = pdf.StaticFilesOnlyFetcher()
    for url in [
        "http://127.0.0.1:9/x.png",
        "https://example.org/style.css",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example.org/static/rtcm/print.css",
        "ftp://example.org/file",
        "file:///static/../etc/passwd",
        "file:///static/bootstrap/../../../../etc/passwd",
        "file:///static/%2e%2e/%2e%2e/etc/passwd",
    ]:
        with pytest.raises(ValueError, match="only our static files"):
            fetcher.fetch(url)


def test_it_serves_our_static_files_and_data_urls(static_root, fetched, network_opened):
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="10" height="10"><rect width="10" height="10"/>'
        '<image xlink:href="http://127.0.0.1:9/inside-svg.png" width="5" height="5"/></svg>'
    )
    data_url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    document = pdf.render_pdf(
        '<html><head><link rel="stylesheet" href="/static/rtcm/print.css"></head>'
        f'<body><h1>Styled</h1><img src="{data_url}"></body></html>'
    )
    assert "Styled" in text_of(document)
    assert ("file:///static/rtcm/print.css", "served") in fetched
    assert (data_url, "served") in fetched
    # An SVG cannot smuggle a request in either.
    assert ("http://127.0.0.1:9/inside-svg.png", "refused") in fetched
    assert network_opened == [data_url]


def test_it_finds_static_files_of_the_apps_before_collectstatic(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "empty"
    path = pdf.static_file_path("file:///static/bootstrap/css/bootstrap.min.css")
    assert path is not None
    assert path.name == "bootstrap.min.css"
    response = pdf.StaticFilesOnlyFetcher().fetch("file:///static/bootstrap/css/bootstrap.min.css")
    assert response.content_type == "text/css"
    response.close()


def test_it_serves_files_under_static_root_by_their_file_url(static_root):
    url = (static_root / "rtcm" / "print.css").as_uri()
    response = pdf.StaticFilesOnlyFetcher().fetch(url)
    assert response.read() == b"h1 { color: rgb(200, 0, 0) }"
    response.close()


def test_it_reuses_one_font_configuration(monkeypatch):
    used = []
    real_write_pdf = weasyprint.HTML.write_pdf

    def spy(self, *args, **kwargs):
        used.append(kwargs.get("font_config"))
        return real_write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", spy)
    pdf.render_pdf("<p>one</p>")
    pdf.render_pdf("<p>two</p>")
    assert used == [pdf.font_config(), pdf.font_config()]
    assert used[0] is not None


def test_a_shared_stylesheet_is_parsed_once():
    css = "p { color: rgb(1, 2, 3) }"
    pdf.stylesheet.cache_clear()
    pdf.render_pdf("<p>one</p>", css=css)
    pdf.render_pdf("<p>two</p>", css=css)
    info = pdf.stylesheet.cache_info()
    assert (info.misses, info.hits) == (1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("محمد العلي", True),
        ("  123 שרה", True),
        ("Ləman Məmmədova", False),
        ("Нурлан", False),
        ("123 — ", False),
        ("", False),
    ],
)
def test_it_tells_right_to_left_text_as_dir_auto_does(text, expected):
    assert pdf.is_rtl(text) is expected
