"""The public curriculum: the approved version, archived ones, and the PDF booklet.

The booklet is read back with pdftotext, page by page: each module's section heading
is looked for on every page after the contents, and the contents entry of that module
must name the same page.
"""

import datetime as dt
import re
import subprocess

import factory
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Curriculum, Training
from library.models import Document
from tests.factories import CurriculumFactory, ModuleFactory, TopicFactory, TrainingFactory
from website import curriculum_selectors, curriculum_views

pytestmark = pytest.mark.django_db


class DocumentFactory(factory.django.DjangoModelFactory):
    """A public English publication with an external link (no file to store)."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Library document {n}")
    slug = factory.Sequence(lambda n: f"library-document-{n}")
    language = "en"
    doc_type = Document.Type.PUBLICATION
    access = Document.Access.PUBLIC
    year = 2024
    external_url = factory.Sequence(lambda n: f"https://example.org/documents/{n}")

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)


def approved_curriculum(**kwargs):
    defaults = {
        "title": "Regional curriculum on migration management",
        "version": "2.0",
        "status": Curriculum.Status.APPROVED,
        "approved_on": dt.date(2026, 3, 14),
        "description": "The center's regional curriculum, approved by its board.",
    }
    return CurriculumFactory(**{**defaults, **kwargs})


def archived_curriculum(**kwargs):
    defaults = {
        "title": "Regional curriculum on migration management",
        "version": "1.0",
        "status": Curriculum.Status.ARCHIVED,
        "approved_on": dt.date(2024, 5, 2),
    }
    return CurriculumFactory(**{**defaults, **kwargs})


def curriculum_url():
    return reverse("curriculum:index")


def booklet_url():
    return reverse("curriculum:booklet")


# --- the page ------------------------------------------------------------------------


def test_page_shows_every_module_of_the_approved_version_and_not_the_drafts(client):
    curriculum = approved_curriculum()
    modules = [
        ModuleFactory(
            curriculum=curriculum, position=2, code="RR-02", title="Return and reintegration"
        ),
        ModuleFactory(curriculum=curriculum, position=1, code="MR-01", title="Migrants' rights"),
        ModuleFactory(curriculum=curriculum, position=3, code="BM-03", title="Border management"),
    ]
    draft = CurriculumFactory(title="Next curriculum", version="3.0-draft")
    ModuleFactory(curriculum=draft, code="DR-99", title="Unapproved module")

    response = client.get(curriculum_url())

    assert response.status_code == 200
    text = response.content.decode()
    for module in modules:
        assert module.code in text
        assert module.title.replace("'", "&#x27;") in text
        assert f'href="#module-{module.pk}"' in text  # in the table of contents
        assert f'id="module-{module.pk}"' in text
    assert "DR-99" not in text
    assert "Unapproved module" not in text
    assert "Next curriculum" not in text
    # In their positions' order.
    assert text.index("MR-01") < text.index("RR-02") < text.index("BM-03")
    assert "2.0" in text
    assert "14 March 2026" in text
    assert reverse("curriculum:booklet") in text


def test_module_shows_its_facts_and_outcomes_as_a_list(client):
    curriculum = approved_curriculum()
    topic = TopicFactory(name="Labour migration")
    ModuleFactory(
        curriculum=curriculum,
        code="LM-01",
        title="Labour migration",
        topic=topic,
        hours="7.5",
        summary="Recruitment, contracts and protection abroad.",
        learning_outcomes="Explain fair recruitment\n\n- Draft a bilateral agreement\n",
        delivery_methods="Lectures, case studies",
        audience="Labour inspectors",
    )

    text = client.get(curriculum_url()).content.decode()

    assert "7.5" in text
    assert "Recruitment, contracts and protection abroad." in text
    assert "Lectures, case studies" in text
    assert "Labour inspectors" in text
    assert re.search(r"<li[^>]*>Explain fair recruitment</li>", text)
    assert re.search(r"<li[^>]*>Draft a bilateral agreement</li>", text)


def test_module_links_its_upcoming_and_past_trainings(client):
    curriculum = approved_curriculum()
    module = ModuleFactory(curriculum=curriculum, code="RA-01", title="Readmission")
    other = ModuleFactory(curriculum=curriculum, code="VM-02", title="Vulnerable migrants")
    today = timezone.localdate()
    upcoming = TrainingFactory(
        title="Readmission in practice",
        start_date=today + dt.timedelta(days=20),
        end_date=today + dt.timedelta(days=22),
    )
    past = TrainingFactory(
        title="Readmission basics",
        start_date=today - dt.timedelta(days=60),
        end_date=today - dt.timedelta(days=58),
        status=Training.Status.COMPLETED,
    )
    draft = TrainingFactory(title="Secret draft training", status=Training.Status.DRAFT)
    for training in (upcoming, past, draft):
        training.modules.add(module)

    response = client.get(curriculum_url())

    page_module = next(m for m in response.context["page"].modules if m.pk == module.pk)
    assert page_module.upcoming_trainings == [upcoming]
    assert page_module.past_trainings == [past]
    page_other = next(m for m in response.context["page"].modules if m.pk == other.pk)
    assert page_other.upcoming_trainings == page_other.past_trainings == []
    text = response.content.decode()
    section = text[text.index(f'id="module-{module.pk}"') : text.index(f'id="module-{other.pk}"')]
    upcoming_list = section[section.index("module-upcoming") : section.index("module-past")]
    past_list = section[section.index("module-past") :]
    assert upcoming.get_absolute_url() in upcoming_list
    assert past.get_absolute_url() not in upcoming_list
    assert past.get_absolute_url() in past_list
    assert "Secret draft training" not in text


def test_module_links_public_documents_of_its_topic_and_never_a_staff_only_one(client):
    curriculum = approved_curriculum()
    topic = TopicFactory(name="Counter-trafficking")
    ModuleFactory(curriculum=curriculum, code="CT-01", title="Counter-trafficking", topic=topic)
    public = DocumentFactory(title="Handbook on identifying victims", topics=[topic])
    DocumentFactory(title="Internal staff briefing", topics=[topic], access=Document.Access.STAFF)
    DocumentFactory(title="Members-only toolkit", topics=[topic], access=Document.Access.SIGNED_IN)
    DocumentFactory(title="Unrelated public study", topics=[TopicFactory()])

    text = client.get(curriculum_url()).content.decode()

    assert public.get_absolute_url() in text
    assert "Handbook on identifying victims" in text
    assert "Internal staff briefing" not in text
    assert "Members-only toolkit" not in text
    assert "Unrelated public study" not in text


def test_a_topic_with_many_documents_links_to_the_rest_in_the_library(client):
    curriculum = approved_curriculum()
    topic = TopicFactory(slug="border-management")
    ModuleFactory(curriculum=curriculum, topic=topic)
    DocumentFactory.create_batch(7, topics=[topic])

    response = client.get(curriculum_url())

    assert len(response.context["page"].modules[0].documents) == 5
    assert f"{reverse('library:home')}?topic=border-management" in response.content.decode()


def test_archived_versions_are_listed_as_archived_with_their_own_page(client):
    approved_curriculum()
    old = archived_curriculum(version="1.0")
    ModuleFactory(curriculum=old, code="OLD-01", title="Module of the old version")

    text = client.get(curriculum_url()).content.decode()

    archived = text[text.index("curriculum-archived") :]
    assert reverse("curriculum:version", args=[old.pk]) in archived
    assert "Archived" in archived
    assert "OLD-01" not in text

    response = client.get(reverse("curriculum:version", args=[old.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    notice = page[page.index("curriculum-archived-notice") :]
    assert "Archived version." in notice
    assert f'href="{curriculum_url()}"' in notice
    assert "OLD-01" in page
    assert "Module of the old version" in page


def test_draft_versions_have_no_page_and_the_approved_one_redirects_to_the_index(client):
    draft = CurriculumFactory(status=Curriculum.Status.DRAFT)
    approved = approved_curriculum()

    assert client.get(reverse("curriculum:version", args=[draft.pk])).status_code == 404
    response = client.get(reverse("curriculum:version", args=[approved.pk]))
    assert response.status_code == 302
    assert response["Location"] == curriculum_url()


def test_without_an_approved_curriculum_the_page_says_none_is_published(client):
    CurriculumFactory(status=Curriculum.Status.DRAFT, title="Work in progress")
    old = archived_curriculum()

    response = client.get(curriculum_url())

    assert response.status_code == 200
    text = response.content.decode()
    assert "No curriculum has been published yet." in text
    assert "Work in progress" not in text
    assert reverse("curriculum:version", args=[old.pk]) in text  # the history stays
    assert client.get(booklet_url()).status_code == 404


def test_modules_are_read_in_their_language(client):
    curriculum = approved_curriculum()
    ModuleFactory(curriculum=curriculum, title="Readmission", title_ru="Реадмиссия")

    english = client.get(curriculum_url()).content.decode()
    russian = client.get(curriculum_url(), HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert "Readmission" in english
    assert "Реадмиссия" not in english
    assert "Реадмиссия" in russian


def _fill(curriculum, count):
    today = timezone.localdate()
    for number in range(count):
        topic = TopicFactory()
        module = ModuleFactory(curriculum=curriculum, topic=topic, learning_outcomes="One\nTwo")
        for offset in (-40, 40):
            training = TrainingFactory(
                start_date=today + dt.timedelta(days=offset),
                end_date=today + dt.timedelta(days=offset + 1),
            )
            training.modules.add(module)
        DocumentFactory.create_batch(2, topics=[topic])
        if number % 2:
            archived_curriculum(version=f"0.{number}")


@pytest.mark.parametrize("count", [3, 10])
def test_query_count_does_not_grow_with_the_modules(client, count, django_assert_num_queries):
    curriculum = approved_curriculum()
    _fill(curriculum, count)
    client.get(curriculum_url())  # warm what the site caches once (identity, pages)

    # The curriculum, its modules, their trainings, their topics' documents, archived versions.
    with django_assert_num_queries(5):
        response = client.get(curriculum_url())

    assert len(response.context["page"].modules) == count
    assert all(
        len(m.upcoming_trainings) == len(m.past_trainings) == 1
        for m in response.context["page"].modules
    )


# --- the booklet ---------------------------------------------------------------------


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "booklet.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for n in range(1, count + 1)
    ]


def booklet_curriculum():
    curriculum = approved_curriculum(version="2.1")
    long_outcomes = "\n".join(
        f"Outcome {n}: apply the standard operating procedure step {n}" for n in range(1, 90)
    )
    return curriculum, [
        ModuleFactory(curriculum=curriculum, position=1, code="MR-01", title="Migrants rights"),
        ModuleFactory(
            curriculum=curriculum,
            position=2,
            code="RR-02",
            title="Return and reintegration",
            learning_outcomes=long_outcomes,  # two pages or more: the next ones start later
        ),
        ModuleFactory(curriculum=curriculum, position=3, code="BM-03", title="Border management"),
        ModuleFactory(curriculum=curriculum, position=4, code="LM-04", title="Labour migration"),
    ]


def test_booklet_holds_every_module_and_its_contents_page_numbers_match(client, tmp_path):
    curriculum, modules = booklet_curriculum()

    response = client.get(booklet_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="curriculum-2.1.pdf"'
    pages = pdf_pages(response.content, tmp_path)
    whole = "\n".join(pages)
    for module in modules:
        assert module.code in whole
        assert module.title in whole
    # The cover: the center, the title, the version and the approval date.
    assert "REGIONAL TRAINING CENTER ON MIGRATION" in pages[0].upper()
    assert curriculum.title in " ".join(pages[0].split())
    assert "2.1" in pages[0]
    assert "14 March 2026" in pages[0]

    contents_page = next(n for n, text in enumerate(pages) if "Contents" in text)
    contents = pages[contents_page]
    found_pages = []
    for module in modules:
        heading = re.compile(rf"^\s*{re.escape(module.code)}\s+{re.escape(module.title)}\s*$", re.M)
        on = [n + 1 for n, text in enumerate(pages) if n > contents_page and heading.search(text)]
        assert len(on) == 1, (module.code, on)
        entry = re.search(
            rf"{re.escape(module.code)}\s+{re.escape(module.title)}[ .]*?(\d+)\s*$", contents, re.M
        )
        assert entry, module.code
        assert int(entry.group(1)) == on[0], module.code
        # The footer carries the same number on the section's first page.
        assert re.search(rf"^\s*{on[0]}\s*$", pages[on[0] - 1], re.M)
        found_pages.append(on[0])
    # Each module on a new page, in order; the long one pushes the next one on.
    assert found_pages == sorted(set(found_pages))
    assert found_pages[2] - found_pages[1] >= 2


def test_booklet_follows_the_curriculum_it_is_made_of(client, tmp_path):
    _curriculum, modules = booklet_curriculum()
    first = client.get(booklet_url())
    assert client.get(booklet_url(), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    modules[0].title = "Rights of migrants at work"
    modules[0].save()
    second = client.get(booklet_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]
    assert "Rights of migrants at work" in "\n".join(pdf_pages(second.content, tmp_path))


def test_arabic_booklet_renders_right_to_left_with_the_arabic_titles(client, tmp_path):
    _curriculum, modules = booklet_curriculum()
    modules[0].title_ar = "حقوق المهاجرين"
    modules[0].save()

    response = client.get(booklet_url(), HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    text = "\n".join(pdf_pages(response.content, tmp_path))
    assert "حقوق" in text
    assert "المهاجرين" in text
    assert "MR-01" in text
    # Modules without an Arabic title fall back to English.
    assert "Border management" in text


def test_arabic_booklet_html_is_right_to_left(client):
    booklet_curriculum()
    with translation.override("ar"):
        html = curriculum_views.booklet_html(curriculum_selectors.curriculum_page_approved())
    assert '<html lang="ar" dir="rtl">' in html
    with translation.override("en"):
        html = curriculum_views.booklet_html(curriculum_selectors.curriculum_page_approved())
    assert '<html lang="en" dir="ltr">' in html
