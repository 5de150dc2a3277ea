"""Uploads to the library: every refusal stores nothing; good files are kept and read.

Through the services (``document_create`` / ``document_update`` / ``document_delete``)
that the admin, the API and the seed share, and through the admin's form.
"""

import io
import logging
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from library import services
from library.models import Document
from library.tasks import extract_document_text
from rtcm.core.roles import LIBRARIAN
from rtcm.core.uploads import (
    EMBEDDED,
    JAVASCRIPT,
    LAUNCH,
    UploadRefused,
    pdf_active_content,
    validate_upload,
)
from tests import hostile_files as hostile
from tests.factories import TopicFactory, TrainingFactory, coordinator_user, staff_user

pytestmark = pytest.mark.django_db

STORED_NAME = re.compile(r"^library/[0-9a-f]{32}\.(pdf|docx|xlsx|pptx|odt|epub|txt)$")


# --- files to upload ------------------------------------------------------------------


def pdf_with_text(*paragraphs: str) -> bytes:
    """A real PDF with text (WeasyPrint, DejaVu fonts: Cyrillic and Arabic too), a page each."""
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">{p}</p>' for p in paragraphs)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def pdf_bytes(mutate=None) -> bytes:
    """A one-page blank PDF, changed by ``mutate(writer, page)`` first."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if mutate:
        mutate(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = value
    return action


def js_action() -> DictionaryObject:
    return action("/JavaScript", JS=TextStringObject("app.alert('hello');"))


def launch_action() -> DictionaryObject:
    return action("/Launch", F=TextStringObject("calc.exe"))


def with_open_action_js(writer, page):
    writer.add_open_action(JavaScript("app.alert('hello');"))


def with_attachment(writer, page):
    writer.add_attachment("payload.txt", b"hidden")


def with_launch(writer, page):
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch_action())


def with_link_js(writer, page):
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(50)] * 2),
            NameObject("/A"): js_action(),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def with_page_open_js(writer, page):
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js_action()})


def with_outline_launch(writer, page):
    item = writer.add_outline_item(title="Start here", page_number=0)
    item.get_object()[NameObject("/A")] = launch_action()


def with_file_attachment_annotation(writer, page):
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(20)] * 2),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Guidelines on assisted voluntary return")
    document.add_paragraph("Руководство по добровольному возвращению")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Country"
    table.cell(0, 1).text = "Reintegration grant"
    table.cell(1, 0).text = "Kyrgyzstan"
    table.cell(1, 1).text = "1500 USD"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Arrivals by month"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


def odt_bytes(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    return zip_bytes(("mimetype", mimetype), ("content.xml", b"<office:document-content/>"))


EPUB_TYPE = b"application/epub+zip"


def epub_bytes(mimetype: bytes = EPUB_TYPE) -> bytes:
    return zip_bytes(("mimetype", mimetype), ("META-INF/container.xml", b"<container/>"))


def pptx_bytes() -> bytes:
    return zip_bytes(
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("ppt/presentation.xml", b"<p:presentation/>"),
    )


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(1)</script></svg>"
)


# --- helpers ----------------------------------------------------------------------------


@pytest.fixture
def librarian():
    return staff_user("librarian", roles=(LIBRARIAN,))


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "library"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_nothing_stored(settings) -> None:
    assert not Document.objects.exists()
    assert stored_files(settings) == []


def document_data(**overrides) -> dict:
    data = {
        "title": "Handbook on readmission",
        "description": "Practical guidance for migration officials.",
        "authors": "IOM",
        "year": 2024,
        "language": "en",
        "doc_type": Document.Type.PUBLICATION,
        "access": Document.Access.PUBLIC,
    }
    data.update(overrides)
    return data


def create(actor, upload=None, *, topics=(), trainings=(), **data) -> Document:
    return services.document_create(
        data=document_data(**data),
        uploaded_file=upload,
        topics=topics,
        trainings=trainings,
        actor=actor,
    )


# --- refusals: each stores nothing ------------------------------------------------------


REFUSALS = [
    ("handbook.pdf", PNG, "PNG (image/png)"),
    ("handbook.pdf", EXE, "EXE (application/x-msdownload)"),
    ("handbook.docx", PNG, "does not match its extension “.docx”"),
    ("handbook.pdf", b"Just some text, not a PDF.", "does not match its extension “.pdf”"),
    ("setup.exe", EXE, "Allowed types: PDF, DOCX, XLSX, PPTX, ODT, EPUB, TXT"),
    ("page.html", HTML, "Files of this type are not accepted"),
    ("page.pdf", HTML, "HTML and SVG files are not accepted"),
    ("page.txt", HTML, "HTML and SVG files are not accepted"),
    ("page.docx", HTML, "HTML and SVG files are not accepted"),
    ("drawing.svg", SVG, "Files of this type are not accepted"),
    ("drawing.pdf", SVG, "HTML and SVG files are not accepted"),
    ("drawing.txt", b"  <svg onload='alert(1)'></svg>", "HTML and SVG files are not accepted"),
    ("empty.pdf", b"", "The file is empty"),
    ("empty.txt", b"", "The file is empty"),
    ("../handbook.pdf", pdf_bytes(), "must not contain a path"),
    ("..\\handbook.pdf", pdf_bytes(), "must not contain a path"),
    ("reports/handbook.pdf", pdf_bytes(), "must not contain a path"),
    ("hand\x00book.pdf", pdf_bytes(), "control characters"),
    ("hand\nbook.pdf", pdf_bytes(), "control characters"),
    ("invoice\u202efdp.exe", pdf_bytes(), "control characters"),
    ("handbook", pdf_bytes(), "Files of this type are not accepted"),
    ("handbook.pdf", pdf_bytes(with_open_action_js), "contains JavaScript"),
    ("handbook.pdf", pdf_bytes(with_attachment), "contains embedded files"),
    ("handbook.pdf", pdf_bytes(with_launch), "launches a program"),
    ("handbook.pdf", pdf_bytes(with_link_js), "contains JavaScript"),
    ("handbook.pdf", pdf_bytes(with_page_open_js), "contains JavaScript"),
    ("handbook.pdf", pdf_bytes(with_outline_launch), "launches a program"),
    ("handbook.pdf", b"%PDF-1.7\nnothing else here at all\n", "damaged"),
    ("figures.docx", xlsx_bytes(), "does not match its extension “.docx”"),
    ("figures.xlsx", docx_bytes(), "does not match its extension “.xlsx”"),
    ("figures.pptx", zip_bytes(("a.txt", b"x")), "does not match its extension “.pptx”"),
    ("macro.docx", zip_bytes(("[Content_Types].xml", b"<T/>"), ("word/document.xml", b"<w/>"),
                             ("word/vbaProject.bin", b"\x00")), "macros"),
    ("book.odt", odt_bytes(b"application/vnd.oasis.opendocument.spreadsheet"), "“.odt”"),
    ("book.odt", epub_bytes(), "does not match its extension “.odt”"),
    ("book.epub", odt_bytes(), "does not match its extension “.epub”"),
    ("book.epub", zip_bytes(("META-INF/c.xml", b"<c/>"), ("mimetype", EPUB_TYPE)), "“.epub”"),
    ("book.epub", b"PK\x03\x04 but truncated", "damaged"),
    ("notes.txt", "café au lait".encode("latin-1"), "UTF-8"),
    ("notes.txt", "Привет".encode("utf-16"), "UTF-8"),
    ("notes.txt", b"binary\x00data", "binary data"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "message"),
    REFUSALS,
    ids=[f"{name!a}: {message}" for name, _, message in REFUSALS],
)
def test_a_bad_upload_is_refused_with_a_clear_message_and_nothing_is_stored(
    librarian, settings, django_capture_on_commit_callbacks, name, content, message
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(UploadRefused) as refused,
    ):
        create(librarian, ContentFile(content, name=name))
    assert message in str(refused.value.message)
    assert refused.value.field == "file"
    assert refused.value.status_code == 400
    assert callbacks == []
    assert_nothing_stored(settings)


def test_a_file_over_the_size_limit_is_refused(librarian, settings):
    settings.RTCM_LIBRARY_MAX_UPLOAD_BYTES = 1000
    upload = SimpleUploadedFile("notes.txt", b"a" * 1001)
    with pytest.raises(UploadRefused, match="larger than the limit of 1000"):
        create(librarian, upload)
    assert_nothing_stored(settings)


def test_a_file_at_the_size_limit_is_accepted(librarian, settings):
    settings.RTCM_LIBRARY_MAX_UPLOAD_BYTES = 1000
    document = create(librarian, SimpleUploadedFile("notes.txt", b"a" * 1000))
    assert document.size == 1000


def test_a_file_whose_size_is_unknown_is_measured_by_reading(settings):
    settings.RTCM_LIBRARY_MAX_UPLOAD_BYTES = 10

    class Unsized(ContentFile):
        size = None

    with pytest.raises(UploadRefused, match="larger than the limit"):
        validate_upload(Unsized(b"a" * 11, name="notes.txt"))


def test_an_unknown_topic_is_refused_by_name_and_nothing_is_stored(librarian, settings):
    topic = TopicFactory()
    with pytest.raises(services.UnknownReference) as refused:
        create(librarian, ContentFile(b"Text", name="notes.txt"), topics=[topic.pk, 999_999])
    assert str(refused.value.message) == "Unknown topic: 999999."
    assert refused.value.field == "topics"
    assert_nothing_stored(settings)


def test_an_unknown_training_or_a_topic_that_is_no_id_is_refused(librarian, settings):
    with pytest.raises(services.UnknownReference, match="Unknown training: 424242"):
        create(librarian, ContentFile(b"Text", name="notes.txt"), trainings=["424242"])
    with pytest.raises(services.UnknownReference, match="Unknown topic: “labour”"):
        create(librarian, ContentFile(b"Text", name="notes.txt"), topics=["labour"])
    assert_nothing_stored(settings)


def test_a_document_needs_a_file_or_a_link(librarian, settings):
    with pytest.raises(ValidationError) as refused:
        create(librarian, None)
    assert "Upload a file or give an external link" in str(refused.value.message_dict["file"])
    assert_nothing_stored(settings)


def test_invalid_metadata_stores_no_file(librarian, settings):
    with pytest.raises(ValidationError) as refused:
        create(librarian, ContentFile(pdf_bytes(), name="a.pdf"), language="xx", title="")
    assert set(refused.value.message_dict) == {"language", "title"}
    assert_nothing_stored(settings)


def test_a_failed_database_write_removes_the_stored_file(librarian, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(extract_document_text, "delay_on_commit", broken)
    with pytest.raises(RuntimeError):
        create(librarian, ContentFile(pdf_bytes(), name="handbook.pdf"))
    assert_nothing_stored(settings)


# --- the PDF scan looks where viewers look -----------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (None, None),
        (with_open_action_js, JAVASCRIPT),
        (with_attachment, EMBEDDED),
        (with_launch, LAUNCH),
        (with_link_js, JAVASCRIPT),
        (with_page_open_js, JAVASCRIPT),
        (with_outline_launch, LAUNCH),
        (with_file_attachment_annotation, EMBEDDED),
    ],
)
def test_the_structural_pdf_scan_finds_active_content(mutate, problem):
    assert pdf_active_content(PdfReader(io.BytesIO(pdf_bytes(mutate)))) == problem


def test_a_script_behind_escaped_names_is_found_by_the_structural_scan():
    # "/J#53" is "/JS" once parsed: the cheap scan of the raw bytes cannot see it.
    raw = (
        pdf_bytes(with_link_js).replace(b"/JS ", b"/J#53").replace(b"/JavaScript", b"/Java#53cript")
    )
    assert b"/JS" not in raw
    assert b"/JavaScript" not in raw
    with pytest.raises(UploadRefused, match="contains JavaScript"):
        validate_upload(ContentFile(raw, name="handbook.pdf"))


# --- good files are kept under a random name and read -----------------------------------


def test_a_pdf_is_stored_under_a_random_name_and_its_text_and_pages_are_read(
    librarian, settings, django_capture_on_commit_callbacks
):
    content = pdf_with_text("Readmission agreements in Central Asia", "Реадмиссия мигрантов")
    topic = TopicFactory(name="Readmission")
    with django_capture_on_commit_callbacks(execute=True):
        document = create(librarian, SimpleUploadedFile("Справочник.pdf", content), topics=[topic])
    document.refresh_from_db()
    assert STORED_NAME.match(document.file.name)
    assert stored_files(settings) == [Path(settings.MEDIA_ROOT) / document.file.name]
    assert (Path(settings.MEDIA_ROOT) / document.file.name).read_bytes() == content
    assert document.original_name == "Справочник.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(content)
    assert document.slug == "handbook-on-readmission"
    assert document.uploaded_by == librarian
    assert list(document.topics.all()) == [topic]
    assert document.page_count == 2
    assert "Readmission agreements" in document.extracted_text
    assert "Реадмиссия мигрантов" in document.extracted_text
    assert document.text_extracted_at is not None


def test_a_docx_has_its_paragraphs_and_tables_read(librarian, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = create(librarian, SimpleUploadedFile("guidelines.docx", docx_bytes()))
    document.refresh_from_db()
    assert STORED_NAME.match(document.file.name)
    assert document.content_type.endswith("wordprocessingml.document")
    assert "Guidelines on assisted voluntary return" in document.extracted_text
    assert "Руководство по добровольному возвращению" in document.extracted_text
    assert "Kyrgyzstan\t1500 USD" in document.extracted_text
    assert document.page_count is None


def test_a_txt_in_arabic_is_read(librarian, django_capture_on_commit_callbacks):
    text = "دليل حماية المهاجرين"
    with django_capture_on_commit_callbacks(execute=True):
        document = create(
            librarian,
            SimpleUploadedFile("دليل.txt", ("\ufeff" + text).encode()),
            title="دليل حماية المهاجرين",
            language="ar",
        )
    document.refresh_from_db()
    assert document.extracted_text == text
    assert document.content_type == "text/plain; charset=utf-8"
    assert document.slug.isascii()
    assert document.slug


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("figures.xlsx", xlsx_bytes(), "spreadsheetml.sheet"),
        ("slides.pptx", pptx_bytes(), "presentationml.presentation"),
        ("report.odt", odt_bytes(), "opendocument.text"),
        ("book.epub", epub_bytes(), "epub+zip"),
    ],
)
def test_other_allowed_types_are_kept_without_text(
    librarian, django_capture_on_commit_callbacks, name, content, content_type
):
    with django_capture_on_commit_callbacks(execute=True):
        document = create(librarian, SimpleUploadedFile(name, content))
    document.refresh_from_db()
    assert STORED_NAME.match(document.file.name)
    assert document.content_type.endswith(content_type)
    assert document.extracted_text == ""
    assert document.text_extracted_at is not None


def test_a_document_may_be_an_external_link_without_a_file(
    librarian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = create(librarian, None, external_url="https://publications.iom.int/x")
    assert not document.file
    assert document.external_url == "https://publications.iom.int/x"
    assert callbacks == []  # nothing to read


def test_slugs_are_ascii_and_unique(librarian):
    first = create(librarian, None, external_url="https://example.org/1", title="Реадмиссия")
    second = create(librarian, None, external_url="https://example.org/2", title="Реадмиссия")
    third = create(librarian, None, external_url="https://example.org/3", title="Реадмиссия")
    arabic = create(librarian, None, external_url="https://example.org/4", title="الهجرة")
    symbols = create(librarian, None, external_url="https://example.org/5", title="★ ★ ★")
    assert first.slug == "readmissiya"
    assert (second.slug, third.slug) == ("readmissiya-2", "readmissiya-3")
    assert arabic.slug.isascii()
    assert re.fullmatch(r"[a-z0-9-]+", arabic.slug)
    assert symbols.slug == "document"


# --- extraction is safe to run twice and survives broken files ---------------------------


def test_extraction_runs_once(librarian, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = create(librarian, SimpleUploadedFile("notes.txt", b"Border management"))
    assert extract_document_text(document.pk) == "already extracted"
    assert extract_document_text(10**9) == "gone"


def test_a_broken_file_is_logged_and_left_without_text(librarian, settings, caplog):
    document = create(librarian, SimpleUploadedFile("handbook.pdf", pdf_bytes()))
    (Path(settings.MEDIA_ROOT) / document.file.name).write_bytes(b"%PDF-1.7 broken")
    with caplog.at_level(logging.ERROR, logger="library.services"):
        assert extract_document_text(document.pk) == "extracted"
    document.refresh_from_db()
    assert document.extracted_text == ""
    assert document.page_count is None
    assert document.text_extracted_at is not None
    assert "cannot read the text" in caplog.text


def test_extracted_text_is_capped(librarian, monkeypatch):
    monkeypatch.setattr(services, "MAX_TEXT_CHARS", 10)
    document = create(librarian, SimpleUploadedFile("notes.txt", b"0123456789abcdef"))
    extract_document_text(document.pk)
    document.refresh_from_db()
    assert document.extracted_text == "0123456789"


def test_a_file_replaced_during_extraction_keeps_the_new_files_turn(librarian, monkeypatch):
    document = create(librarian, SimpleUploadedFile("notes.txt", b"Old text"))

    def replaced_meanwhile(data, extension):
        Document.objects.filter(pk=document.pk).update(file="library/other.txt")
        return "Old text", None

    monkeypatch.setattr(services, "extract_text", replaced_meanwhile)
    assert extract_document_text(document.pk) == "changed meanwhile"
    document.refresh_from_db()
    assert document.text_extracted_at is None


# --- update and delete -------------------------------------------------------------------


def test_a_new_file_replaces_the_old_one_after_commit(
    librarian, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = create(librarian, SimpleUploadedFile("old.pdf", pdf_with_text("Old text")))
    old_path = Path(settings.MEDIA_ROOT) / document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.document_update(
            document=document,
            data={"title": "Handbook, second edition"},
            uploaded_file=SimpleUploadedFile("new.txt", b"New text"),
            actor=librarian,
        )
    document.refresh_from_db()
    assert not old_path.exists()
    assert stored_files(settings) == [Path(settings.MEDIA_ROOT) / document.file.name]
    assert document.original_name == "new.txt"
    assert document.extracted_text == "New text"
    assert document.page_count is None
    assert document.slug == "handbook-on-readmission"  # bookmarked URLs keep working
    assert document.title == "Handbook, second edition"


def test_a_refused_replacement_changes_nothing(librarian, settings):
    document = create(librarian, SimpleUploadedFile("old.txt", b"Old text"))
    before = stored_files(settings)
    with pytest.raises(UploadRefused):
        services.document_update(
            document=document,
            data={"title": "Changed"},
            uploaded_file=SimpleUploadedFile("new.pdf", PNG),
            actor=librarian,
        )
    document.refresh_from_db()
    assert (document.title, document.original_name) == ("Handbook on readmission", "old.txt")
    assert stored_files(settings) == before


def test_topics_and_trainings_are_replaced_on_update(librarian):
    old_topic, new_topic = TopicFactory(), TopicFactory()
    training = TrainingFactory()
    document = create(librarian, SimpleUploadedFile("a.txt", b"A"), topics=[old_topic])
    services.document_update(
        document=document,
        data={},
        topics=[new_topic.pk],
        trainings=[training],
        actor=librarian,
    )
    assert list(document.topics.all()) == [new_topic]
    assert list(document.trainings.all()) == [training]


def test_clearing_the_file_needs_a_link_and_removes_the_file(
    librarian, settings, django_capture_on_commit_callbacks
):
    document = create(librarian, SimpleUploadedFile("a.txt", b"A"))
    with pytest.raises(ValidationError):
        services.document_update(document=document, data={}, clear_file=True, actor=librarian)
    document = Document.objects.get(pk=document.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_update(
            document=document,
            data={"external_url": "https://example.org/handbook"},
            clear_file=True,
            actor=librarian,
        )
    document.refresh_from_db()
    assert not document.file
    assert document.original_name == ""
    assert stored_files(settings) == []


def test_deleting_a_document_removes_its_file_after_commit(
    librarian, settings, django_capture_on_commit_callbacks
):
    document = create(librarian, SimpleUploadedFile("a.txt", b"A"))
    assert len(stored_files(settings)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.document_delete(document=document)
    assert_nothing_stored(settings)


def test_a_download_is_counted_atomically(librarian):
    document = create(librarian, SimpleUploadedFile("a.txt", b"A"))
    services.document_register_download(document=document)
    services.document_register_download(document=document)
    document.refresh_from_db()
    assert document.download_count == 2


# --- the admin goes through the same checks and services ---------------------------------


@pytest.fixture
def librarian_client(librarian):
    client = Client()
    client.force_login(librarian)
    return client


def admin_post(client, upload=None, **overrides):
    data = {  # the admin has a title and description per language (title_en …)
        "title_en": "Labour migration statistics",
        "description_en": "",
        "authors": "",
        "publisher": "",
        "year": "2023",
        "language": "en",
        "doc_type": Document.Type.RESEARCH,
        "access": Document.Access.SIGNED_IN,
        "external_url": "",
        "_save": "Save",
    }
    data.update(overrides)
    if upload is not None:
        data["file"] = upload
    return client.post(reverse("admin:library_document_add"), data)


def test_the_admin_shows_a_refused_file_beside_the_field_and_stores_nothing(
    librarian_client, settings
):
    response = admin_post(librarian_client, SimpleUploadedFile("figures.pdf", PNG))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "PNG (image/png)" in errors["file"][0]
    assert_nothing_stored(settings)


def test_the_admin_asks_for_a_file_or_a_link(librarian_client, settings):
    response = admin_post(librarian_client)
    assert response.status_code == 200
    assert (
        "Upload a file or give an external link"
        in (response.context["adminform"].form.errors["file"][0])
    )
    assert_nothing_stored(settings)


def test_the_admin_adds_and_replaces_through_the_services(
    librarian, librarian_client, settings, django_capture_on_commit_callbacks
):
    topic = TopicFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_post(
            librarian_client,
            SimpleUploadedFile("Статистика.txt", "Трудовая миграция".encode()),
            topics=[str(topic.pk)],
        )
    assert response.status_code == 302
    document = Document.objects.get()
    assert STORED_NAME.match(document.file.name)
    assert document.original_name == "Статистика.txt"
    assert document.slug == "labour-migration-statistics"
    assert document.uploaded_by == librarian
    assert document.extracted_text == "Трудовая миграция"
    assert list(document.topics.all()) == [topic]
    old_path = Path(settings.MEDIA_ROOT) / document.file.name

    change_url = reverse("admin:library_document_change", args=[document.pk])
    assert librarian_client.get(change_url).status_code == 200
    data = {
        "title_en": "Labour migration statistics 2024",
        "year": "2024",
        "language": "ru",
        "doc_type": Document.Type.RESEARCH,
        "access": Document.Access.PUBLIC,
        "topics": [str(topic.pk)],
        "file": SimpleUploadedFile("stats.docx", docx_bytes()),
        "_save": "Save",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = librarian_client.post(change_url, data)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.original_name == "stats.docx"
    assert "Kyrgyzstan" in document.extracted_text
    assert not old_path.exists()
    assert stored_files(settings) == [Path(settings.MEDIA_ROOT) / document.file.name]


def test_only_librarians_use_the_library_admin():
    coordinator = Client()
    coordinator.force_login(coordinator_user())
    assert coordinator.get(reverse("admin:library_document_changelist")).status_code == 403
    assert coordinator.get(reverse("admin:library_document_add")).status_code == 403


def test_the_admin_list_searches_and_filters(librarian, librarian_client):
    create(librarian, SimpleUploadedFile("a.txt", b"A"), title="Border management manual")
    create(librarian, SimpleUploadedFile("b.txt", b"B"), title="Counter-trafficking")
    url = reverse("admin:library_document_changelist")
    response = librarian_client.get(url, {"q": "border", "doc_type__exact": "publication"})
    assert response.status_code == 200
    assert [d.title for d in response.context["cl"].result_list] == ["Border management manual"]


# --- hostile files: zip bombs, polyglots, macros, embedded objects, external links ---------


HOSTILE_DOCUMENTS = [
    ("handbook.docx", hostile.docx_with_macros, "macros"),
    ("handbook.docx", hostile.docx_with_macro_content_type_only, "macros"),
    ("handbook.docx", hostile.docx_with_embedded_exe, "embedded programs or objects"),
    ("handbook.docx", hostile.docx_with_exe_disguised_as_picture, "embedded programs or objects"),
    ("handbook.docx", hostile.docx_with_external_template, "load content from elsewhere"),
    ("handbook.docx", hostile.docx_with_external_ole_link, "load content from elsewhere"),
    ("handbook.docx", hostile.docx_with_external_frame, "load content from elsewhere"),
    ("handbook.docx", hostile.docx_with_alt_chunk, "imported HTML or other foreign content"),
    ("figures.xlsx", lambda: hostile.xlsx_with_external_link(xlsx_bytes()), "from elsewhere"),
    ("book.odt", lambda: hostile.odt_with_ole_object(odt_bytes()), "embedded programs"),
    ("book.epub", lambda: hostile.rewrite_zip(epub_bytes(), add={"run.exe": EXE}), "programs"),
    ("handbook.pdf", hostile.pdf_html_polyglot, "web page markup (HTML) at its start"),
    ("handbook.pdf", hostile.pdf_behind_html, "HTML and SVG files are not accepted"),
    ("handbook.pdf", hostile.pdf_header_not_at_start, "does not begin with its PDF header"),
    ("handbook.docx", lambda: hostile.docx_bomb(26, copies=42), "zip bomb"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "build", "message"),
    HOSTILE_DOCUMENTS,
    ids=[build.__name__ if build.__name__ != "<lambda>" else f"{name}: {message}"
         for name, build, message in HOSTILE_DOCUMENTS],
)  # fmt: skip
def test_a_hostile_document_is_refused_and_nothing_is_stored(
    librarian, settings, django_capture_on_commit_callbacks, name, build, message
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(UploadRefused) as refused,
    ):
        create(librarian, ContentFile(build(), name=name))
    assert message in str(refused.value.message)
    assert refused.value.field == "file"
    assert callbacks == []
    assert_nothing_stored(settings)


def test_ordinary_documents_still_pass_hyperlinks_included(
    librarian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        word = create(librarian, ContentFile(hostile.plain_docx(), name="guide.docx"))
        pdf = create(librarian, ContentFile(pdf_with_text("Readmission"), name="guide.pdf"))
    for document in (word, pdf):
        document.refresh_from_db()
    assert "assisted voluntary return" in word.extracted_text
    assert "Readmission" in pdf.extracted_text


def test_a_30_kb_docx_that_unpacks_to_over_a_gib_is_refused_before_unpacking(
    librarian, settings, monkeypatch
):
    bomb = hostile.docx_bomb(26, copies=42)
    assert len(bomb) < 32 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(member.file_size for member in archive.infolist()) > 2**30
        assert len(archive.read("word/media/zeros.bin")) == 26 * 2**20  # a real bomb

    def unpacking(*args, **kwargs):
        raise AssertionError("a member was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpacking)
    with pytest.raises(UploadRefused, match="zip bomb"):
        create(librarian, SimpleUploadedFile("handbook.docx", bomb))
    assert_nothing_stored(settings)


def test_the_unpacked_size_is_bounded_by_a_setting(librarian, settings):
    settings.RTCM_UPLOAD_ARCHIVE_MAX_RATIO = 10**6  # only the size decides here
    settings.RTCM_UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 8 * 2**20
    with pytest.raises(UploadRefused, match="zip bomb"):
        create(librarian, SimpleUploadedFile("a.docx", hostile.docx_bomb(9)))
    assert_nothing_stored(settings)
    settings.RTCM_UPLOAD_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 10 * 2**20
    assert create(librarian, SimpleUploadedFile("a.docx", hostile.docx_bomb(9))).pk


def test_the_compression_ratio_is_bounded_by_a_setting(librarian, settings):
    bomb = hostile.docx_bomb(20)  # 20 MiB of zeros, far under the size bound, ~1000 to 1
    with pytest.raises(UploadRefused, match="zip bomb"):
        create(librarian, SimpleUploadedFile("a.docx", bomb))
    assert_nothing_stored(settings)
    settings.RTCM_UPLOAD_ARCHIVE_MAX_RATIO = 2000
    assert create(librarian, SimpleUploadedFile("a.docx", bomb)).pk


def test_the_number_of_members_is_bounded_by_a_setting(librarian, settings):
    settings.RTCM_UPLOAD_ARCHIVE_MAX_MEMBERS = 5
    with pytest.raises(UploadRefused, match="more than 5 parts"):
        create(librarian, SimpleUploadedFile("a.docx", docx_bytes()))
    assert_nothing_stored(settings)


def test_other_compression_methods_and_duplicate_parts_are_refused(librarian, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        archive.writestr("[Content_Types].xml", hostile.CONTENT_TYPES)
        archive.writestr("word/document.xml", b"<w:document/>")
    with pytest.raises(UploadRefused, match="damaged"):
        create(librarian, SimpleUploadedFile("a.docx", buffer.getvalue()))
    twice = hostile.raw_zip(
        [
            hostile.deflated("[Content_Types].xml", hostile.CONTENT_TYPES),
            hostile.deflated("word/document.xml", b"<w:document/>"),
        ],
        copies=2,
    )
    with pytest.raises(UploadRefused, match="damaged"):
        create(librarian, SimpleUploadedFile("a.docx", twice))
    assert_nothing_stored(settings)


def test_extraction_never_unpacks_a_stored_bomb(librarian, settings, monkeypatch, caplog):
    document = create(librarian, SimpleUploadedFile("handbook.docx", docx_bytes()))
    # A file stored before the bounds existed (or under looser ones).
    (Path(settings.MEDIA_ROOT) / document.file.name).write_bytes(hostile.docx_bomb(200))

    def parsing(*args, **kwargs):
        raise AssertionError("python-docx was given the bomb")

    monkeypatch.setattr(docx, "Document", parsing)
    with caplog.at_level(logging.ERROR, logger="library.services"):
        assert extract_document_text(document.pk) == "extracted"
    document.refresh_from_db()
    assert document.extracted_text == ""
    assert "cannot read the text" in caplog.text


def test_the_admin_shows_a_hostile_file_beside_the_field_and_stores_nothing(
    librarian_client, settings
):
    for upload, message in [
        (SimpleUploadedFile("bomb.docx", hostile.docx_bomb(26, copies=42)), "zip bomb"),
        (SimpleUploadedFile("both.pdf", hostile.pdf_html_polyglot()), "web page markup"),
        (SimpleUploadedFile("macro.docx", hostile.docx_with_macros()), "macros"),
    ]:
        response = admin_post(librarian_client, upload)
        assert response.status_code == 200
        assert message in response.context["adminform"].form.errors["file"][0]
        assert_nothing_stored(settings)


def test_text_is_read_in_a_child_process_bounded_in_memory(librarian, settings, caplog):
    document = create(librarian, SimpleUploadedFile("guide.docx", hostile.plain_docx()))
    # 90 KB that python-docx turns into 300,000 paragraphs (far past 128 MiB, and
    # minutes of work), stored before the ratio bound (lifted here) existed.
    paragraphs = "<w:p><w:r><w:t>Readmission agreement clause</w:t></w:r></w:p>" * 300_000
    with zipfile.ZipFile(io.BytesIO(hostile.plain_docx())) as archive:
        body = archive.read("word/document.xml").decode()
    body = body.replace("<w:body>", f"<w:body>{paragraphs}", 1)
    heavy = hostile.rewrite_zip(hostile.plain_docx(), replace={"word/document.xml": body.encode()})
    (Path(settings.MEDIA_ROOT) / document.file.name).write_bytes(heavy)
    settings.RTCM_UPLOAD_ARCHIVE_MAX_RATIO = 10**6
    settings.RTCM_LIBRARY_EXTRACTION_MEMORY_BYTES = 128 * 2**20
    with caplog.at_level(logging.ERROR, logger="library.services"):
        assert extract_document_text(document.pk) == "extracted"
    document.refresh_from_db()
    assert document.extracted_text == ""
    assert "the reader stopped with status" in caplog.text


def test_the_child_process_cannot_allocate_past_its_bound():
    code = (
        "from library.extraction import limit_resources\n"
        "limit_resources(memory_bytes=256 * 2**20, cpu_seconds=10)\n"
        "block = bytearray(512 * 2**20)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=services.PACKAGE_ROOT, capture_output=True, check=False
    )
    assert finished.returncode != 0
    assert b"MemoryError" in finished.stderr


def test_a_reader_that_runs_out_of_time_is_stopped(librarian, settings, monkeypatch, caplog):
    document = create(librarian, SimpleUploadedFile("guide.pdf", pdf_bytes()))

    def too_slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(cmd="library.extraction", timeout=kwargs["timeout"])

    monkeypatch.setattr(services.subprocess, "run", too_slow)
    settings.RTCM_LIBRARY_EXTRACTION_SECONDS = 7
    with caplog.at_level(logging.ERROR, logger="library.services"):
        assert extract_document_text(document.pk) == "extracted"
    assert "took more than 7 s" in caplog.text
