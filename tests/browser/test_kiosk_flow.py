"""A resident's way through the kiosk: by section, idle reset, history, no JavaScript."""

from tests.browser.kiosk import SECTION, answer_section, complete_survey, section_count

FILLED = """() => Array.from(document.querySelectorAll('input, textarea, select')).filter(
  el => (el.type === 'radio' || el.type === 'checkbox') ? el.checked
        : el.type !== 'hidden' && el.value !== '').length"""


def test_kiosk_survey_by_section_stores_one_response(live_server, event, page):
    page.goto(live_server.kiosk(event))
    page.get_by_role("button", name="Rozpocznij po polsku").click()
    page.wait_for_url(live_server.kiosk(event, "pl/"))
    assert page.locator("html").get_attribute("lang") == "pl"
    total = section_count(page)
    assert total == 8
    assert page.locator(SECTION).count() == 1
    assert not page.locator("[data-kiosk-back]").is_visible()

    answer_section(page)
    ward = page.locator(f"{SECTION} input[type=radio]:checked").first.get_attribute("value")
    page.locator("[data-kiosk-next]").click()
    assert page.locator("[data-kiosk-progress]").inner_text().split()[-3] == "2"
    # Back and Next stay with this respondent: the first section still has its answers.
    page.locator("[data-kiosk-back]").click()
    assert page.locator(f"{SECTION} input[value='{ward}']").is_checked()
    page.locator("[data-kiosk-next]").click()
    complete_survey(page)

    assert page.locator("[data-kiosk-queued]").is_hidden()
    [response] = live_server.responses(event)
    assert (response.channel, response.language, response.area_code) == ("kiosk", "pl", ward)
    assert page.evaluate(FILLED) == 0

    page.locator("[data-kiosk-restart]:visible").click()
    page.wait_for_url(live_server.kiosk(event))
    # History holds start screens only: nothing of the resident comes back.
    page.go_back()
    assert page.url == live_server.kiosk(event)
    assert page.locator("form[data-kiosk-form]").count() == 0


def test_next_checks_the_section_before_moving_on(live_server, event, page):
    page.goto(live_server.kiosk(event, "en/"))
    page.locator("[data-kiosk-next]").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Select the area you live in" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    assert page.title().startswith("Error:")
    assert page.locator("[data-kiosk-progress]").inner_text() == "Section 1 of 8"
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.name") == "q-ward"
    page.locator(f"{SECTION} input[name=q-years_in_area]").fill("300")
    page.locator(f"{SECTION} input[type=radio]").first.check()
    page.locator("[data-kiosk-next]").click()
    assert "Enter a whole number from 0 to 100" in page.locator(".govuk-error-summary").inner_text()


def test_idle_reset_wipes_the_answers(live_server, page):
    event = live_server.new_event(idle_seconds=30)
    page.clock.install()
    page.goto(live_server.kiosk(event))
    page.get_by_role("button", name="Start in English").click()
    page.wait_for_url(live_server.kiosk(event, "en/"))
    answer_section(page)
    page.locator("[data-kiosk-next]").click()
    answer_section(page)
    assert page.evaluate(FILLED) > 0

    page.clock.run_for(31_000)
    dialog = page.get_by_role("alertdialog", name="Are you still there?")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.closest('dialog') !== null")
    assert "20 seconds" in dialog.inner_text()
    # "Yes, continue" keeps the answers and starts the wait again.
    dialog.get_by_role("button", name="Yes, continue").click()
    assert dialog.is_hidden() and page.evaluate(FILLED) > 0

    page.clock.run_for(31_000)
    assert dialog.is_visible()
    with page.expect_navigation(url=live_server.kiosk(event)):
        page.clock.run_for(21_000)
    assert page.locator("form[data-kiosk-form]").count() == 0
    assert page.evaluate(FILLED) == 0

    # After the reset, Back leads only to empty pages.
    page.go_back()
    assert page.evaluate(FILLED) == 0
    page.goto(live_server.kiosk(event, "en/"))
    assert page.evaluate(FILLED) == 0
    assert live_server.responses(event) == []


def test_survey_works_as_one_page_without_javascript(live_server, event, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.kiosk(event))
    page.get_by_role("button", name="اردو میں شروع کریں").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-kiosk-section]:visible").count() == 8
    page.locator("[data-kiosk-submit]").click()
    assert page.locator(".govuk-error-summary").is_visible()
    page.locator("input[name=q-ward]").first.check()
    page.locator("input[name=q-years_in_area]").fill("12")
    page.locator("[data-kiosk-submit]").click()
    page.wait_for_url(live_server.kiosk(event, "ur/thanks"))
    [response] = live_server.responses(event)
    assert (response.channel, response.language, response.event_id) == ("kiosk", "ur", event.id)
    context.close()
