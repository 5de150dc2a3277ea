"""The demo website: the center's pages (about, mandate, memorandum, Migration School,
contacts) in the header and footer menus, and five news items, some of them tied to a
programme when the demo has programmes.

Idempotent by slug: a page or news item that exists is left alone (staff may have
edited it). English texts, with Russian titles and summaries for some.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from courses.models import Programme
from website.models import NewsItem, Page


@dataclass(frozen=True)
class DemoPage:
    slug: str
    title: str
    summary: str
    body: str
    menu: str
    position: int
    title_ru: str = ""
    summary_ru: str = ""


PAGES: tuple[DemoPage, ...] = (
    DemoPage(
        slug="about",
        title="About the center",
        title_ru="О центре",
        summary="A regional training center on migration management, run by the national "
        "migration service with the International Organization for Migration.",
        summary_ru="Региональный учебный центр по вопросам миграции, созданный национальной "
        "миграционной службой совместно с Международной организацией по миграции.",
        body="""The **Regional Training Center on Migration** (RTCM) trains officials and
practitioners from **Central Asia**, the **Middle East** and the **Eastern Partnership**
on migration management.

## What we do

- trainings against a [regional curriculum](/curriculum/), in person and online;
- an [electronic library](/library/) of publications, legal texts and training materials;
- the [Regional Expert Network](/experts/) of trainers and researchers;
- the Migration School for young people, and the Migration Volunteers.

## How we work

The center was set up under the project *Support to the establishment of the Regional
Training Center on Migration*, implemented with IOM. Read our [mandate](/pages/mandate/)
and the [memorandum of understanding](/pages/memorandum-of-understanding/).
""",
        menu=Page.Menu.HEADER,
        position=0,
    ),
    DemoPage(
        slug="mandate",
        title="Our mandate",
        title_ru="Наш мандат",
        summary="What the center is for, and who it serves.",
        body="""The center builds the capacity of state bodies and civil society to manage
migration in line with international standards and human rights.

### Its tasks

1. Develop and keep a regional curriculum on migration management.
2. Hold trainings, seminars and study visits for officials and practitioners.
3. Keep an electronic library and a network of experts across the three regions.
4. Support research and the exchange of good practice.
""",
        menu=Page.Menu.HEADER,
        position=1,
    ),
    DemoPage(
        slug="memorandum-of-understanding",
        title="Memorandum of understanding",
        summary="The agreement between the national migration service and IOM on the center.",
        body="""The memorandum of understanding between the national migration service and
the International Organization for Migration sets out how the center is governed,
funded and run.

> The Parties shall cooperate in establishing the Regional Training Center on Migration
> as a platform for training, research and the exchange of experience.

The full text is available in the [library](/library/).
""",
        menu=Page.Menu.FOOTER,
        position=2,
    ),
    DemoPage(
        slug="migration-school",
        title="Migration School",
        title_ru="Школа миграции",
        summary="A school for students and young professionals interested in migration.",
        body="""The **Migration School** introduces students and young professionals to
migration policy: migrants' rights, labour migration, counter-trafficking and
migration data.

| | |
|---|---|
| Length | two weeks |
| Language | English and Russian |
| Who | students and young professionals, 18–30 |

Applications open each spring; follow the [news](/news/).
""",
        menu=Page.Menu.HEADER,
        position=3,
    ),
    DemoPage(
        slug="contacts",
        title="Contacts",
        title_ru="Контакты",
        summary="How to reach the center.",
        body="""**Address:** 1 Migration Avenue, the capital.

**E-mail:** [contact@rtcm.local](mailto:contact@rtcm.local)

Or write to us through the [contact form](/contact/).
""",
        menu=Page.Menu.FOOTER,
        position=4,
    ),
)


@dataclass(frozen=True)
class DemoNews:
    slug: str
    title: str
    summary: str
    body: str
    days_ago: int
    programme_index: int | None = None  # which demo programme (by order), if any
    title_ru: str = ""
    summary_ru: str = ""


NEWS: tuple[DemoNews, ...] = (
    DemoNews(
        slug="regional-curriculum-approved",
        title="The regional curriculum is approved",
        title_ru="Региональная учебная программа утверждена",
        summary="Twelve modules, from migrants' rights to migration data, are now the basis "
        "of every training.",
        summary_ru="Двенадцать модулей — от прав мигрантов до миграционных данных — теперь "
        "основа всех тренингов.",
        body="The center's board approved the regional curriculum. Each module has its "
        "learning outcomes, hours and methods. See the [curriculum](/curriculum/).",
        days_ago=40,
        programme_index=0,
    ),
    DemoNews(
        slug="migration-school-opens-applications",
        title="The Migration School opens its applications",
        title_ru="Школа миграции открывает приём заявок",
        summary="Students and young professionals can apply for this year's session.",
        summary_ru="Студенты и молодые специалисты могут подать заявку на участие.",
        body="The Migration School takes thirty students this year. Read more on the "
        "[Migration School](/pages/migration-school/) page.",
        days_ago=21,
        programme_index=1,
    ),
    DemoNews(
        slug="training-on-readmission-held",
        title="A training on readmission for border officials",
        summary="Officials from six countries worked through readmission cases for a week.",
        body="Thirty officials from Central Asia and the Eastern Partnership took part. "
        "Materials are in the [library](/library/).",
        days_ago=14,
        programme_index=0,
    ),
    DemoNews(
        slug="expert-network-grows",
        title="The Regional Expert Network passes one hundred members",
        summary="Trainers and researchers from the three regions joined the network.",
        body="Experts can [apply to join](/experts/apply/) at any time.",
        days_ago=7,
    ),
    DemoNews(
        slug="migration-volunteers-wanted",
        title="Migration Volunteers wanted",
        summary="Help at the registration desk, with interpretation or on social media.",
        body="Volunteers help the center run its trainings and events. "
        "[Apply](/volunteers/apply/) and tell us when you are available.",
        days_ago=2,
        programme_index=1,
    ),
)


def seed_website(*, now: dt.datetime | None = None) -> int:
    """Create the demo pages and news items that do not exist yet; how many were created."""
    now = now or timezone.now()
    created = 0
    existing_pages = set(
        Page.objects.filter(slug__in=[p.slug for p in PAGES]).values_list("slug", flat=True)
    )
    for demo in PAGES:
        if demo.slug in existing_pages:
            continue
        page = Page(
            slug=demo.slug,
            title_en=demo.title,
            summary_en=demo.summary,
            body_en=demo.body,
            status=Page.Status.PUBLISHED,
            menu=demo.menu,
            position=demo.position,
        )
        if demo.title_ru:
            page.title_ru = demo.title_ru
        if demo.summary_ru:
            page.summary_ru = demo.summary_ru
        page.save()
        created += 1
    programmes = list(Programme.objects.filter(is_published=True).order_by("position", "pk")[:2])
    existing_news = set(
        NewsItem.objects.filter(slug__in=[n.slug for n in NEWS]).values_list("slug", flat=True)
    )
    for demo in NEWS:
        if demo.slug in existing_news:
            continue
        programme = None
        if demo.programme_index is not None and programmes:
            programme = programmes[demo.programme_index % len(programmes)]
        item = NewsItem(
            slug=demo.slug,
            title_en=demo.title,
            summary_en=demo.summary,
            body_en=demo.body,
            status=NewsItem.Status.PUBLISHED,
            published_at=now - dt.timedelta(days=demo.days_ago),
            programme=programme,
        )
        if demo.title_ru:
            item.title_ru = demo.title_ru
        if demo.summary_ru:
            item.summary_ru = demo.summary_ru
        item.save()
        created += 1
    return created
