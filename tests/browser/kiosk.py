"""Steps the browser tests share: answering a section, finishing the survey, running axe."""

import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
AXE = os.path.join(ROOT, "node_modules", "axe-core", "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

SECTION = "[data-kiosk-section]:not([hidden])"


def answer_section(page) -> None:
    """Answer every question shown in the current section (so skip logic can reveal more)."""
    questions = page.locator(f"{SECTION} .kiosk-question:not([hidden])")
    for index in range(questions.count()):
        question = questions.nth(index)
        kind = question.get_attribute("data-type")
        if kind == "multiple":
            question.locator("input[type=checkbox]").first.check()
        elif kind == "number":
            question.locator("input").fill(question.get_attribute("data-min") or "1")
        elif kind in ("short_text", "long_text"):
            question.locator("input, textarea").fill("Mill Lane")
        elif question.locator("select").count():
            question.locator("select").select_option(index=1)
        else:
            question.locator("input[type=radio]").first.check()


def section_count(page) -> int:
    return int(page.locator("[data-kiosk-progress]").inner_text().split()[-1])


def complete_survey(page, each_section=None) -> None:
    """Answer section by section with Next, then submit; ``each_section(page)`` runs on each."""
    while True:
        if each_section:
            each_section(page)
        answer_section(page)
        if page.locator("[data-kiosk-next]").is_visible():
            page.locator("[data-kiosk-next]").click()
        else:
            page.locator("[data-kiosk-submit]").click()
            break
    page.locator("[data-kiosk-thanks]").wait_for(state="visible")


def axe_violations(page) -> list[str]:
    """WCAG 2.2 A and AA violations on the page as it is now, one line each."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Run through DevTools: the page's CSP refuses a <script> that add_script_tag inserts.
        with open(AXE, encoding="utf-8") as source:
            page.evaluate("() => {" + source.read() + "\n}")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{v['id']}: {v['help']} at {json.dumps([n['target'] for n in v['nodes'][:3]])}"
        for v in result["violations"]
    ]
