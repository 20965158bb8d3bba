"""'You said' on a phone and a desktop, in English and Urdu: no text cut off at the side.

Checked by measuring every piece of text the browser lays out (its boxes, from
getBoundingClientRect and Range.getClientRects), with the ward tables closed and
opened: nothing runs past the window's edges, nothing is clipped by a box that hides
its overflow unless that box is a focusable scroll region, chart labels stay inside
their chart, and the page itself never scrolls sideways.
"""

import os

import pytest

from engage.extensions import db
from tests.browser.conftest import seed_demo, serve

SHOTS = "/tmp/shots"  # noqa: S108  # screenshots to look at, nothing read back
SIZES = [(390, 844), (1280, 900)]

MEASURE = """
() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const hidden = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const style = getComputedStyle(e);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
      if (style.clipPath !== 'none' || (style.clip && style.clip !== 'auto')) return true;
    }
    return false;
  };
  const scrollRegion = (el) => el.getAttribute('role') === 'region' && el.tabIndex >= 0;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest('script, style, noscript, title, desc') || hidden(el)) continue;
    const svg = el.closest('svg');
    let boxes;
    if (svg) {
      boxes = [el.getBoundingClientRect()];
    } else {
      const range = document.createRange();
      range.selectNodeContents(node);
      boxes = Array.from(range.getClientRects());
    }
    for (const box of boxes) {
      if (box.width === 0 || box.height === 0) continue;
      const span = (b) => `[${Math.round(b.left)}, ${Math.round(b.right)}]`;
      const where = `${name(el)} "${text.slice(0, 40)}" ${span(box)}`;
      let region = null;
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        if (scrollRegion(a)) { region = a; break; }
        const style = getComputedStyle(a);
        if (style.overflowX !== 'visible') {
          const outer = a.getBoundingClientRect();
          if (box.left < outer.left - 1 || box.right > outer.right + 1) {
            problems.push(`${where} clipped by ${name(a)}.${a.className}`);
          }
        }
      }
      if (svg) {
        const frame = svg.getBoundingClientRect();
        if (box.left < frame.left - 1 || box.right > frame.right + 1) {
          problems.push(`${where} runs out of its chart ${span(frame)}`);
        }
      }
      // A scroll region holds table cells only: a caption or heading scrolled out of
      // sight inside it is cut off on a phone.
      if (region && !el.closest('th, td')) {
        problems.push(`${where} inside a scroll region, outside the table's cells`);
      }
      if (!region && (box.left < -1 || box.right > width + 1)) {
        problems.push(`${where} past the window's edge (${width})`);
      }
    }
  }
  return {
    problems,
    width,
    scrollWidth: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  };
}
"""


def seed_demo_with_answers(app) -> None:
    """The demo (its four questions on the public page) with 600 synthetic responses."""
    from engage.demo.synthetic import seed_synthetic
    from engage.partnership.services import current_partnership
    from engage.questionnaire.services import current_version, questionnaire_for

    seed_demo(app)
    version = current_version(questionnaire_for(current_partnership()))
    seed_synthetic(version, 600, seed=4)
    db.session.commit()


@pytest.fixture(scope="module")
def answered_server(tmp_path_factory):
    yield from serve(tmp_path_factory, seed_demo_with_answers)


@pytest.mark.parametrize("lang", ["en", "ur"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}px")
def test_no_text_is_cut_off_on_a_phone_or_a_desktop(answered_server, browser, size, lang):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    page.goto(f"{answered_server.url}/you-said?lang={lang}")
    os.makedirs(SHOTS, exist_ok=True)
    try:
        assert page.locator("section.engage-said").count() == 4
        assert page.locator("svg.engage-answer-chart").count() == 4
        closed = page.evaluate(MEASURE)
        page.screenshot(path=f"{SHOTS}/you_said_{lang}_{size[0]}.png", full_page=True)
        for summary in page.locator("summary").all():
            summary.click()
        opened = page.evaluate(MEASURE)
        page.screenshot(path=f"{SHOTS}/you_said_{lang}_{size[0]}_open.png", full_page=True)
    finally:
        context.close()
    for measured in (closed, opened):
        assert measured["problems"] == []
        assert measured["scrollWidth"] == measured["width"] == size[0]
    # Opening the figures shows the ward tables in their scroll boxes.
    assert opened["height"] > closed["height"]
