"""The survey on a phone (390 × 844), page by page, with and without JavaScript, in
English, Polish and Urdu: skip logic as the resident goes, Back, check-your-answers,
and the response stored exactly as the kiosk stores the same answers. With JavaScript,
answers can be kept in the browser to finish later, and never reach the server first.
"""

import json
import uuid

import pytest
import sqlalchemy as sa

from engage.extensions import db
from engage.survey.models import Answer, Response
from tests.browser.kiosk import axe_violations

PHONE = {"width": 390, "height": 844}
NEXT = "button[name=_action][value=next]"
BACK = "button[name=_action][value=back]"
SUBMIT = "button[name=_action][value=submit]"
# Answers where skip logic matters; every other question gets a first-choice answer.
CHOSEN = {"q-safe_after_dark": "very_safe", "q-housing_tenant": "no", "q-volunteered": "yes"}

# Each question field on the page: name, type, and the values it offers.
FIELDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll('form [name^="q-"]')) {
    if (el.type === 'hidden') continue;
    const entry = seen.get(el.name) || {name: el.name, type: el.type, values: []};
    if (el.tagName === 'SELECT') {
      entry.type = 'select';
      entry.values = Array.from(el.options).map(o => o.value).filter(Boolean);
    } else if (el.type === 'radio' || el.type === 'checkbox') {
      entry.values.push(el.value);
    }
    seen.set(el.name, entry);
  }
  return Array.from(seen.values());
}"""
HIDDEN = """() => Array.from(document.querySelectorAll('form input[type=hidden][name^="q-"]'))
  .map(el => [el.name, el.value])"""


@pytest.fixture
def phone(browser, js):
    context = browser.new_context(viewport=PHONE, java_script_enabled=js)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def answer_page(page) -> list[str]:
    """Answer every question on the page; returns the question codes it asked."""
    fields = page.evaluate(FIELDS)
    for field in fields:
        name, kind, values = field["name"], field["type"], field["values"]
        wanted = CHOSEN.get(name)
        if kind == "radio":
            page.locator(f"input[name='{name}'][value='{wanted or values[0]}']").check()
        elif kind == "checkbox":
            page.locator(f"input[name='{name}'][value='{values[0]}']").check()
        elif kind == "select":
            page.locator(f"select[name='{name}']").select_option(values[1])
        elif kind == "text" and page.locator(f"input[name='{name}'][inputmode=numeric]").count():
            page.locator(f"input[name='{name}']").fill("3")
        else:
            page.locator(f"[name='{name}']").fill("Mill Lane")
    return [f["name"].removeprefix("q-") for f in fields]


def press(page, button: str) -> None:
    """Press a form button and wait for the page the server sends back."""
    with page.expect_navigation():
        page.locator(button).click()


def on_check_page(page) -> bool:
    return page.locator("input[name=_page][value=check]").count() == 1


def stored(app, response_id: int) -> list[tuple]:
    with app.app_context():
        answers = db.session.scalars(sa.select(Answer).where(Answer.response_id == response_id))
        return sorted(
            (a.question_id, a.option_id, a.area_id, a.number_value, a.text_value) for a in answers
        )


def last_response(app) -> tuple[int, str, str]:
    with app.app_context():
        row = db.session.execute(
            sa.select(Response.id, Response.channel, Response.language)
            .order_by(Response.id.desc())
            .limit(1)
        ).one()
        return row.id, row.channel, row.language


def response_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Response.id)))


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("lang", ["en", "pl", "ur"])
def test_survey_on_a_phone_page_by_page_stores_what_the_kiosk_stores(
    live_server, event, phone, js, lang
):
    page = phone
    page.goto(f"{live_server.url}/survey/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    asked: list[str] = []
    heights = []
    before = response_count(live_server.app)
    while not on_check_page(page):
        assert len(heights) < 30, "the survey never reached check-your-answers"
        heights.append(page.evaluate("document.documentElement.scrollHeight"))
        # Nothing is wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if js and lang != "pl":
            assert axe_violations(page) == [], page.url
        codes = answer_page(page)
        if "safe_after_dark" in codes:
            # Skip logic as the resident goes: 'Very unsafe' asks why on the next page ...
            page.locator("input[name=q-safe_after_dark][value=very_unsafe]").check()
            press(page, NEXT)
            assert page.locator("[name=q-unsafe_reasons]").count() > 0
            # ... and going Back to choose 'Very safe' passes it over.
            press(page, BACK)
            assert page.locator("input[name=q-safe_after_dark][value=very_unsafe]").is_checked()
            page.locator("input[name=q-safe_after_dark][value=very_safe]").check()
        asked += codes
        press(page, NEXT)
    assert "unsafe_reasons" not in asked
    assert "repairs_rating" not in asked  # not a tenant
    assert "volunteer_types" in asked  # volunteered
    assert response_count(live_server.app) == before  # nothing stored before submitting
    assert len(heights) >= 8  # eight sections, one or more pages each
    # Check your answers: every question asked is listed, with a Change button.
    assert page.locator(".govuk-summary-list__row").count() == len(asked)
    if lang == "en":
        row = page.locator(".govuk-summary-list__row", has_text="walking alone")
        assert "Very safe" in row.inner_text()
    sent = {}
    for name, value in page.evaluate(HIDDEN):
        sent.setdefault(name.removeprefix("q-"), []).append(value)
    if js and lang != "pl":
        assert axe_violations(page) == []
    press(page, SUBMIT)
    assert "/survey/thanks" in page.url
    phone_id, channel, language = last_response(live_server.app)
    assert (channel, language) == ("online", lang)

    # The same answers through the kiosk's upload store the same rows.
    upload = page.context.request.post(
        live_server.kiosk(event, "responses"),
        data=json.dumps(
            {
                "key": uuid.uuid4().hex,
                "version": page_version(live_server.app, phone_id),
                "lang": lang,
                "answers": sent,
            }
        ),
        headers={"Content-Type": "application/json"},
    )
    assert upload.status == 201, upload.text()
    kiosk_id, channel, _ = last_response(live_server.app)
    assert channel == "kiosk"
    assert stored(live_server.app, phone_id) == stored(live_server.app, kiosk_id)
    assert len({row[0] for row in stored(live_server.app, phone_id)}) == len(asked)


def page_version(app, response_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Response.version_id).where(Response.id == response_id))


SAVED = "() => Object.keys(localStorage).filter(k => k.startsWith('engage-survey-'))"


def test_answers_kept_on_the_phone_to_finish_later_and_deleted_once_sent(live_server, browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/survey/")
    box = page.get_by_label("Keep my answers on this device so I can finish later")
    assert not box.is_checked()  # off unless the resident asks: tablets and shared computers
    box.check()
    answer_page(page)
    press(page, NEXT)
    second = page.locator("h1").inner_text()
    answer_page(page)
    chosen = page.locator("input[type=radio]:checked").first.get_attribute("value")
    before = response_count(live_server.app)
    page.close()

    # Later, on the same phone: the first page offers to carry on.
    page = context.new_page()
    page.goto(f"{live_server.url}/survey/")
    resume = page.locator("[data-survey-resume]")
    assert resume.is_visible()
    assert "You started this survey on this device on" in resume.inner_text()
    press(page, "[data-survey-resume-continue]")
    assert page.locator("h1").inner_text() == second
    assert page.locator(f"input[type=radio][value='{chosen}']").first.is_checked()
    assert response_count(live_server.app) == before  # the server kept nothing meanwhile
    while not on_check_page(page):
        answer_page(page)
        press(page, NEXT)
    press(page, SUBMIT)
    assert response_count(live_server.app) == before + 1
    assert page.evaluate(SAVED) == []  # deleted from the phone once stored

    # Start again forgets a kept copy at once.
    page.goto(f"{live_server.url}/survey/")
    page.get_by_label("Keep my answers on this device so I can finish later").check()
    answer_page(page)
    page.goto(f"{live_server.url}/survey/")
    page.locator("[data-survey-resume-forget]").click()
    assert page.evaluate(SAVED) == []
    assert page.locator("[data-survey-resume]").is_hidden()
    context.close()
