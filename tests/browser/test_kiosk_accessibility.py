"""WCAG 2.2 AA in a real browser: axe-core scans in every language, the keyboard alone,
reflow at 320 px, visible focus and 44 px touch targets."""

import pytest

from tests.browser.kiosk import SECTION, answer_section, axe_violations, complete_survey

LANGUAGES = ["en", "pl", "ur"]

# A focus indicator: an outline or box shadow on the element, or, for GOV.UK radios and
# checkboxes (whose real input is transparent), the ring drawn on the label's ::before.
FOCUS_VISIBLE = r"""() => {
  const el = document.activeElement;
  const shown = style => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && !/^rgba\(.*,\s*0\)$/.test(style.outlineColor) && style.outlineColor !== 'transparent')
    || style.boxShadow !== 'none';
  if (el.type === 'radio' || el.type === 'checkbox') {
    return shown(getComputedStyle(el.labels[0], '::before'));
  }
  return shown(getComputedStyle(el));
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  return {tag: el.tagName, type: el.type || '', name: el.name || '',
          kiosk: Object.keys(el.dataset).join(' '),
          groupChecked: el.name ? Array.from(document.getElementsByName(el.name))
            .some(other => other.checked) : false};
}"""

SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'a, button, input:not([type=hidden]), select, textarea'))
  .filter(el => el.offsetParent !== null && !el.closest('.govuk-skip-link, dialog'))
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width < 44 || box.height < 44)
  .map(([el, box]) => `${el.tagName} ${el.name || el.textContent.trim()}: `
    + `${Math.round(box.width)}x${Math.round(box.height)}`)"""


def check(page, where: str, problems: list[str]) -> None:
    problems.extend(f"{where}: {v}" for v in axe_violations(page))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_axe_finds_no_violations_on_any_kiosk_screen(live_server, event, page, lang):
    problems: list[str] = []
    page.goto(live_server.kiosk(event) + ("" if lang == "en" else f"?lang={lang}"))
    check(page, "start", problems)
    page.goto(live_server.kiosk(event, f"{lang}/"))
    page.locator("[data-kiosk-next]").click()
    page.locator(".govuk-error-summary").wait_for()
    check(page, "error state", problems)
    page.goto(live_server.kiosk(event, f"{lang}/"))
    sections = [0]

    def scan(page):
        sections[0] += 1
        check(page, f"section {sections[0]}", problems)

    complete_survey(page, each_section=scan)
    assert sections[0] == 8
    check(page, "thank-you", problems)
    page.goto(live_server.kiosk(event, f"{lang}/thanks"))
    check(page, "thank-you page", problems)
    page.goto(f"{live_server.url}/survey/?lang={lang}")
    check(page, "/survey", problems)
    assert problems == []


def test_survey_can_be_completed_with_the_keyboard_alone(live_server, event, page):
    page.goto(live_server.kiosk(event))
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.hreflang") == "en":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.kiosk(event, "en/"))
    unfocused: list[str] = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not page.evaluate(FOCUS_VISIBLE):
            unfocused.append(str(focused))
        if focused["type"] == "radio" and not focused["groupChecked"]:
            page.keyboard.press("Space")
            if focused["name"] == "q-ward":
                page.keyboard.press("ArrowDown")  # arrows move the choice within a group
        elif focused["type"] == "checkbox" and not focused["groupChecked"]:
            page.keyboard.press("Space")
        elif "kioskNext" in focused["kiosk"]:
            page.keyboard.press("Enter")
        elif "kioskSubmit" in focused["kiosk"]:
            page.keyboard.press("Enter")
            page.locator("[data-kiosk-thanks]").wait_for(state="visible")
            break
    assert page.locator("[data-kiosk-thanks]").is_visible()
    assert unfocused == []
    [response] = live_server.responses(event)
    assert response.area_code == "hollins_park"  # the second ward, chosen with ArrowDown


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_kiosk_reflows_at_320_pixels_with_large_targets(live_server, event, browser, lang):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    wide = "document.documentElement.scrollWidth"
    page.goto(live_server.kiosk(event) + f"?lang={lang}")
    assert page.evaluate(wide) <= 320
    assert page.evaluate(SMALL_TARGETS) == []
    page.goto(live_server.kiosk(event, f"{lang}/"))
    for _ in range(8):
        assert page.evaluate(wide) <= 320, page.locator(SECTION).locator("h2").inner_text()
        assert page.evaluate(SMALL_TARGETS) == []
        answer_section(page)
        if not page.locator("[data-kiosk-next]").is_visible():
            break
        page.locator("[data-kiosk-next]").click()
    page.goto(f"{live_server.url}/survey/?lang={lang}")
    assert page.evaluate(wide) <= 320
    context.close()
