"""Deliberation that answers back, in a real browser: a member replies, the facilitator
gives an official answer, and the digest of the discussion prints without menus or forms."""

from playwright.sync_api import expect

from engage.accounts.services import find_user
from engage.extensions import db
from engage.panels.ballot_box import codes
from engage.panels.models import DELIBERATION, QUESTION
from engage.panels.process import deliberation
from engage.partnership.services import current_partnership
from tests.browser.kiosk import axe_violations
from tests.browser.test_panel_flow import member_page, sign_in
from tests.panel_factories import make_vote, option


def _vote_with_a_question(live_server):
    """A vote in deliberation with a member's question on ‘Parks’, and a spare card."""
    with live_server.app.app_context():
        partnership = current_partnership()
        user = find_user("facilitator@demo.engage.test")
        vote = make_vote(partnership, user, DELIBERATION)
        asker, replier = codes.generate_codes(vote, 2, user)
        question = deliberation.add_comment(
            option(vote, "Parks"),
            QUESTION,
            "Which parks would it cover?",
            member=codes.member_for_code(vote, asker.code),
        )
        db.session.commit()
        return vote.id, vote.panel_id, question.id, replier.code


def test_a_reply_an_official_answer_and_a_printed_digest(live_server, browser, page):
    url = live_server.url
    vote_id, panel_id, question_id, code = _vote_with_a_question(live_server)

    # A member replies in the plain <details> under the question. An empty reply is
    # refused with the GOV.UK error summary, and the box stays open.
    member = member_page(browser, url, code)
    thread = member.locator(f"#comment-{question_id}")
    thread.locator("summary", has_text="Reply to").click()
    thread.get_by_role("button", name="Add your reply").click()
    expect(member.locator(".govuk-error-summary")).to_contain_text("Enter your reply")
    assert axe_violations(member) == []
    thread = member.locator(f"#comment-{question_id}")
    thread.get_by_label("Your reply to").fill("I would like the one by the canal.")
    thread.get_by_role("button", name="Add your reply").click()
    expect(member.locator(f"#comment-{question_id} .member-replies")).to_contain_text(
        "I would like the one by the canal."
    )

    # The facilitator answers it from the to-do list on the options page.
    sign_in(page, url, "facilitator@demo.engage.test")
    page.goto(f"{url}/panels/votes/{vote_id}/options")
    expect(page.get_by_role("heading", name="Questions waiting for an answer (1)")).to_be_visible()
    assert axe_violations(page) == []
    page.locator("#to-answer + ul a").first.click()
    assert axe_violations(page) == []
    page.get_by_label("Official answer").fill("All three parks in the ward.")
    page.get_by_role("button", name="Save the official answer").click()
    expect(page.locator(f"#comment-{question_id} .engage-answer")).to_contain_text(
        "Official answer from the facilitator"
    )
    assert axe_violations(page) == []
    page.locator(f"#comment-{question_id}").get_by_role("link", name="Reply").click()
    assert axe_violations(page) == []
    member.reload()
    expect(member.locator(f"#comment-{question_id} .member-answer")).to_contain_text(
        "All three parks in the ward."
    )
    assert axe_violations(member) == []
    member.goto(f"{url}/vote/{vote_id}?lang=ur")
    expect(member.locator(".member-answer")).to_contain_text("باضابطہ جواب")
    assert axe_violations(member) == []

    # The digest lists both, and prints its text only.
    page.goto(f"{url}/panels/{panel_id}/digest")
    digest = page.locator(".engage-digest")
    expect(digest).to_contain_text("I would like the one by the canal.")
    expect(digest).to_contain_text("All three parks in the ward.")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    for hidden in (".engage-header", ".govuk-footer", ".govuk-breadcrumbs", ".engage-digest form"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.get_by_text("All three parks in the ward.")).to_be_visible()
    assert page.pdf(format="A4").startswith(b"%PDF")
    page.emulate_media(media="screen")
    member.context.close()
