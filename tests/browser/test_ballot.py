"""The ranked ballot in a real browser: by keyboard alone, by dragging, and axe-core scans.

Each test makes its own vote and card on the live server (a code votes once).
"""

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.ballot_box import codes
from engage.panels.models import VOTING, PriorityVote
from engage.partnership.services import current_partnership
from tests.browser.kiosk import axe_violations
from tests.panel_factories import make_vote, unsealed

TITLES = ("Parks", "Street lighting", "Less litter", "Potholes")

TARGETS = """() => Array.from(document.querySelectorAll('.engage-ballot button'))
  .filter(el => el.offsetParent !== null)
  .map(el => [el, el.getBoundingClientRect()])
  .filter(([el, box]) => box.width < 44 || box.height < 44)
  .map(([el, box]) => `${el.id}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""

# The focused control's name: its aria-labelledby parts ("Move up" "Parks"), or its text.
FOCUSED = """(() => {
  const el = document.activeElement;
  const ids = (el.getAttribute('aria-labelledby') || '').split(' ').filter(Boolean);
  const parts = ids.length ? ids.map(id => document.getElementById(id)) : [el];
  return parts.map(part => part.textContent.trim()).join(' ');
})()"""


@dataclass(frozen=True)
class Card:
    vote_id: int
    code: str


@pytest.fixture
def card(live_server):
    """A vote open for voting with four options, and one member's card for it."""
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
        vote = make_vote(current_partnership(), user, VOTING, titles=TITLES)
        (issued,) = codes.generate_codes(vote, 1, user)
        db.session.commit()
        return Card(vote.id, issued.code)


def stored(live_server, card) -> list[tuple[str, list[str]]]:
    """The vote's sealed ballots, opened with the test passphrase: (receipt, titles in order)."""
    with live_server.app.app_context():
        vote = db.session.get(PriorityVote, card.vote_id)
        titles = {o.id: o.title for o in vote.options}
        return [(b.receipt, [titles[i] for i in b.ranking]) for b in unsealed(vote)]


def open_ballot(page, live_server, card, lang="en") -> None:
    page.goto(f"{live_server.url}/vote/enter?code={card.code}&lang={lang}")
    home = f"{live_server.url}/vote/{card.vote_id}"
    page.wait_for_url(home if lang == "en" else f"{home}?lang={lang}")
    page.goto(f"{live_server.url}/vote/{card.vote_id}/ballot?lang={lang}")
    page.locator(".engage-ballot").wait_for()


def tab_to(page, name: str) -> None:
    """Press Tab until the focused control is called ``name``."""
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == name:
            return
    raise AssertionError(f"Tab never reached {name!r}")


def checked(page) -> list[str]:
    """The confirmation page's ranking, one "1st Parks" line per option (once it has loaded:
    reading the list does not wait, and under load Continue's page can still be coming)."""
    page.get_by_role("heading", name="Check your ranking").wait_for()
    return [" ".join(t.split()) for t in page.locator("[data-ranking] li").all_inner_texts()]


def ranking(page) -> list[str]:
    return page.locator("[data-ballot-ranked] [data-ballot-title]").all_inner_texts()


def test_ranking_by_keyboard_alone_announces_each_move_and_casts(live_server, card, page):
    open_ballot(page, live_server, card)
    status = page.locator("[data-ballot-status]")
    assert page.locator("[data-ballot-selects]").is_hidden()

    tab_to(page, "Add to ranking Parks")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Parks added to your ranking in 1st place")
    # Focus stays with the option, now in the ranking.
    assert page.evaluate(FOCUSED) == "Move up Parks"

    tab_to(page, "Add to ranking Street lighting")
    page.keyboard.press("Space")
    expect(status).to_have_text("Street lighting added to your ranking in 2nd place")
    tab_to(page, "Add to ranking Less litter")
    page.keyboard.press("Enter")
    expect(status).to_have_text("Less litter added to your ranking in 3rd place")

    assert page.evaluate(FOCUSED) == "Move up Less litter"
    page.keyboard.press("Enter")
    expect(status).to_have_text("Less litter moved to 2nd place")
    page.keyboard.press("Space")
    expect(status).to_have_text("Less litter moved to 1st place")
    assert page.evaluate(FOCUSED) == "Move up Less litter"
    page.keyboard.press("Enter")
    expect(status).to_have_text("Less litter is already your first choice")
    assert ranking(page) == ["Less litter", "Parks", "Street lighting"]

    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Check your ranking").wait_for()
    assert checked(page) == [
        "1st Less litter",
        "2nd Parks",
        "3rd Street lighting",
    ]
    assert stored(live_server, card) == []
    tab_to(page, "Cast my vote")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your vote has been recorded").wait_for()
    receipt = page.locator("[data-receipt]").inner_text()
    assert stored(live_server, card) == [(receipt, ["Less litter", "Parks", "Street lighting"])]


