"""The results pages on a phone (390 px) and a laptop (1280 px): no text runs off the
screen or is cut off by a box, measured from the laid-out page (element boxes), not by
eye. The demo is seeded with a year of synthetic responses, so every chart has bars,
the cross-tab has six ward columns and the trend's last month is not over yet."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from engage.demo.synthetic import seed_synthetic
from engage.partnership.services import current_partnership
from engage.questionnaire.services import current_version, questionnaire_for
from tests.browser.conftest import seed_demo, serve
from tests.browser.test_axe_crawl import sign_in

SHOTS = Path("/tmp/shots")  # noqa: S108  # screenshots to look at, nothing read back
VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 900)}
PAGES = {
    "overview": "/results/",
    "crosstab": "/results/crosstab?row=safe_after_dark&column=ward",
    "trend-month": "/results/trend?code=influence_decisions&period=month",
    "trend-week": "/results/trend?code=influence_decisions&period=week",
    "trend-gaps": "/results/trend?code=area_rating&period=week",  # every mean hidden
}

# Every piece of text that is drawn, with the box it takes: a range over each text node
# (a <text> or <tspan> box inside a chart). Hidden text (closed, visually hidden, a
# chart's <title>) has no box or is skipped. For each, what it runs past: the viewport,
# or an ancestor that hides or scrolls its overflow and is not a focusable scroll region
# (text in such a region may scroll out of sight: the region itself must fit).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const skip = 'title, option, script, style, .govuk-visually-hidden, .govuk-skip-link';
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest(skip)) continue;
    let box;
    if (element.closest('svg')) {
      box = element.getBoundingClientRect();
    } else {
      const range = document.createRange();
      range.selectNodeContents(node);
      box = range.getBoundingClientRect();
    }
    if (box.width === 0 || box.height === 0) continue;
    const text = node.textContent.trim().slice(0, 40);
    const inRegion = element.closest('[role=region][tabindex="0"]');
    if (!inRegion && (box.left < -0.5 || box.right > width + 0.5)) {
      problems.push(`"${text}" runs past the screen: ${box.left}-${box.right} of ${width}`);
    }
    for (let box_of = element.parentElement; box_of && box_of !== document.body;
         box_of = box_of.parentElement) {
      const style = getComputedStyle(box_of);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const edge = box_of.getBoundingClientRect();
      if (box.left >= edge.left - 0.5 && box.right <= edge.right + 0.5) continue;
      const region = box_of.getAttribute('role') === 'region'
        && box_of.getAttribute('tabindex') === '0';
      if (!region) {
        problems.push(`"${text}" is cut off by <${box_of.tagName.toLowerCase()}`
          + ` class="${box_of.className}">`);
      }
    }
  }
  // A focusable scroll region may scroll its table, but must itself fit the screen.
  const regions = Array.from(document.querySelectorAll('[role=region][tabindex="0"]')).map(
    r => ({label: r.getAttribute('aria-labelledby'), scrolls: r.scrollWidth > r.clientWidth,
           fits: r.getBoundingClientRect().right <= width + 0.5}));
  return {problems, regions, width, scrollWidth: document.documentElement.scrollWidth,
          height: document.documentElement.scrollHeight};
}"""


def seed_with_responses(app) -> None:
    seed_demo(app)
    with app.app_context():
        seed_synthetic(current_version(questionnaire_for(current_partnership())), 3000, seed=19)


@pytest.fixture(scope="module")
def results_server(tmp_path_factory):
    """The demo with 3,000 synthetic responses over the past year."""
    yield from serve(tmp_path_factory, seed_with_responses)


@pytest.fixture(scope="module")
def analyst(results_server, browser):
    """A signed-in analyst's browser context, shared by this module's tests."""
    context = browser.new_context()
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, results_server.url, "analyst@demo.engage.test")
    yield page
    context.close()


def measured(page, url: str, viewport: str, name: str) -> dict:
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    page.goto(url)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"results-{name}-{width}.png"), full_page=True)
    chart = page.locator("figure:has(svg[role=img])").last
    chart.screenshot(path=str(SHOTS / f"results-{name}-{width}-chart.png"))
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", PAGES)
def test_no_text_is_cut_off_on_a_phone_or_a_laptop(results_server, analyst, name, viewport):
    found = measured(analyst, results_server.url + PAGES[name], viewport, name)

    assert found["problems"] == [], "\n".join(found["problems"])
    assert found["scrollWidth"] == found["width"]  # the page itself never scrolls sideways
    assert all(r["fits"] for r in found["regions"]), found["regions"]
    if viewport == "laptop":  # there, even the cross-tab's tables fit their column
        assert not [r for r in found["regions"] if r["scrolls"]], found["regions"]


def test_the_trend_is_a_line_with_the_unfinished_month_marked(results_server, analyst):
    measured(analyst, results_server.url + PAGES["trend-month"], "laptop", "trend-line")

    chart = analyst.locator("svg[role=img]")
    assert chart.locator("line[stroke-dasharray]").count() == 1  # into the last month only
    assert "is not over yet: n = " in analyst.locator("#trend-partial").inner_text()
    # Months as a reader says them, beside the points, not "Month from 2025-12-01".
    assert chart.locator("text", has_text="Dec").count() >= 1
    assert "Month from" not in analyst.content()


def test_the_overview_lists_its_sections_and_shows_only_the_questions_picked(
    results_server, analyst
):
    analyst.set_viewport_size({"width": 1280, "height": 900})
    analyst.goto(results_server.url + PAGES["overview"])
    contents = analyst.locator("nav.engage-contents")
    assert contents.get_by_role("heading", name="Feeling safe").is_visible()
    contents.get_by_role("link", name="Do you have a smoke alarm that works in your home?").click()
    assert analyst.url.endswith("#q-smoke_alarm")

    analyst.locator("#filter-question summary").click()
    analyst.get_by_role(
        "checkbox", name="Do you have a smoke alarm that works in your home?"
    ).check()
    analyst.get_by_role("button", name="Apply filters").click()

    expect(analyst.locator("section[aria-labelledby^='q-']")).to_have_count(1)
    assert "question=smoke_alarm" in analyst.get_by_role(
        "link", name="Download these figures (CSV)"
    ).get_attribute("href")
