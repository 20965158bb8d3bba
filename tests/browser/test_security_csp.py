"""The Content-Security-Policy in a real browser: the kiosk (with its service worker and
offline queue), the survey, the ballot's drag and drop, and the results charts all work,
and the browser reports no violation and no console error on any of them."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.ballot_box import ballots, codes
from engage.panels.models import VOTING
from engage.panels.outcome import tally
from engage.panels.process import phases
from engage.partnership.services import current_partnership
from tests.browser.kiosk import complete_survey
from tests.browser.test_ballot import drag
from tests.browser.test_kiosk_offline import WAITING, wait_for_service_worker
from tests.panel_factories import PASSPHRASE, make_vote

# Installed before any page script runs; DevTools injects it, so the policy allows it.
LISTEN = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', event => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def watch(context):
    """A page whose CSP violations and console errors are collected as it goes."""
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.errors = []
    # A 400 for a survey with errors, or no network while offline, is the test's own doing.
    expected = "Failed to load resource"
    page.on(
        "console",
        lambda m: (
            m.type == "error" and not m.text.startswith(expected) and page.errors.append(m.text)
        ),
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.fixture
def watched(context):
    return watch(context)


def assert_clean(page, where: str) -> None:
    assert page.evaluate("() => window.__violations") == [], where
    assert page.errors == [], where


@pytest.fixture
def vote_ids(live_server):
    """A vote open for voting with one member's card, and a published one."""
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
        partnership = current_partnership()
        open_vote = make_vote(partnership, user, VOTING, titles=("Parks", "Lighting", "Litter"))
        (card,) = codes.generate_codes(open_vote, 1, user)
        done = make_vote(partnership, user, VOTING, titles=("Benches", "Bins", "Buses"))
        for voter in codes.generate_codes(done, 3, user):
            ranking = [o.id for o in done.options][: 1 + len(voter.code) % 3]
            ballots.cast_ballot(done, codes.member_for_code(done, voter.code), ranking)
        phases.close_voting(done, user, early=True)
        tally.run_count(done, user, PASSPHRASE)
        token = phases.publish_results(done, user)
        db.session.commit()
        return open_vote.id, card.code, token


def test_the_kiosk_works_online_and_offline_under_the_policy(live_server, event, context, watched):
    page = watched
    page.goto(live_server.kiosk(event))
    wait_for_service_worker(page)
    page.get_by_role("button", name="Start in English").click()
    # Wait for the page's load: before kiosk.js has run, every section is on show.
    page.wait_for_url(live_server.kiosk(event, "en/"))
    complete_survey(page)
    assert len(live_server.responses(event)) == 1
    # Offline, the service worker serves the cached pages and the answers wait on the tablet.
    context.set_offline(True)
    page.locator("[data-kiosk-restart]:visible").click()
    page.wait_for_url(live_server.kiosk(event))
    page.get_by_role("button", name="Start in English").click()
    page.wait_for_url(live_server.kiosk(event, "en/"))
    complete_survey(page)
    assert page.locator("[data-kiosk-queued]").is_visible()
    context.set_offline(False)
    page.locator("[data-kiosk-restart]:visible").click()
    page.locator(WAITING).filter(has_text="0 responses waiting to upload").wait_for()
    assert len(live_server.responses(event)) == 2
    assert_clean(page, "kiosk")


def test_the_survey_and_staff_pages_raise_no_violation(live_server, watched):
    page = watched
    page.goto(f"{live_server.url}/survey/?lang=ur")
    # "Keep my answers on this device" (survey.js) and a page refused for a missing answer.
    page.locator("[data-survey-save-box]").check()
    page.get_by_role("button", name="جاری رکھیں").click()  # Continue
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_clean(page, "survey")
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email address").fill("admin@demo.engage.test")
    page.get_by_role("textbox", name="Password").fill("brackenford-demo")
    page.get_by_role("button", name="Show").click()  # GOV.UK Frontend's script, not inline
    page.get_by_role("button", name="Sign in").click()
    for path in ("/results/", "/results/trend", "/events/", "/admin/audit/"):
        page.goto(f"{live_server.url}{path}")
        assert_clean(page, path)


def test_the_ballot_and_the_results_raise_no_violation(live_server, vote_ids, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 1400}, reduced_motion="reduce")
    page = watch(context)
    vote_id, code, token = vote_ids
    page.goto(f"{live_server.url}/vote/enter?code={code}")
    page.goto(f"{live_server.url}/vote/{vote_id}/ballot")
    page.get_by_role("button", name="Add to ranking Lighting").click()
    drag(page, "Parks", page.locator("[data-ballot-ranked] li").first, "top")
    ranked = page.locator("[data-ballot-ranked] [data-ballot-title]")
    expect(ranked).to_have_text(["Parks", "Lighting"])
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator("[data-receipt]")).to_be_visible()
    assert_clean(page, "ballot")
    page.goto(f"{live_server.url}/priorities/{token}")
    expect(page.locator("svg").first).to_be_visible()  # the charts and the transfer flow
    assert_clean(page, "results")
    context.close()


def test_the_policy_blocks_inline_script_and_the_listener_sees_it(live_server, watched):
    """The control for the tests above: an injected inline script is refused and reported."""
    page = watched
    response = page.goto(f"{live_server.url}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    ran = page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'window.__ran = true';
          document.body.append(script);
          return window.__ran === true;
        }"""
    )
    assert ran is False
    page.wait_for_function("() => window.__violations.length > 0")
    assert page.evaluate("() => window.__violations") == ["script-src-elem blocked inline"]