def test_removing_an_option_returns_it_to_not_ranked(live_server, card, page):
    open_ballot(page, live_server, card)
    page.get_by_role("button", name="Add to ranking Potholes").click()
    page.get_by_role("button", name="Add to ranking Parks").click()
    page.get_by_role("button", name="Remove from ranking Potholes").click()
    expect(page.locator("[data-ballot-status]")).to_have_text("Potholes removed from your ranking")
    assert page.evaluate(FOCUSED) == "Add to ranking Potholes"
    assert ranking(page) == ["Parks"]
    selects = page.evaluate(
        "() => Array.from(document.querySelectorAll('[data-ballot-selects] select'))"
        ".map(s => [s.dataset.ballotOption, s.value])"
    )
    assert dict(selects) == {"Parks": "1", "Street lighting": "", "Less litter": "", "Potholes": ""}


def drag(page, title: str, target, where: str = "middle") -> None:
    """Drag an option by its handle with the mouse onto the top, middle or bottom of ``target``."""
    handle = page.locator(".engage-ballot__item", has_text=title).locator("[data-ballot-handle]")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    goal = target.bounding_box()
    y = {"top": 4, "middle": goal["height"] / 2, "bottom": goal["height"] - 4}[where]
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + y, steps=12)
    page.mouse.up()


def test_ranking_by_dragging_with_the_mouse(live_server, card, browser):
    context = browser.new_context(viewport={"width": 1024, "height": 1400}, reduced_motion="reduce")
    page = context.new_page()
    open_ballot(page, live_server, card)
    status = page.locator("[data-ballot-status]")
    items = page.locator("[data-ballot-ranked] li")

    drag(page, "Street lighting", page.locator("[data-ballot-zone]").first)
    expect(status).to_have_text("Street lighting added to your ranking in 1st place")
    drag(page, "Potholes", items.first, "top")
    expect(status).to_have_text("Potholes added to your ranking in 1st place")
    assert ranking(page) == ["Potholes", "Street lighting"]
    # Reordering within the ranking by dragging.
    drag(page, "Potholes", items.nth(1), "bottom")
    expect(status).to_have_text("Potholes moved to 2nd place")
    assert ranking(page) == ["Street lighting", "Potholes"]
    # Asked for less motion, nothing animates.
    moved = page.locator(".engage-ballot__item", has_text="Potholes")
    assert moved.evaluate("el => getComputedStyle(el).animationName") == "none"

    page.get_by_role("button", name="Continue").click()
    assert checked(page) == [
        "1st Street lighting",
        "2nd Potholes",
    ]
    page.get_by_role("button", name="Cast my vote").click()
    page.get_by_role("heading", name="Your vote has been recorded").wait_for()
    assert [titles for _, titles in stored(live_server, card)] == [["Street lighting", "Potholes"]]
    context.close()


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_axe_finds_no_violations_on_the_ballot_pages(live_server, card, page, lang):
    problems: list[str] = []

    def check(where):
        problems.extend(f"{where}: {v}" for v in axe_violations(page))

    open_ballot(page, live_server, card, lang)
    check("ballot")
    page.locator("[data-ballot-add]:visible").first.click()
    page.locator("[data-ballot-add]:visible").first.click()
    check("ballot with a ranking")
    page.locator("form[data-ballot-form] button[type=submit]").click()
    page.locator("[data-ranking]").wait_for()
    check("confirmation")
    page.locator("form[action*='/cast'] button[type=submit]").first.click()
    page.locator("[data-receipt]").wait_for()
    check("receipt")
    page.goto(f"{live_server.url}/vote/{card.vote_id}?lang={lang}")
    check("vote home")
    assert problems == []


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_ballot_reflows_at_320_pixels_with_large_targets(live_server, card, browser, lang):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    open_ballot(page, live_server, card, lang)
    page.locator("[data-ballot-add]:visible").first.click()
    page.locator("[data-ballot-add]:visible").first.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.evaluate(TARGETS) == []
    context.close()


def test_the_ballot_without_javascript_posts_the_same_form(live_server, card, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    # The card's link carries the code after "#", which only a script can read: without
    # JavaScript the member types the code printed on the card.
    page.goto(f"{live_server.url}/vote/enter?code={card.code}")
    page.get_by_label("Your code").fill(card.code)
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}/vote/{card.vote_id}/ballot")
    page.get_by_label("Rank for ‘Potholes’").select_option("1")
    page.get_by_label("Rank for ‘Parks’").select_option("3")
    page.get_by_role("button", name="Continue").click()
    assert "Your ranks skipped a number" in page.content()
    page.get_by_role("button", name="Cast my vote").click()
    page.get_by_role("heading", name="Your vote has been recorded").wait_for()
    assert [titles for _, titles in stored(live_server, card)] == [["Potholes", "Parks"]]
    context.close()
