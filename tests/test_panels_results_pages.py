"""The results pages: public once published, members with a code, facilitators before."""

import pytest

from engage.panels.ballot_box import ballots, codes, paper
from engage.panels.models import IRV, STV, VOTING
from engage.panels.outcome import tally
from engage.panels.process import phases
from tests.panel_factories import PASSPHRASE, facilitator, ids, make_vote

FOUR = ("Parks", "Potholes", "Street lighting", "Less litter")
STV_BALLOTS = (
    [("Parks", "Potholes")] * 5
    + [("Potholes", "Street lighting")] * 2
    + [("Street lighting",)] * 2
    + [("Less litter", "Parks", "Street lighting")]
)


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


def voted(partnership, user, rankings, titles=FOUR, method=IRV, seats=1, on_paper=()):
    """A vote with these ballots cast and voting closed; returns it, the receipts and a code."""
    vote = make_vote(partnership, user, VOTING, titles=titles, method=method, seats=seats)
    issued = codes.generate_codes(vote, len(rankings) + 1, user)
    receipts = [
        ballots.cast_ballot(vote, codes.member_for_code(vote, card.code), ids(vote, *ranking))
        for card, ranking in zip(issued, rankings, strict=False)
    ]
    phases.close_voting(vote, user, early=True)
    receipts += [paper.enter_paper_ballot(vote, ids(vote, *r), user) for r in on_paper]
    return vote, receipts, issued[-1].code


def published(db, partnership, user, rankings, **kwargs):
    vote, receipts, code = voted(partnership, user, rankings, **kwargs)
    tally.run_count(vote, user, PASSPHRASE)
    phases.publish_results(vote, user)
    db.session.commit()
    return vote, receipts, code


def with_code(client, vote, code):
    """The client signed in with the card's code, as a member does."""
    response = client.post("/vote/enter", data={"code": code})
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    assert response.headers["Location"].endswith(f"/vote/{vote.id}")
    return client


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def test_the_public_page_is_a_404_until_the_results_are_published(db, client, partnership, user):
    vote, _, _ = voted(partnership, user, STV_BALLOTS, method=STV, seats=2)
    tally.run_count(vote, user, PASSPHRASE)
    db.session.commit()
    assert vote.public_token is None
    assert client.get("/priorities/not-a-token").status_code == 404
    token = phases.publish_results(vote, user)
    db.session.commit()
    html = page(client, f"/priorities/{token}")
    assert "Elected priorities" in html
    assert html.index("<li>Parks</li>") < html.index("<li>Potholes</li>")
    assert f"Ties are broken by lot from this seed: {vote.count_seed}" in html
    assert "Quota" in html and "4 votes" in html
    assert "Stage 1<span" in html and "Surplus of Parks" in html
    assert "Less litter excluded" in html
    assert "✓ 5" in html and "chosen" in html  # Parks reached the quota at first preferences
    assert "Non-transferable" in html and "Exhausted ballots" in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert html.count('role="img"') == len(vote.result["stages"]) + 1  # the charts and the flows
    assert "Show the chart for stage 3: Less litter excluded" in html
    assert '<title id="flow-chart-title">How votes moved' in html
    assert '<title id="stage-1-chart-title">Bar chart of the votes at stage 1' in html
    assert "Stage 2 (surplus of Parks): votes moved from Parks to Potholes (1)." in html
    assert f"--method stv --seats 2 --seed {vote.count_seed}" in html


def test_a_withdrawn_token_or_an_unpublished_vote_shows_nothing(db, client, partnership, user):
    vote, _, _ = published(db, partnership, user, STV_BALLOTS, method=STV, seats=2)
    token = vote.public_token
    assert client.get(f"/priorities/{token}x").status_code == 404
    assert client.get(f"/priorities/{token}/ballots.csv").status_code == 200
    assert client.get(f"/priorities/{token}/ballots.xls").status_code == 404


def test_ballot_numbers_count_paper_and_online_apart(db, client, partnership, user):
    vote, _, _ = published(
        db, partnership, user, [("Parks",), ("Potholes",)], on_paper=[("Parks", "Potholes")]
    )
    html = page(client, f"/priorities/{vote.public_token}")
    assert "The priority chosen" in html and "Parks" in html
    assert "3 (2 online, 1 on paper)" in html


