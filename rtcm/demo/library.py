"""The demo library: a dozen documents as real PDFs, in the center's languages.

Each document is rendered from a little HTML by WeasyPrint (``render_pdf``, the
same renderer as certificates), then stored through ``library.services.
document_create`` like any librarian's upload: the file is checked, kept under
a random name, and its text extraction is queued (in-process in the embedded
mode, once the seed's transaction commits), so that search finds words inside
the files out of the box.

Idempotent: a document whose slug exists is left alone. Renders are cached per
process (a PDF depends on its text alone), so seeding twice renders once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from courses.models import Topic, Training
from library.models import Document
from rtcm.core.pdf import is_rtl, render_pdf

Section = tuple[str, tuple[str, ...]]  # heading, paragraphs: one page each


@dataclass(frozen=True)
class DemoDocument:
    slug: str
    title: str
    authors: str
    publisher: str
    year: int
    language: str
    doc_type: str
    access: str
    topics: tuple[str, ...]
    description: str
    sections: tuple[Section, ...]
    material: bool = False  # attached to a demo training


IOM = "International Organization for Migration"
RTCM = "Regional Training Center on Migration"

DOCUMENTS: tuple[DemoDocument, ...] = (
    DemoDocument(
        slug="readmission-agreements-practitioners-guide",
        title="Readmission agreements: a practitioner's guide",
        authors="Aigerim Nurlanovna, Thomas Keller",
        publisher=IOM,
        year=2024,
        language="en",
        doc_type="publication",
        access="public",
        topics=("readmission", "migrants-rights"),
        description="How readmission agreements and their implementing protocols work in "
        "practice, from the request to the handover at the border.",
        sections=(
            (
                "1. What a readmission agreement does",
                (
                    "A readmission agreement sets out how a state takes back its own "
                    "nationals, and under conditions third-country nationals, who do not or "
                    "no longer meet the conditions of entry or stay in another state.",
                    "The agreement itself is short. The work happens under its implementing "
                    "protocols: which authority receives a request, which documents prove "
                    "nationality, and how many days each side has to answer.",
                    "Officials should read the agreement together with the protocol in force "
                    "with the requesting state: time limits differ from one protocol to "
                    "another.",
                ),
            ),
            (
                "2. From the request to the handover",
                (
                    "The requesting authority sends the readmission application with copies "
                    "of the identity documents. Where no document exists, interview records "
                    "or fingerprints may establish nationality.",
                    "Once the request is accepted, the handover is arranged at an agreed "
                    "crossing point — at the Khorgos crossing in one of our case studies — "
                    "with an escort list and the person's belongings inventoried.",
                ),
            ),
            (
                "3. Rights of the person returned",
                (
                    "Readmission never suspends the principle of non-refoulement. Any claim "
                    "of a risk of serious harm must be assessed before the handover.",
                    "Children, victims of trafficking and people with health needs are "
                    "referred to the competent services on arrival.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="rukovodstvo-po-reintegratsii",
        title="Руководство по реинтеграции возвращающихся мигрантов",
        authors="Ольга Сергеевна Петренко",
        publisher=RTCM,
        year=2023,
        language="ru",
        doc_type="training_material",
        access="public",
        topics=("return-and-reintegration",),
        description="Практическое пособие для консультантов по реинтеграции: оценка "
        "потребностей, индивидуальный план и сеть направлений.",
        sections=(
            (
                "Введение",
                (
                    "Устойчивая реинтеграция означает, что вернувшийся человек достиг "
                    "экономической самостоятельности, социальной стабильности и "
                    "психосоциального благополучия.",
                    "Консультант начинает с оценки потребностей: жильё, доход, здоровье, "
                    "документы, семья.",
                ),
            ),
            (
                "Индивидуальный план реинтеграции",
                (
                    "План составляется вместе с человеком и пересматривается через три и "
                    "шесть месяцев. Микрогранты выдаются только после обучения основам "
                    "предпринимательства.",
                    "Сеть направлений включает службы занятости, медицинские учреждения и "
                    "неправительственные организации региона.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="miqrantlarin-huquqlari-haqqinda",
        title="Miqrantların hüquqları haqqında məlumat kitabçası",
        authors="Ləman Məmmədova",
        publisher="Dövlət Miqrasiya Xidməti",
        year=2022,
        language="az",
        doc_type="publication",
        access="public",
        topics=("migrants-rights",),
        description="Əcnəbilər və vətəndaşlığı olmayan şəxslər üçün əsas hüquqlar və "
        "müraciət qaydaları.",
        sections=(
            (
                "Əsas hüquqlar",
                (
                    "Hər bir miqrant, statusundan asılı olmayaraq, insan ləyaqətinə hörmət, "
                    "tibbi yardım və hüquqi məsləhət almaq hüququna malikdir.",
                    "Müraciətlər Dövlət Miqrasiya Xidmətinin regional idarələrinə və ya "
                    "elektron qaydada təqdim edilə bilər.",
                    "Əmək müqaviləsi bağlanarkən işəgötürən müqavilənin surətini miqranta "
                    "onun başa düşdüyü dildə verməlidir.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="dalil-himayat-almuhajirin",
        title="دليل حماية المهاجرين في أوضاع هشة",
        authors="ليلى حداد",
        publisher=IOM,
        year=2024,
        language="ar",
        doc_type="publication",
        access="public",
        topics=("vulnerable-migrants",),
        description="دليل عملي لتحديد المهاجرين في أوضاع هشة ومساعدتهم "
        "وإحالتهم إلى الخدمات المختصة.",
        sections=(
            (
                "تحديد الحالات",
                (
                    "يشمل المهاجرون في أوضاع هشة الأطفال غير المصحوبين والناجين من العنف "
                    "والأشخاص ذوي الاحتياجات الصحية.",
                    "يجب على الموظفين طرح أسئلة بسيطة وبلغة يفهمها الشخص، وتوفير مترجم عند الحاجة.",
                ),
            ),
            (
                "الإحالة والمساعدة",
                (
                    "تتم الإحالة إلى الخدمات الصحية والقانونية والاجتماعية وفق آلية إحالة "
                    "وطنية متفق عليها.",
                    "تحفظ سرية المعلومات الشخصية في جميع مراحل المساعدة.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="migrantta-uplebebi-sakhelmdzghvanelo",
        title="მიგრანტთა უფლებები: სახელმძღვანელო საჯარო მოხელეებისთვის",
        authors="ნინო ბერიძე",
        publisher="საქართველოს შინაგან საქმეთა სამინისტრო",
        year=2023,
        language="ka",
        doc_type="training_material",
        access="signed_in",
        topics=("migrants-rights",),
        description="სასწავლო მასალა საჯარო მოხელეებისთვის მიგრანტთა უფლებების შესახებ.",
        sections=(
            (
                "შესავალი",
                (
                    "ყველა მიგრანტს აქვს უფლება, რომ მას მოეპყრონ ღირსეულად, მიუხედავად მისი "
                    "სამართლებრივი სტატუსისა.",
                    "მოხელემ უნდა განუმარტოს პირს მისი უფლებები მისთვის გასაგებ ენაზე.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="fair-recruitment-regional-review-2024",
        title="Fair recruitment of migrant workers: regional review 2024",
        authors="Dilnoza Karimova, Samir Haddad",
        publisher=RTCM,
        year=2024,
        language="en",
        doc_type="research",
        access="public",
        topics=("labour-migration",),
        description="A review of recruitment practices along the corridors from Central Asia "
        "and the South Caucasus, with recommendations for licensing and inspection.",
        sections=(
            (
                "Findings",
                (
                    "Recruitment fees charged to workers remain the main driver of debt "
                    "bondage along the corridors we reviewed.",
                    "Licensing of private employment agencies exists everywhere, but "
                    "inspections are rare and penalties seldom applied.",
                ),
            ),
            (
                "Recommendations",
                (
                    "Apply the employer-pays principle; publish the list of licensed "
                    "agencies; give workers a standard contract in their own language before "
                    "departure.",
                    "Pre-departure orientation should cover wage protection and where to "
                    "complain abroad.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="border-management-human-rights-trainers-notes",
        title="Border management and human rights: trainer's notes",
        authors="RTCM training team",
        publisher=RTCM,
        year=2025,
        language="en",
        doc_type="training_material",
        access="staff",
        topics=("border-management", "migrants-rights"),
        description="Session plans and exercises for the border management module, for trainers.",
        sections=(
            (
                "Session plan",
                (
                    "Day one opens with a role play at a simulated second-line check: "
                    "participants interview a traveller whose documents raise doubts.",
                    "Debrief on proportionality, the right to information and referral to "
                    "asylum procedures.",
                ),
            ),
        ),
        material=True,
    ),
    DemoDocument(
        slug="identifying-victims-of-trafficking-checklist",
        title="Identifying victims of trafficking at the border: checklist",
        authors="Maria Ionescu",
        publisher=IOM,
        year=2023,
        language="en",
        doc_type="training_material",
        access="signed_in",
        topics=("counter-trafficking", "border-management"),
        description="A one-page checklist of indicators for first-line officers.",
        sections=(
            (
                "Indicators",
                (
                    "The person does not hold their own passport; someone else answers for "
                    "them; the story seems rehearsed; they show signs of fear or injury.",
                    "If several indicators are present, separate the person from companions "
                    "and call the national referral hotline.",
                ),
            ),
        ),
        material=True,
    ),
    DemoDocument(
        slug="natsionalnaya-strategiya-migratsionnoy-politiki",
        title="Национальная стратегия в области миграционной политики: обзор",
        authors="Нурлан Абдуллаев",
        publisher="Министерство внутренних дел",
        year=2021,
        language="ru",
        doc_type="legal",
        access="public",
        topics=("labour-migration", "migration-data"),
        description="Краткий обзор национальной стратегии, её целей и механизмов мониторинга.",
        sections=(
            (
                "Цели стратегии",
                (
                    "Стратегия ставит целью упорядочить трудовую миграцию, защитить права "
                    "трудовых мигрантов за рубежом и улучшить сбор миграционной статистики.",
                    "Мониторинг выполнения проводится ежегодно межведомственной рабочей группой.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="migration-data-central-asia-2025",
        title="Migration data in Central Asia: annual report 2025",
        authors="Regional data unit",
        publisher=RTCM,
        year=2025,
        language="en",
        doc_type="report",
        access="public",
        topics=("migration-data",),
        description="Flows, stocks and remittances across Central Asia, with notes on "
        "sources and comparability.",
        sections=(
            (
                "Overview",
                (
                    "Labour emigration remained the dominant flow, with remittances above "
                    "a fifth of GDP in two countries of the region.",
                    "Administrative data from border crossings and consular registers were "
                    "combined with household surveys.",
                ),
            ),
            (
                "Sources and comparability",
                (
                    "Definitions of a migrant differ between national statistics offices; "
                    "the annex lists them and the adjustments made.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="emek-miqrasiyasi-ikiterefli-sazisler",
        title="Əmək miqrasiyası üzrə ikitərəfli sazişlər",
        authors="Rəşad Əliyev",
        publisher="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
        year=2022,
        language="az",
        doc_type="legal",
        access="signed_in",
        topics=("labour-migration",),
        description="Əmək miqrasiyası sahəsində bağlanmış ikitərəfli sazişlərin icmalı.",
        sections=(
            (
                "Sazişlərin məzmunu",
                (
                    "İkitərəfli sazişlər işçilərin seçilməsi, əmək haqqının qorunması və "
                    "sosial təminat məsələlərini tənzimləyir.",
                    "Hər saziş üzrə birgə komissiya ildə bir dəfə toplanır.",
                ),
            ),
        ),
    ),
    DemoDocument(
        slug="reintegration-counselling-internal-evaluation",
        title="Reintegration counselling: internal evaluation",
        authors="Evaluation unit",
        publisher=RTCM,
        year=2025,
        language="en",
        doc_type="report",
        access="staff",
        topics=("return-and-reintegration",),
        description="Internal evaluation of the reintegration counselling pilot.",
        sections=(
            (
                "Summary",
                (
                    "Counsellors met 412 returnees over eighteen months. Follow-up at six "
                    "months was reached for two thirds of them.",
                    "Caseloads above forty per counsellor lowered the quality of plans.",
                ),
            ),
        ),
    ),
)

PDF_CSS = """
@page { size: A4; margin: 22mm 20mm; @bottom-center { content: counter(page); font-size: 9pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.5; }
h1 { font-size: 18pt; margin: 0 0 4mm; }
.meta { color: #555; font-size: 10pt; margin-bottom: 8mm; }
section + section { break-before: page; }
h2 { font-size: 13pt; margin-top: 6mm; }
[dir="rtl"] { text-align: right; }
"""


def document_html(document: DemoDocument) -> str:
    direction = "rtl" if is_rtl(document.title) else "ltr"
    sections = "".join(
        f"<section><h2>{escape(heading)}</h2>"
        + "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
        + "</section>"
        for heading, paragraphs in document.sections
    )
    return (
        f'<!doctype html><html lang="{document.language}" dir="{direction}"><head>'
        f'<meta charset="utf-8"><title>{escape(document.title)}</title>'
        f"<style>{PDF_CSS}</style></head><body>"
        f"<h1>{escape(document.title)}</h1>"
        f'<p class="meta">{escape(document.authors)} · {escape(document.publisher)} · '
        f"{document.year}</p>{sections}</body></html>"
    )


@functools.cache
def document_pdf(slug: str) -> bytes:
    """The PDF of one demo document (rendered once per process)."""
    document = next(item for item in DOCUMENTS if item.slug == slug)
    return render_pdf(document_html(document))


def demo_training() -> Training | None:
    """The training the demo materials belong to: the first open one, else the latest."""
    trainings = Training.objects.exclude(status__in=["draft", "cancelled"])
    return (
        trainings.filter(status="open").order_by("start_date", "pk").first()
        or trainings.order_by("-start_date", "pk").first()
    )


def seed_library() -> int:
    """Store the demo documents that are missing; return how many were added."""
    from library.services import document_create

    existing = set(
        Document.objects.filter(slug__in=[item.slug for item in DOCUMENTS]).values_list(
            "slug", flat=True
        )
    )
    missing = [item for item in DOCUMENTS if item.slug not in existing]
    if not missing:
        return 0
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    training = demo_training()
    for item in missing:
        # The original name people download under: the title, in its own script.
        name = f"{item.title.replace(':', '').replace('/', ' ')}.pdf"
        upload = SimpleUploadedFile(name, document_pdf(item.slug), content_type="application/pdf")
        document_create(
            data={
                "slug": item.slug,
                "title": item.title,
                "description": item.description,
                "authors": item.authors,
                "publisher": item.publisher,
                "year": item.year,
                "language": item.language,
                "doc_type": item.doc_type,
                "access": item.access,
            },
            uploaded_file=upload,
            topics=[topics[slug] for slug in item.topics if slug in topics],
            trainings=[training] if item.material and training else [],
            actor=None,
        )
    return len(missing)
