"""Skip logic in the kiosk, on the test questionnaire (the demo has no conditions):
'What makes you feel unsafe?' is shown only after 'Unsafe', and cleared when hidden."""

import pytest

from engage.extensions import db
from engage.survey.models import Answer, Response
from tests import factories
from tests.browser.conftest import serve

WHY = ".kiosk-question[data-code=why_unsafe]"


def seed_test_questionnaire(app) -> None:
    factories.make_questionnaire(factories.make_partnership())
    db.session.commit()


@pytest.fixture(scope="module")
def factory_server(tmp_path_factory):
    yield from serve(tmp_path_factory, seed_test_questionnaire)


def test_conditional_question_shows_live_and_is_not_sent_when_hidden(factory_server, page):
    event = factory_server.new_event()
    page.goto(factory_server.kiosk(event, "en/"))
    page.locator("input[name=q-ward]").first.check()
    page.locator("[data-kiosk-next]").click()
    assert page.locator(WHY).is_hidden()
    page.locator("input[name=q-safe_dark][value=unsafe]").check()
    page.locator(f"{WHY} textarea").fill("Dark alleys")
    page.locator("input[name=q-safe_dark][value=very]").check()
    assert page.locator(WHY).is_hidden()
    page.locator("input[name=q-safe_dark][value=unsafe]").check()
    assert page.locator(f"{WHY} textarea").input_value() == ""  # cleared, not kept
    page.locator(f"{WHY} textarea").fill("Dark alleys")
    page.locator("input[name=q-safe_dark][value=fairly]").check()
    page.locator("[data-kiosk-next]").click()
    page.locator("[data-kiosk-submit]").click()
    page.locator("[data-kiosk-thanks]").wait_for(state="visible")
    with factory_server.app.app_context():
        [response] = db.session.scalars(db.select(Response)).all()
        texts = [a.text_value for a in db.session.scalars(db.select(Answer)) if a.text_value]
        assert response.event_id == event.id and texts == []
