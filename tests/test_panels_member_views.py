"""Members' pages: entering a code, proposing, discussing, and casting a ranked ballot."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.panels.ballot_box import codes
from engage.panels.members.session import SESSION_KEY
from engage.panels.models import (
    DELIBERATION,
    DRAFT,
    PROPOSALS,
    VOTING,
    MemberHandle,
    VoteOption,
    VoterCode,
)
from engage.panels.process import deliberation, phases
from engage.timeutil import utcnow
from tests.panel_factories import facilitator, ids, make_vote, option, stored_ballots, unsealed

TITLES = ("Parks", "Street lighting", "Less litter")


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


def new_vote(db, partnership, user, phase):
    vote = make_vote(partnership, user, phase, titles=TITLES)
    db.session.commit()
    return vote


def issue(db, vote, user):
    """A fresh card: its plain code and the pseudonym printed on it."""
    (card,) = codes.generate_codes(vote, 1, user)
    db.session.commit()
    return card


def sign_in(client, card):
    response = client.post("/vote/enter", data={"code": card.code})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


@pytest.fixture
def voting(db, partnership, user):
    return new_vote(db, partnership, user, VOTING)


@pytest.fixture
def card(db, voting, user):
    return issue(db, voting, user)


def ballot_count(db) -> int:
    return stored_ballots()


def rank_form(vote, **by_title):
    """The ballot form: rank-<option id> → rank (titles with _ for spaces)."""
    return {f"rank-{option(vote, t.replace('_', ' ')).id}": r for t, r in by_title.items()}


# ---- Entering a code ----


def test_a_good_code_is_remembered_and_the_address_keeps_no_code(client, voting, card):
    typed = card.code.lower().replace("-", " ")
    response = sign_in(client, type("Card", (), {"code": typed})())
    assert response.headers["Location"] == f"/vote/{voting.id}"
    with client.session_transaction() as session:
        assert set(session[SESSION_KEY]) == {str(voting.id)}
        assert codes.normalise(card.code) not in str(session[SESSION_KEY])
    page = client.get(f"/vote/{voting.id}").get_data(as_text=True)
    assert f"You are taking part as <strong>{card.pseudonym}</strong>." in page
    assert "Rank the options" in page


def test_a_wrong_code_is_refused_with_what_was_typed_kept(client, voting, card):
    response = client.post("/vote/enter", data={"code": "k7qd-m2xh-9rtf"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "That code is not recognised. Check it against your card" in page
    assert 'href="#code"' in page
    assert 'value="k7qd-m2xh-9rtf"' in page
    with client.session_transaction() as session:
        assert not session.get(SESSION_KEY)


def test_a_code_in_the_address_is_moved_after_the_hash_and_signs_nobody_in(client, voting, card):
    """An older card's link (?code=) goes back to the form with the code after "#", where
    enter.js reads it; nothing is signed in by a GET, and the page names no code."""
    response = client.get(f"/vote/enter?code={card.code}&lang=pl")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/vote/enter?lang=pl#code={card.code}"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/vote/{voting.id}").status_code == 302  # not signed in
    page = client.get("/vote/enter").get_data(as_text=True)
    assert card.code not in page
    assert "js/enter.js" in page and "data-member-code-form" in page


def test_signing_in_keeps_a_random_handle_not_the_code(app, db, client, voting, card):
    response = client.post("/vote/enter", data={"code": card.code})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/vote/{voting.id}"
    assert client.get(f"/vote/{voting.id}").status_code == 200
    cookie = client.get_cookie("session")
    decoded = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    handle = decoded["panel_members"][str(voting.id)]
    assert len(handle) >= 40
    normalised = card.code.replace("-", "")
    assert card.code not in str(decoded) and normalised not in str(decoded)
    stored = db.session.scalars(sa.select(MemberHandle.handle_hash)).all()
    assert len(stored) == 1 and handle not in stored  # only its hash is kept
    # Signing out ends the handle itself: a copy of the cookie no longer works.
    copied = client.get_cookie("session").value
    client.post(f"/vote/{voting.id}/sign-out")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MemberHandle)) == 0
    other = app.test_client()
    other.set_cookie("session", copied)
    assert other.get(f"/vote/{voting.id}").status_code == 302


def test_a_cancelled_card_is_refused(db, client, voting, card, user):
    codes.void_codes(voting, [card.serial], user)
    db.session.commit()
    response = client.post("/vote/enter", data={"code": card.code})
    assert response.status_code == 400
    assert "That code has been cancelled" in response.get_data(as_text=True)


def test_member_pages_without_a_code_send_you_to_enter_it(client, voting):
    for path in ("", "/ballot"):
        response = client.get(f"/vote/{voting.id}{path}")
        assert response.status_code == 302
        assert response.headers["Location"] == "/vote/enter"
    assert client.post(f"/vote/{voting.id}/cast").headers["Location"] == "/vote/enter"


def test_signing_out_forgets_the_code_on_this_browser(client, voting, card):
    sign_in(client, card)
    response = client.post(f"/vote/{voting.id}/sign-out")
    assert response.headers["Location"] == "/vote/enter"
    assert client.get(f"/vote/{voting.id}").status_code == 302


def test_member_pages_are_not_cached(client, voting, card):
    sign_in(client, card)
    assert client.get(f"/vote/{voting.id}").headers["Cache-Control"] == "no-store"


# ---- Proposals ----


def test_a_member_proposes_an_option_and_supports_another(db, client, partnership, user):
    vote = new_vote(db, partnership, user, PROPOSALS)
    card = issue(db, vote, user)
    sign_in(client, card)
    response = client.post(
        f"/vote/{vote.id}/propose",
        data={"title": "  More benches ", "description": "Somewhere to rest on Mill Lane."},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your proposal ‘More benches’ has been added." in page
    assert f"Proposed by {card.pseudonym}" in page
    assert "Somewhere to rest on Mill Lane." in page
    assert "&lt;" not in page  # markup in buttons and the question box is not escaped

    parks = option(vote, "Parks")
    response = client.post(f"/vote/{vote.id}/options/{parks.id}/support")
    assert response.status_code == 303
    db.session.expire_all()
    assert [m.pseudonym for m in db.session.get(VoteOption, parks.id).supporters] == [
        card.pseudonym
    ]
    page = client.get(f"/vote/{vote.id}").get_data(as_text=True)
    assert "You now support ‘Parks’." in page
    assert page.count("You support this option.") == 2  # their own proposal, and Parks


def test_a_proposal_with_a_taken_title_is_refused_keeping_what_was_typed(
    db, client, partnership, user
):
    vote = new_vote(db, partnership, user, PROPOSALS)
    sign_in(client, issue(db, vote, user))
    response = client.post(
        f"/vote/{vote.id}/propose", data={"title": "parks", "description": "Greener parks"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is already an option called ‘Parks’." in page
    assert 'href="#title"' in page
    assert 'value="parks"' in page and "Greener parks" in page
    assert len(db.session.scalars(sa.select(VoteOption)).all()) == 3


def test_an_untitled_proposal_is_refused(db, client, partnership, user):
    vote = new_vote(db, partnership, user, PROPOSALS)
    sign_in(client, issue(db, vote, user))
    response = client.post(f"/vote/{vote.id}/propose", data={"title": " "})
    assert response.status_code == 400
    assert "Enter a title for your proposal" in response.get_data(as_text=True)


# ---- Deliberation ----


def test_a_comment_appears_under_its_stance_with_the_pseudonym(db, client, partnership, user):
    vote = new_vote(db, partnership, user, DELIBERATION)
    card = issue(db, vote, user)
    sign_in(client, card)
    parks = option(vote, "Parks")
    response = client.post(
        f"/vote/{vote.id}/options/{parks.id}/comments",
        data={f"option-{parks.id}-stance": "against", f"option-{parks.id}-text": "Too costly."},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/vote/{vote.id}#option-{parks.id}"
    page = client.get(f"/vote/{vote.id}").get_data(as_text=True)
    section = page[page.index(f'id="option-{parks.id}"') :]
    assert re.search(rf"Against \(1\).*?{card.pseudonym}.*?Too costly\.", section, re.DOTALL), (
        section[:2000]
    )
    assert "No comments yet." in page  # the other options
    assert "&lt;" not in page


def test_a_hidden_comment_shows_as_hidden_and_never_its_text(db, client, partnership, user):
    vote = new_vote(db, partnership, user, DELIBERATION)
    card = issue(db, vote, user)
    parks = option(vote, "Parks")
    comment = deliberation.add_comment(parks, "for", "Something rude", user=user)
    deliberation.hide_comment(comment, user)
    db.session.commit()
    sign_in(client, card)
    page = client.get(f"/vote/{vote.id}").get_data(as_text=True)
    assert "This comment was hidden by the facilitator." in page
    assert "Something rude" not in page


def test_a_comment_without_a_stance_is_refused_keeping_the_text(db, client, partnership, user):
    vote = new_vote(db, partnership, user, DELIBERATION)
    sign_in(client, issue(db, vote, user))
    parks = option(vote, "Parks")
    response = client.post(
        f"/vote/{vote.id}/options/{parks.id}/comments",
        data={f"option-{parks.id}-text": "What would it cost?"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'href="#option-{parks.id}-stance"' in page
    assert "Choose for, against, or a question" in page
    assert "What would it cost?" in page


# ---- The ballot ----


def test_ranking_confirming_and_casting_stores_the_ballot_with_its_receipt(
    db, client, voting, card
):
    sign_in(client, card)
    page = client.get(f"/vote/{voting.id}/ballot").get_data(as_text=True)
    assert "Rank for ‘Parks’" in page
    assert "Give your first choice 1, your second 2, and so on." in page

    form = rank_form(voting, Parks="2", Less_litter="1", Street_lighting="")
    response = client.post(f"/vote/{voting.id}/ballot", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Check your ranking" in page
    assert re.search(r"1st</span>.*?Less litter.*?2nd</span>.*?Parks", page, re.DOTALL)
    assert ballot_count(db) == 0

    response = client.post(f"/vote/{voting.id}/cast", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your vote has been recorded" in page
    receipt = re.search(r"data-receipt>([A-Z0-9-]+)<", page).group(1)
    assert "we cannot show it again" in page

    (ballot,) = unsealed(voting)
    assert ballot.receipt == receipt
    assert list(ballot.ranking) == ids(voting, "Less litter", "Parks")
    assert db.session.scalar(sa.select(VoterCode.used)) is True
    page = client.get(f"/vote/{voting.id}").get_data(as_text=True)
    assert "You have already voted with this code" in page


def test_repeated_ranks_are_refused_with_the_choices_kept(db, client, voting, card):
    sign_in(client, card)
    form = rank_form(voting, Parks="1", Street_lighting="2", Less_litter="2")
    response = client.post(f"/vote/{voting.id}/ballot", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "you gave 2nd place to ‘Street lighting’ and ‘Less litter’" in page
    assert f'href="#rank-{option(voting, "Street lighting").id}"' in page
    assert page.count('<option value="2" selected>') == 2
    assert page.count('<option value="1" selected>') == 1
    assert ballot_count(db) == 0


def test_a_gap_is_closed_up_and_shown_before_anything_is_stored(db, client, voting, card):
    sign_in(client, card)
    form = rank_form(voting, Parks="1", Street_lighting="2", Less_litter="4")
    response = client.post(f"/vote/{voting.id}/ballot", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Your ranks skipped a number, so we have closed them up." in page
    assert re.search(r"3rd</span>.*?Less litter", page, re.DOTALL)
    litter = option(voting, "Less litter").id
    assert f'name="rank-{litter}" value="3"' in page
    assert ballot_count(db) == 0

    closed_up = rank_form(voting, Parks="1", Street_lighting="2", Less_litter="3")
    assert client.post(f"/vote/{voting.id}/cast", data=closed_up).status_code == 200
    (ballot,) = unsealed(voting)
    assert len(ballot.ranking) == 3


def test_change_my_ranking_goes_back_with_the_choices_kept(client, voting, card):
    sign_in(client, card)
    form = {**rank_form(voting, Parks="2", Less_litter="1"), "change": "1"}
    response = client.post(f"/vote/{voting.id}/ballot", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Rank for ‘Parks’" in page
    parks = option(voting, "Parks").id
    assert re.search(rf'name="rank-{parks}".*?<option value="2" selected>', page, re.DOTALL)


def test_a_second_vote_with_the_same_code_is_refused(db, client, voting, card):
    sign_in(client, card)
    form = rank_form(voting, Parks="1")
    assert client.post(f"/vote/{voting.id}/cast", data=form).status_code == 200
    response = client.post(f"/vote/{voting.id}/cast", data=rank_form(voting, Less_litter="1"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "You have already voted" in page
    assert "This code has already been used to vote" in page
    assert ballot_count(db) == 1


def test_voting_before_it_opens_is_refused(db, client, partnership, user):
    vote = new_vote(db, partnership, user, DELIBERATION)
    sign_in(client, issue(db, vote, user))
    page = client.get(f"/vote/{vote.id}/ballot").get_data(as_text=True)
    assert "Voting has not started yet." in page
    response = client.post(f"/vote/{vote.id}/cast", data=rank_form(vote, Parks="1"))
    assert response.status_code == 400
    assert "Your vote has not been recorded." in response.get_data(as_text=True)
    assert ballot_count(db) == 0


def test_voting_after_the_window_closes_is_refused(db, client, voting, card):
    sign_in(client, card)
    voting.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/vote/{voting.id}").get_data(as_text=True)
    assert "Voting closed at" in page
    response = client.post(f"/vote/{voting.id}/cast", data=rank_form(voting, Parks="1"))
    assert response.status_code == 400
    assert "Voting closed at" in response.get_data(as_text=True)
    assert ballot_count(db) == 0
    assert db.session.scalar(sa.select(VoterCode.used)) is False


def test_a_published_vote_links_to_its_results(db, client, voting, card, user):
    sign_in(client, card)
    phases.close_voting(voting, user, early=True)
    phases.save_result(voting, {"winners": []}, user)
    phases.publish_results(voting, user)
    db.session.commit()
    page = client.get(f"/vote/{voting.id}").get_data(as_text=True)
    assert f'href="/vote/{voting.id}/results"' in page


def test_a_draft_vote_says_it_has_not_started(db, client, partnership, user):
    vote = new_vote(db, partnership, user, DRAFT)
    sign_in(client, issue(db, vote, user))
    assert "This vote has not started yet." in client.get(f"/vote/{vote.id}").get_data(as_text=True)


# ---- Languages ----


@pytest.mark.parametrize("lang, direction", [("pl", "ltr"), ("ur", "rtl")])
def test_every_member_page_works_in_polish_and_urdu(db, client, voting, card, lang, direction):
    html = f'<html lang="{lang}" dir="{direction}"'
    assert html in client.get(f"/vote/enter?lang={lang}").get_data(as_text=True)
    response = client.post(f"/vote/enter?lang={lang}", data={"code": card.code})
    assert response.headers["Location"] == f"/vote/{voting.id}?lang={lang}"
    assert html in client.get(response.headers["Location"]).get_data(as_text=True)
    page = client.get(f"/vote/{voting.id}/ballot?lang={lang}").get_data(as_text=True)
    assert html in page and f'action="/vote/{voting.id}/ballot?lang={lang}"' in page
    form = rank_form(voting, Parks="1", Less_litter="3")
    page = client.post(f"/vote/{voting.id}/ballot?lang={lang}", data=form).get_data(as_text=True)
    assert html in page and f'action="/vote/{voting.id}/cast?lang={lang}"' in page
    response = client.post(f"/vote/{voting.id}/cast?lang={lang}", data=form)
    assert response.status_code == 200 and html in response.get_data(as_text=True)
    assert ballot_count(db) == 1
