"""A citizens' panel from start to published result, in a real browser, as its people use it.

The facilitator creates a panel and a vote, seeds options from the survey, and prints
voter cards; two members propose and comment; five vote; the facilitator imports three
paper ballots, closes, counts and publishes; a member finds their receipt.
"""

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from engage.demo.synthetic import seed_synthetic
from engage.extensions import db
from engage.panels.models import Ballot, PriorityVote
from engage.partnership.services import current_partnership
from engage.questionnaire.services import current_version, questionnaire_for
from engage.timeutil import utcnow
from tests.panel_factories import PASSPHRASE

PASSWORD = "brackenford-demo"
UK_TODAY = utcnow().date()


def sign_in(page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_visible()


def fill_date(page, field: str, day) -> None:
    page.locator(f"#{field}-day").fill(str(day.day))
    page.locator(f"#{field}-month").fill(str(day.month))
    page.locator(f"#{field}-year").fill(str(day.year))


def change_phase(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)


def member_page(browser, url: str, code: str, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{url}/vote/enter")
    page.get_by_label("Your code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You are taking part as")).to_be_visible()
    return page


def propose(page, title: str) -> None:
    page.get_by_label("Title of your proposal").fill(title)
    page.get_by_role("button", name="Propose this option").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def comment(page, option: str, stance: str, text: str) -> None:
    section = page.locator("section.member-option", has=page.get_by_role("heading", name=option))
    section.locator("summary").click()
    section.get_by_label(stance, exact=True).check()
    section.get_by_label(f"Your comment on ‘{option}’").fill(text)
    section.get_by_role("button", name="Add your comment").click()
    expect(page.get_by_text(text)).to_be_visible()


def vote(page, url: str, vote_id: int, ranking: list[str], javascript: bool) -> str:
    page.goto(f"{url}/vote/{vote_id}/ballot")
    if javascript:
        for title in ranking:
            page.get_by_role("button", name=f"Add to ranking {title}").click()
    else:
        for place, title in enumerate(ranking, start=1):
            page.get_by_label(f"Rank for ‘{title}’").select_option(str(place))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your ranking")).to_be_visible()
    page.get_by_role("button", name="Cast my vote").click()
    receipt = page.locator("[data-receipt]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", receipt), receipt
    return receipt


def test_a_panel_vote_from_creation_to_a_receipt_found_in_the_published_ballots(
    live_server, browser, page
):
    url = live_server.url
    with live_server.app.app_context():
        version = current_version(questionnaire_for(current_partnership()))
        seed_synthetic(version, 400, seed=11)

    # The facilitator sets up the panel and the vote.
    sign_in(page, url, "facilitator@demo.engage.test")
    page.get_by_role("link", name="Panels", exact=True).click()
    page.get_by_role("button", name="Create a panel").click()
    page.get_by_label("Panel name").fill("Millbrook community alliance")
    page.get_by_label("Area").select_option(label="Millbrook")
    page.get_by_role("button", name="Save panel").click()
    page.get_by_role("link", name=re.compile("Create a vote|Add a vote|New vote")).first.click()
    page.get_by_label("Title").fill("Millbrook priorities")
    page.get_by_label("Question").fill("What should the partnership tackle first in Millbrook?")
    fill_date(page, "opens_on", UK_TODAY - timedelta(days=1))
    page.get_by_label("Time voting opens").fill("09:00")
    fill_date(page, "closes_on", UK_TODAY + timedelta(days=14))
    page.get_by_label("Time voting closes").fill("18:00")
    page.get_by_role("button", name="Save vote").click()
    expect(page.get_by_role("heading", name="Millbrook priorities")).to_be_visible()
    vote_url = page.url
    vote_id = int(vote_url.rstrip("/").split("/")[-1])

    # Options from the survey: four answers to "What would most improve your area?", ticked.
    page.goto(f"{vote_url}/evidence")
    question = page.get_by_label("Survey question")
    improve = next(t for t in question.locator("option").all_inner_texts() if "most improve" in t)
    question.select_option(label=improve)
    page.get_by_role("button", name="Show the answers").click()
    expect(page.locator(".govuk-checkboxes")).to_contain_text("%")
    for box in page.locator("input[name=answers]:not([disabled])").all()[:4]:
        box.check()
    page.get_by_role("button", name="Add the ticked answers as options").click()
    page.goto(vote_url)
    change_phase(page, "Open for proposals")

    # Voter cards: printed straight from the page that makes them.
    page.goto(f"{vote_url}/codes")
    page.get_by_label("How many codes").fill("8")
    page.get_by_role("button", name="Make the codes and show the cards").click()
    page.locator(".engage-card__code").first.wait_for()  # reading the list does not wait
    codes = page.locator(".engage-card__code").all_inner_texts()
    assert len(codes) == 8 and len(set(codes)) == 8
    assert page.locator(".engage-card svg").count() == 8  # a QR code on every card
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # eight cards to one A4 sheet
    page.emulate_media(media="screen")

    # Two members propose an option each.
    first = member_page(browser, url, codes[0])
    second = member_page(browser, url, codes[1], javascript=False)
    propose(first, "A youth club in the old library")
    propose(second, "Benches along the canal path")

    # Deliberation: they comment on each other's proposal.
    page.goto(vote_url)
    change_phase(page, "Start deliberation")
    first.reload()
    second.reload()
    comment(first, "Benches along the canal path", "For", "Older neighbours would walk more.")
    comment(second, "A youth club in the old library", "Question", "Who would run it?")

    # Voting: five members, with and without JavaScript.
    # Starting the vote locks the ballot box with a passphrase the facilitator chooses.
    page.goto(vote_url)
    page.get_by_role("button", name="Start voting").click()
    page.get_by_label("Choose a passphrase for the ballot box").fill(PASSPHRASE)
    page.get_by_label("Type the passphrase again").fill(PASSPHRASE)
    change_phase(page, "Start voting")
    with live_server.app.app_context():
        options = [o.title for o in db.session.get(PriorityVote, vote_id).active_options]
    assert "A youth club in the old library" in options and len(options) == 6
    receipts = [
        vote(first, url, vote_id, [options[4], options[0]], javascript=True),
        vote(second, url, vote_id, [options[5], options[4], options[1]], javascript=False),
    ]
    for index, code in enumerate(codes[2:5]):
        member = member_page(browser, url, code, javascript=index != 1)
        ranking = [options[(index + 1) % 6], options[4]]
        receipts.append(vote(member, url, vote_id, ranking, javascript=index != 1))
        member.context.close()

    # Three paper ballots, imported from the spreadsheet the facilitator typed them into.
    page.goto(f"{vote_url}/paper")
    sheet = "rank_1,rank_2\n" + "".join(f"{options[i]},{options[4]}\n" for i in (0, 2, 3))
    page.get_by_label("Paper ballots file").set_input_files(
        files=[{"name": "paper.csv", "mimeType": "text/csv", "buffer": sheet.encode()}]
    )
    page.get_by_role("button", name="Import the ballots").click()
    expect(page.get_by_text("3 paper ballots imported")).to_be_visible()

    # Close early (with the confirmation), count and publish.
    page.goto(vote_url)
    page.get_by_role("button", name="Close voting early").click()
    page.get_by_role("button", name="Yes, close voting now").click()
    page.get_by_role("button", name="Count the votes").click()
    page.get_by_label("Passphrase of the ballot box").fill(PASSPHRASE)
    change_phase(page, "Open the ballot box and count")
    page.goto(vote_url)
    page.get_by_role("button", name="Publish the results").click()
    public = page.locator("a[href*='/priorities/']").first.get_attribute("href")
    with live_server.app.app_context():
        stored = db.session.scalar(
            sa.select(sa.func.count()).select_from(Ballot).where(Ballot.vote_id == vote_id)
        )
        result = db.session.get(PriorityVote, vote_id).result
    assert stored == 8 and result["ballots"] == 8

    # A member finds their receipt in the published ballots.
    first.goto(f"{url}/vote/{vote_id}")
    first.get_by_role("link", name="See the results").click()
    expect(first.get_by_role("heading", name=re.compile("chosen|Elected"))).to_be_visible()
    first.get_by_label(re.compile("receipt", re.I)).fill(receipts[0].lower())
    first.get_by_role("button", name=re.compile("Check")).click()
    expect(first.locator("#receipt-result")).to_contain_text(
        f"Your ballot {receipts[0]} was counted"
    )
    ballots_csv = first.request.get(f"{url}/vote/{vote_id}/results/ballots.csv").text()
    assert all(receipt in ballots_csv for receipt in receipts)

    # Anyone can open the public link.
    anonymous = browser.new_context().new_page()
    anonymous.goto(public if public.startswith("http") else url + public)
    expect(anonymous.get_by_role("heading", name="Millbrook priorities")).to_be_visible()
    anonymous.context.close()
    first.context.close()
    second.context.close()
