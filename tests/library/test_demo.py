"""The demo library: a dozen real PDFs, searchable inside, seeded once."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import call_command
from pypdf import PdfReader

from library import selectors
from library.models import Document
from rtcm.demo.library import DOCUMENTS
from tests.demo.seeding import demo_fixture

pytestmark = pytest.mark.django_db


# Seeded once for the module; the text extraction runs as the seed's commit would.
_demo_database, seeded = demo_fixture(size=0)


def test_seed_creates_a_dozen_documents_as_pdfs_in_many_languages(seeded):
    documents = Document.objects.all()
    assert documents.count() == len(DOCUMENTS) == 12
    assert {d.language for d in documents} >= {"en", "ru", "az", "ar", "ka"}
    assert {d.access for d in documents} == {"public", "signed_in", "staff"}
    assert len({d.doc_type for d in documents}) == 5
    for document in documents:
        assert document.topics.exists(), document.slug
        assert document.content_type == "application/pdf"
        assert document.original_name.endswith(".pdf")
        with document.file.open("rb") as handle:
            pages = len(PdfReader(handle).pages)
        assert 1 <= pages <= 3
        assert document.page_count == pages
        assert document.text_extracted_at is not None
    materials = documents.filter(trainings__isnull=False)
    assert 1 <= materials.count() <= 2
    assert materials.exclude(access="public").exists()


def test_a_word_inside_a_demo_pdf_finds_it(seeded):
    # "Khorgos" is in the body of the readmission guide only, not in its metadata.
    guide = Document.objects.get(slug="readmission-agreements-practitioners-guide")
    assert "Khorgos" not in f"{guide.title} {guide.description}"
    results, _facets = selectors.document_search(user=AnonymousUser(), query="Khorgos")
    [found] = list(results)
    assert found == guide
    assert "<mark>Khorgos</mark>" in selectors.document_snippet(found, "Khorgos")


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("консультант", "rukovodstvo-po-reintegratsii"),
        ("işəgötürən", "miqrantlarin-huquqlari-haqqinda"),
        ("الصحية", "dalil-himayat-almuhajirin"),
        ("ღირსეულად", "migrantta-uplebebi-sakhelmdzghvanelo"),
    ],
)
def test_demo_documents_are_found_in_their_own_language(seeded, query, slug):
    # Each word is in the PDF's body only: found through the extracted text.
    assert query not in Document.objects.get(slug=slug).title
    staff = User.objects.create_user("staff-reader", is_staff=True)
    results, _facets = selectors.document_search(user=staff, query=query)
    assert slug in [d.slug for d in results]


def test_second_seed_adds_no_document(seeded, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", participants=0, verbosity=0)
    assert Document.objects.count() == 12
