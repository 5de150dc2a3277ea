"""The one response for a stored file: its name in any script, its headers, a missing file."""

from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage
from django.db.models.fields.files import FieldFile
from django.http import Http404

from rtcm.core.storage import content_disposition, stored_file_response


class _Field:
    """Just enough of a model field for a FieldFile outside a model."""

    def __init__(self, storage):
        self.storage = storage


def stored(name: str, content: bytes = b"%PDF-1.7 test") -> FieldFile:
    storage = InMemoryStorage()
    saved = storage.save(name, ContentFile(content))
    return FieldFile(None, _Field(storage), saved)


def body(response) -> bytes:
    content = b"".join(response.streaming_content)
    response.file_to_stream.close()  # not response.close(): that ends a request
    return content


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Справочник.pdf", "Spravochnik.pdf"),
        ("دليل.pdf", "dlyl.pdf"),
        ("Ləman.pdf", "Leman.pdf"),
        ("სახელმძღვანელო.pdf", "sakhelmdzghvanelo.pdf"),
    ],
)
def test_a_name_in_any_script_goes_out_as_itself_and_in_ascii(name, fallback):
    assert content_disposition(name) == (
        f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(name)}"
    )


def test_a_plain_ascii_name_is_quoted_once():
    assert content_disposition("cv.pdf", as_attachment=False) == 'inline; filename="cv.pdf"'


@pytest.mark.parametrize("name", ['a"b.pdf', "..\\..\\etc/passwd", "report\r\nSet-Cookie: x=1.pdf"])
def test_quotes_paths_and_line_breaks_cannot_break_out_of_the_header(name):
    header = content_disposition(name)
    assert "\r" not in header
    assert "\n" not in header
    assert "/" not in header.replace("%2F", "")
    assert "\\" not in header
    assert header.count('"') in (0, 2)


def test_the_stored_file_comes_private_and_never_sniffed():
    response = stored_file_response(stored("x/result.pdf"), filename="Отчёт.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].endswith(quote("Отчёт.pdf"))
    assert body(response) == b"%PDF-1.7 test"


def test_a_public_file_may_be_cached():
    response = stored_file_response(stored("a.txt"), filename="a.txt", private=False)
    assert "Cache-Control" not in response
    assert response["Content-Type"].startswith("text/plain")
    body(response)


def test_an_empty_field_or_a_file_gone_from_the_storage_is_not_found():
    gone = stored("gone.pdf")
    gone.storage.delete(gone.name)
    for field_file in (gone, FieldFile(None, _Field(InMemoryStorage()), "")):
        with pytest.raises(Http404):
            stored_file_response(field_file, filename="x.pdf")
