"""axe-core in a real browser on every kind of public page, on a phone (390 px) and a laptop
(1366 px): no violation of serious or critical impact, and nothing wider than the screen.

axe-core is the npm package, installed by ``make e2e-deps`` (``.ci/run`` runs it) under
``var/node/``; without it the tests are skipped, except under ``CI=true``. The pages carry
what a real site carries: the center's identity with a partner's logo in the header, a
programme with its donor, a published news item, an approved curriculum with a module, a
training of the programme.

The browser context bypasses the CSP for axe's own script only (``add_script_tag`` inlines
it); tests/core/test_security_headers.py checks the CSP itself.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse

from courses.models import Curriculum, ProgrammeOrganisation
from tests.e2e.conftest import PHONE, _migrations_rows_back, no_sideways_scrolling
from tests.factories import CurriculumFactory, ModuleFactory, SessionFactory, TrainingFactory
from tests.website.factories import NewsItemFactory, OrganisationFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = (
    Path(__file__).resolve().parents[2]
    / "var"
    / "node"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)
LAPTOP = {"width": 1366, "height": 768}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
BLOCKING = ("serious", "critical")
# WCAG 2.1 A and AA, and axe's best practices (landmarks, one h1, …).
AXE_RUN = """async () => {
  const results = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
    resultTypes: ['violations'],
  });
  return results.violations.map((violation) => ({
    id: violation.id, impact: violation.impact, help: violation.help,
    nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ') + ' — '
      + (node.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)),
  }));
}"""


def png_logo(colour=(200, 16, 46)) -> ContentFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (160, 60), colour).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="logo.png")


@pytest.fixture(scope="module")
def axe_source() -> Path:
    if not AXE.is_file():
        reason = "needs axe-core (make e2e-deps: npm install under var/node)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: the accessibility tests must run, but they {reason}")
        pytest.skip(reason)
    return AXE


@pytest.fixture
def axe_page(browser, live_server, axe_source):
    """``axe_page(viewport)``: a fresh context whose pages may take axe's inline script."""
    _migrations_rows_back()
    contexts = []

    def make(viewport):
        context = browser.new_context(viewport=viewport, base_url=live_server.url, bypass_csp=True)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def site_content() -> dict[str, str]:
    """The rows the public pages show, and the pages' URLs by name."""
    partner = OrganisationFactory(
        name="International Organization for Migration",
        short_name="IOM",
        slug="iom",
        show_in_header=True,
    )
    partner.logo.save("iom.png", png_logo(), save=True)
    programme = ProgrammeFactory(
        title="Support to the establishment of the Regional Training Center on Migration",
        slug="establishment",
        summary="The project that set up the center.",
        description="The center's founding project, with **IOM**.",
    )
    ProgrammeOrganisation.objects.create(
        programme=programme, organisation=partner, role=ProgrammeOrganisation.Role.DONOR
    )
    news = NewsItemFactory(title="The center opens its doors", slug="opening", programme=programme)
    curriculum = CurriculumFactory(status=Curriculum.Status.APPROVED)
    module = ModuleFactory(curriculum=curriculum, code="M01", title="Migrants' rights")
    training = TrainingFactory(title="Readmission and reintegration", programme=programme)
    training.modules.add(module)
    SessionFactory(training=training)
    pages = {
        "home": "/",
        "trainings": reverse("courses:training_list"),
        "training": training.get_absolute_url(),
        "news": reverse("website:news_list"),
        "news-item": reverse("website:news_detail", kwargs={"slug": news.slug}),
        "partners": reverse("website:partners"),
        "contact": reverse("website:contact"),
    }
    for name, url_name, kwargs in (
        ("programmes", "programmes:list", {}),
        ("programme", "programmes:detail", {"slug": programme.slug}),
        ("curriculum", "curriculum:index", {}),
        ("volunteers", "volunteers:index", {}),
        ("volunteer-apply", "volunteers:apply", {}),
    ):
        try:
            pages[name] = reverse(url_name, kwargs=kwargs)
        except NoReverseMatch:
            if os.environ.get("CI") == "true":
                raise
    return pages


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return [v for v in page.evaluate(AXE_RUN) if v["impact"] in BLOCKING]


def describe(name: str, violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{name}: [{violation['impact']}] {violation['id']}: {violation['help']}")
        lines += [f"    {node}" for node in violation["nodes"]]
    return "\n".join(lines)


@VIEWPORTS
def test_the_public_pages_have_no_serious_or_critical_axe_violation(axe_page, viewport):
    pages = site_content()
    page = axe_page(viewport)
    problems = []
    for name, url in pages.items():
        response = page.goto(url)
        assert response.status == 200, f"{name}: {url} answered {response.status}"
        violations = axe_violations(page)
        if violations:
            problems.append(describe(name, violations))
        if not no_sideways_scrolling(page):
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            problems.append(f"{name}: the page is {widths[0]} px wide in {widths[1]} px")
    assert not problems, "\n".join(problems)


@VIEWPORTS
def test_the_header_shows_the_identity_and_the_partners_logo(axe_page, viewport):
    site_content()
    # The header's partners are cached under one key; on the stack (Redis) another xdist
    # worker's test may have cached its own (empty) list a moment ago: read them afresh.
    from courses.context_processors import header_partners_forget

    header_partners_forget()
    page = axe_page(viewport)
    page.goto("/")
    # The emblem and the name, the partner's logo named by its alt text.
    assert page.locator(".site-brand img.site-emblem").is_visible()
    assert page.get_by_role("img", name="International Organization for Migration").is_visible()
    logo = page.evaluate(
        "fetch(document.querySelector('.site-partners img').src).then(r => r.status)"
    )
    assert logo == 200
    # The navigation bar in the identity's navy, its links white: far above 4.5:1.
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        page.locator("#nav.show").wait_for()
    colours = page.evaluate(
        """() => [getComputedStyle(document.querySelector('.site-nav')).backgroundColor,
                  getComputedStyle(document.querySelector('.site-nav .nav-link')).color]"""
    )
    assert colours == ["rgb(18, 53, 91)", "rgb(255, 255, 255)"]
    assert no_sideways_scrolling(page)


@VIEWPORTS
def test_a_visitor_sends_the_contact_form_and_sees_the_done_page(axe_page, viewport):
    page = axe_page(viewport)
    page.goto(reverse("website:contact"))
    page.get_by_label("Your name").fill("Гульнара Абдуллаева")
    page.get_by_label("Your e-mail address").fill("gulnara@example.org")
    page.get_by_label("Subject").fill("A training for our ministry")
    page.get_by_label("Message").fill(
        "Could the center hold a training on readmission for our staff?"
    )
    page.get_by_role("button", name="Send the message").click()
    page.wait_for_url("**/contact/sent/")
    assert page.get_by_role("heading", name="Thank you for your message").is_visible()
    violations = axe_violations(page)
    assert not violations, describe("contact done", violations)
    from website.models import ContactMessage

    assert ContactMessage.objects.filter(email="gulnara@example.org", is_copy=False).exists()
