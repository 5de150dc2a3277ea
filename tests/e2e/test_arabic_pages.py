"""The public pages in Arabic, as a reader who picks Arabic in the language switcher sees
them on a phone (390 px) and a laptop (1366 px): right to left, nothing wider than the
screen, and a full-page screenshot of each kept under ``var/screenshots/ar/`` (a CI
artifact: ``.ci/run`` keeps the folder) for a person to look at.

The data is what an Arabic page has to carry: Arabic names, a training title that mixes
Arabic and Latin (organisations' acronyms), a long URL in the description.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from participants import services
from tests.e2e.conftest import PHONE, no_sideways_scrolling
from tests.factories import (
    ParticipantFactory,
    RegistrationFactory,
    SessionFactory,
    TrainingFactory,
    attend,
    past_training,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "ar"
LAPTOP = {"width": 1366, "height": 768}

TITLE_AR = "إعادة القبول وإعادة الإدماج: إجراءات التشغيل الموحدة (SOPs) مع IOM وUNHCR"
TITLE_EN = "Readmission and reintegration: standard operating procedures with IOM and UNHCR"
DESCRIPTION_AR = (
    "دورة للموظفين المعنيين بإعادة القبول ومكافحة الاتجار بالأشخاص. "
    "المراجع: https://www.example.org/publications/readmission-agreements/"
    "standard-operating-procedures-for-the-reintegration-of-returnees-2027.pdf "
    "و Readmission-Agreement-Implementation-Guidelines-For-Border-Officials."
)

# Elements wider than the screen that are meant to be: they scroll inside themselves
# (Bootstrap's .table-responsive, anything with overflow-x auto/scroll/hidden).
TOO_WIDE = """() => {
  const width = window.innerWidth;
  const clippedByAnAncestor = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow !== 'visible') return true;
    }
    return false;
  };
  const found = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.matches('.visually-hidden, .visually-hidden-focusable:not(:focus)')) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;  // not shown (collapsed menu …)
    if (box.left >= -1 && box.right <= width + 1) continue;
    if (clippedByAnAncestor(element)) continue;
    const name = element.tagName.toLowerCase()
      + (element.id ? '#' + element.id : '')
      + (element.classList.length ? '.' + [...element.classList].join('.') : '');
    found.push(`${name} [${Math.round(box.left)}, ${Math.round(box.right)}] `
      + JSON.stringify((element.textContent || '').trim().slice(0, 60)));
  }
  // A word that does not wrap sticks out of a box that itself fits: its text's lines.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (!text.textContent.trim() || clippedByAnAncestor(text)) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    for (const line of range.getClientRects()) {
      if (line.width === 0 || (line.left >= -1 && line.right <= width + 1)) continue;
      found.push(`text in ${text.parentElement.tagName.toLowerCase()} `
        + `[${Math.round(line.left)}, ${Math.round(line.right)}] `
        + JSON.stringify(text.textContent.trim().slice(0, 60)));
      break;
    }
  }
  return found;
}"""


def choose_arabic(page) -> None:
    """Through the language switcher in the navigation bar, as a reader does."""
    page.goto("/")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # the phone's collapsed menu
        toggler.click()
        page.locator("#nav.show").wait_for()
    page.select_option("#language", "ar")
    page.locator("#language ~ button[type=submit]").click()
    page.wait_for_function("document.documentElement.lang === 'ar'")


def the_pages() -> dict[str, str]:
    """Each public page a participant meets, by the name of its screenshot."""
    upcoming = TrainingFactory(
        title=TITLE_EN,
        title_ar=TITLE_AR,
        description_ar=DESCRIPTION_AR,
        venue_city="عمّان",
        venue_country="JO",
        languages=["ar", "en"],
        time_zone="Asia/Amman",
    )
    SessionFactory(
        training=upcoming,
        title="الافتتاح وعرض اتفاقيات إعادة القبول (EU–Jordan Compact)",
        room="القاعة الكبرى، الطابق الثالث",
    )
    TrainingFactory(
        title="Counter-trafficking for border officials",
        title_ar="مكافحة الاتجار بالأشخاص لموظفي الحدود (Frontex/ODIHR)",
        venue_city="Бишкек",
        venue_country="KG",
    )
    registration = RegistrationFactory(
        training=upcoming,
        participant=ParticipantFactory(
            given_name="فاطمة الزهراء",
            family_name="عبد الرحمن الحسيني",
            given_name_latin="Fatima Al-Zahraa",
            family_name_latin="Abdel-Rahman Al-Husseini",
            email="fatima.alhusseini.long.address@interior-ministry.example.org",
            organisation="وزارة الداخلية – مديرية الإقامة والحدود (Residency Directorate)",
            nationality="JO",
            country_of_residence="JO",
            preferred_language="ar",
        ),
    )
    ended = past_training(
        title=TITLE_EN,
        title_ar=TITLE_AR,
        venue_city="الرباط",
        venue_country="MA",
    )
    holder = RegistrationFactory(
        training=ended,
        participant=ParticipantFactory(
            given_name="يوسف",
            family_name="بن علي",
            nationality="MA",
            country_of_residence="MA",
            preferred_language="ar",
        ),
    )
    attend(holder, 4)
    certificate = services.certificate_issue(registration=holder)
    return {
        "home": "/",
        "catalogue": reverse("courses:training_list"),
        "training": upcoming.get_absolute_url(),
        "register": reverse("training_register", kwargs={"slug": upcoming.slug}),
        "manage": registration.get_absolute_url(),
        "verify": reverse("certificates:verify_code", kwargs={"code": certificate.code}),
    }


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
def test_the_public_pages_in_arabic_read_right_to_left_within_the_screen(open_page, viewport):
    pages = the_pages()
    page = open_page(viewport)
    choose_arabic(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        page.screenshot(path=SCREENSHOTS / f"{name}-{viewport['width']}.png", full_page=True)
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl"), name
        if not no_sideways_scrolling(page):
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            problems.append(f"{name}: the page is {widths[0]} px wide in {widths[1]} px")
        problems += [f"{name}: {element}" for element in page.evaluate(TOO_WIDE)]
    assert not problems, "\n".join(problems)


def test_the_arabic_pages_use_an_arabic_font_stack(open_page):
    """Arabic pages name Arabic typefaces first, system ones (the CSP allows no font host),
    and Chromium draws an Arabic and Latin title with typefaces of that list: none is
    missing (no boxes), none picked by the system's last-resort fallback."""
    training = TrainingFactory(title=TITLE_EN, title_ar=TITLE_AR)
    page = open_page(PHONE)
    choose_arabic(page)
    page.goto(training.get_absolute_url())
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    stack = [name.strip("\"' ") for name in family.split(",")]
    assert stack[0] in {"Noto Sans Arabic", "Noto Naskh Arabic"}
    assert {"Geeza Pro", "Segoe UI", "Tahoma"} <= set(stack)
    assert stack[-1] == "sans-serif"
    assert page.inner_text("h1") == TITLE_AR

    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    heading = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": heading})["fonts"]
    assert sum(font["glyphCount"] for font in used) >= len(TITLE_AR.replace(" ", ""))
    assert {font["familyName"] for font in used} <= set(stack), used