def test_members_need_their_code_and_wait_for_publishing(db, app, partnership, user):
    vote, _, code = voted(partnership, user, STV_BALLOTS, method=STV, seats=2)
    tally.run_count(vote, user, PASSPHRASE)
    db.session.commit()
    stranger = app.test_client()
    response = stranger.get(f"/vote/{vote.id}/results")
    assert response.status_code == 302 and response.location.endswith("/vote/enter")
    member = with_code(app.test_client(), vote, code)
    html = page(member, f"/vote/{vote.id}/results")
    assert "The results are not published yet" in html and "Elected priorities" not in html
    assert member.get(f"/vote/{vote.id}/results/ballots.csv").status_code == 404
    phases.publish_results(vote, user)
    db.session.commit()
    html = page(member, f"/vote/{vote.id}/results")
    assert "Elected priorities" in html and "Check your receipt" in html
    assert stranger.get(f"/vote/{vote.id}/results/count.json").status_code == 302


def test_facilitators_preview_the_count_before_publishing(
    db, facilitator_client, analyst_client, partnership, user
):
    vote, _, _ = voted(partnership, user, STV_BALLOTS, method=STV, seats=2)
    db.session.commit()
    url = f"/panels/votes/{vote.id}/results"
    html = page(facilitator_client, url)
    assert "The votes have not been counted yet" in html
    assert f'href="/panels/votes/{vote.id}"' in html and "Count the votes" in html
    tally.run_count(vote, user, PASSPHRASE)
    db.session.commit()
    html = page(facilitator_client, url)
    assert "Not published yet" in html and "Elected priorities" in html
    assert analyst_client.get(url).status_code == 403
    phases.publish_results(vote, user)
    db.session.commit()
    assert "Not published yet" not in page(facilitator_client, url)


def test_a_vote_still_open_has_no_results_to_preview(db, facilitator_client, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    db.session.commit()
    html = page(facilitator_client, f"/panels/votes/{vote.id}/results")
    assert "There are no results yet" in html
    assert facilitator_client.get(f"/panels/votes/{vote.id}/results/ballots.blt").status_code == 404
    assert facilitator_client.get("/panels/votes/999/results").status_code == 404


def test_a_receipt_check_finds_the_ballot_or_says_it_is_not_there(db, client, partnership, user):
    vote, receipts, _ = published(db, partnership, user, [("Parks", "Potholes"), ("Potholes",)])
    url = f"/priorities/{vote.public_token}"
    typed = receipts[0].lower().replace("-", " ")
    html = page(client, f"{url}?receipt={typed}")
    assert f"Your ballot {receipts[0]} was counted: 1 Parks, 2 Potholes</p>" in html
    response = client.get(f"{url}?receipt=ZZZZZ-ZZZZZ")
    assert response.headers["Cache-Control"] == "no-store"
    assert "No ballot has the receipt ZZZZZ-ZZZZZ; check it against what you wrote down" in (
        response.get_data(as_text=True)
    )
    html = page(client, f"{url}?receipt=12", status=400)
    assert "There is a problem" in html and 'href="#receipt"' in html
    assert "Enter your receipt as it was given to you" in html


def test_members_check_their_receipt_with_their_code(db, app, partnership, user):
    vote, receipts, code = published(db, partnership, user, [("Potholes", "Parks")])
    member = with_code(app.test_client(), vote, code)
    html = page(member, f"/vote/{vote.id}/results?receipt={receipts[0]}")
    assert f"Your ballot {receipts[0]} was counted: 1 Potholes, 2 Parks" in html


def test_irv_says_whether_pyrankvote_agrees(db, client, partnership, user):
    vote, _, _ = published(
        db,
        partnership,
        user,
        [
            ("Parks", "Potholes"),
            ("Parks",),
            ("Potholes", "Parks"),
            ("Potholes",),
            ("Less litter", "Potholes"),
        ],
    )
    html = page(client, f"/priorities/{vote.public_token}")
    assert "Checked independently with pyrankvote: it agrees (winner Potholes)." in html
    assert "Needed to win" in html


def test_a_tie_broken_by_lot_is_explained(db, client, partnership, user):
    vote, _, _ = published(
        db, partnership, user, [("Parks",), ("Potholes",)], titles=("Parks", "Potholes", "Bins")
    )
    (tie,) = [s["tie_break"] for s in vote.result["stages"] if s["tie_break"]]
    html = page(client, f"/priorities/{vote.public_token}")
    assert "How ties were broken" in html
    assert tie["explanation"] in html.replace("&#39;", "'")
    assert f"drawn with seed {vote.count_seed}" in html
    assert "not comparable, because a tie was broken by lot" in html
