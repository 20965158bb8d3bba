"""Facilitators' pages for panels and votes: set up, move through the phases, count, publish."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.panels.ballot_box import ballots, codes
from engage.panels.models import (
    CLOSED,
    DELIBERATION,
    DRAFT,
    PROPOSALS,
    PUBLISHED,
    STV,
    VOTING,
    Ballot,
    BallotSeal,
    Panel,
    PriorityVote,
    SealedBallot,
)
from engage.panels.process import votes
from engage.partnership.models import Area, Partnership
from engage.timeutil import utcnow
from tests.panel_factories import PASSPHRASE, ids, make_panel, make_vote


def text(response) -> str:
    return response.get_data(as_text=True)


def fresh(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


@pytest.fixture
def user(facilitator_client):
    return facilitator_client.user


def vote_in(db, partnership, user, phase=DRAFT, **fields):
    vote = make_vote(partnership, user, phase, **fields)
    db.session.commit()
    return vote


def vote_data(**changes) -> dict:
    data = {
        "title": "Priorities for 2026",
        "question": "What should we fix first?",
        "method": "irv",
        "seats": "",
        "opens_on": ["", "", ""],
        "opens_time": "",
        "closes_on": ["", "", ""],
        "closes_time": "",
    }
    data.update(changes)
    return data


# Panels


def test_facilitator_creates_a_panel_for_a_ward(db, facilitator_client, partnership):
    north = db.session.scalar(sa.select(Area).where(Area.code == "north"))
    response = facilitator_client.post(
        "/panels/new",
        data={"name": "North panel", "description": "Twelve residents", "area": north.id},
    )
    assert response.status_code == 302
    panel = db.session.scalar(sa.select(Panel))
    assert (panel.name, panel.area_id, panel.description) == (
        "North panel",
        north.id,
        "Twelve residents",
    )
    page = text(facilitator_client.get("/panels/"))
    assert "North panel" in page and "North Ward" in page
    assert "Panel ‘North panel’ created" in page


def test_a_panel_for_the_whole_partnership_needs_a_name(db, facilitator_client, partnership):
    response = facilitator_client.post("/panels/new", data={"name": " ", "area": ""})
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert "Enter a name for the panel" in text(response)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Panel)) == 0


def test_editing_a_panel_changes_its_name_and_area(db, facilitator_client, partnership, user):
    panel = make_panel(partnership, user)
    db.session.commit()
    page = text(facilitator_client.get(f"/panels/{panel.id}/edit"))
    assert 'value="North Ward panel"' in page
    response = facilitator_client.post(
        f"/panels/{panel.id}/edit", data={"name": "Everyone’s panel", "area": ""}
    )
    assert response.status_code == 302
    panel = fresh(db, Panel, panel.id)
    assert (panel.name, panel.area_id) == ("Everyone’s panel", None)


# Votes


def test_a_vote_is_created_with_its_window_in_uk_time(db, facilitator_client, partnership, user):
    panel = make_panel(partnership, user)
    db.session.commit()
    response = facilitator_client.post(
        f"/panels/{panel.id}/votes/new",
        data=vote_data(
            opens_on=["1", "6", "2030"],
            opens_time="9:00",
            closes_on=["14", "6", "2030"],
            closes_time="18:30",
        ),
    )
    assert response.status_code == 302
    vote = db.session.scalar(sa.select(PriorityVote))
    assert response.headers["Location"].endswith(f"/panels/votes/{vote.id}")
    assert (vote.title, vote.phase, vote.method, vote.seats) == (
        "Priorities for 2026",
        DRAFT,
        "irv",
        1,
    )
    # British Summer Time: 9am in London is 8am UTC.
    assert vote.opens_at.replace(tzinfo=UTC) == datetime(2030, 6, 1, 8, 0, tzinfo=UTC)
    assert vote.closes_at.replace(tzinfo=UTC) == datetime(2030, 6, 14, 17, 30, tzinfo=UTC)
    page = text(facilitator_client.get(f"/panels/votes/{vote.id}"))
    assert "09:00, 1 June 2030" in page and "18:30, 14 June 2030" in page


def test_a_window_with_only_an_opening_time_is_refused(db, facilitator_client, partnership, user):
    panel = make_panel(partnership, user)
    db.session.commit()
    response = facilitator_client.post(
        f"/panels/{panel.id}/votes/new",
        data=vote_data(opens_on=["1", "6", "2030"], opens_time="25:00"),
    )
    assert response.status_code == 400
    page = text(response)
    assert "Enter the time voting opens as hours and minutes" in page
    assert "Enter when voting closes" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityVote)) == 0


def test_several_priorities_need_a_number_of_seats(db, facilitator_client, partnership, user):
    panel = make_panel(partnership, user)
    db.session.commit()
    url = f"/panels/{panel.id}/votes/new"
    response = facilitator_client.post(url, data=vote_data(method="stv"))
    assert response.status_code == 400
    assert "Enter how many priorities the vote should choose" in text(response)
    assert facilitator_client.post(url, data=vote_data(method="stv", seats="3")).status_code == 302
    vote = db.session.scalar(sa.select(PriorityVote))
    assert (vote.method, vote.seats) == (STV, 3)


def test_the_vote_form_shows_the_stored_window_in_uk_time(
    db, facilitator_client, partnership, user
):
    vote = vote_in(db, partnership, user)
    vote.opens_at = datetime(2030, 1, 10, 18, 0, tzinfo=UTC)  # GMT: the same on the clock
    db.session.commit()
    page = text(facilitator_client.get(f"/panels/votes/{vote.id}/edit"))
    assert 'value="18:00"' in page
    assert 'value="Priorities' not in page and 'value="What should we fix first?"' in page


def test_the_vote_cannot_be_edited_once_voting_has_started(
    db, facilitator_client, partnership, user
):
    vote = vote_in(db, partnership, user, VOTING)
    response = facilitator_client.get(f"/panels/votes/{vote.id}/edit", follow_redirects=True)
    assert "cannot be changed once voting has started" in text(response)


# Phases


def test_the_vote_page_explains_each_phase_and_shows_turnout(
    db, facilitator_client, partnership, user
):
    vote = vote_in(db, partnership, user, VOTING)
    codes.generate_codes(vote, 4, user)
    db.session.commit()
    page = text(facilitator_client.get(f"/panels/votes/{vote.id}"))
    assert "Members rank the options with their code" in page
    assert "4 issued, 0 cancelled" in page
    assert "0 ballots cast" in page
    assert "Close voting early" in page


def test_a_vote_moves_on_through_proposals_and_deliberation(
    db, facilitator_client, partnership, user
):
    vote = vote_in(db, partnership, user)
    url = f"/panels/votes/{vote.id}/phase"
    response = facilitator_client.post(url, data={"to": "proposals"}, follow_redirects=True)
    assert "Proposals are open" in text(response)
    assert fresh(db, PriorityVote, vote.id).phase == PROPOSALS
    facilitator_client.post(url, data={"to": "deliberation"})
    assert fresh(db, PriorityVote, vote.id).phase == DELIBERATION
    facilitator_client.post(url, data={"to": "back"})
    assert fresh(db, PriorityVote, vote.id).phase == PROPOSALS


def test_starting_voting_without_a_window_shows_why_not(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user, DELIBERATION)
    vote.opens_at = vote.closes_at = None
    db.session.commit()
    response = facilitator_client.post(f"/panels/votes/{vote.id}/phase", data={"to": "voting"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/panels/votes/{vote.id}/start-voting")
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/start-voting",
        data={"passphrase": PASSPHRASE, "confirm": PASSPHRASE},
    )
    assert response.status_code == 400
    assert "Set when voting opens and closes before starting the vote." in text(response)
    assert fresh(db, PriorityVote, vote.id).phase == DELIBERATION
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BallotSeal)) == 0


@pytest.mark.parametrize(
    ("passphrase", "confirm", "message"),
    [
        ("", "", "Choose a passphrase for the ballot box"),
        ("short words", "short words", "at least 12 characters"),
        ("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "harder to guess"),
        ("What should we fix first?", "What should we fix first?", "harder to guess"),
        (PASSPHRASE, PASSPHRASE + "!", "The two passphrases are different"),
    ],
)
def test_a_weak_or_mistyped_passphrase_starts_nothing(
    db, facilitator_client, partnership, user, passphrase, confirm, message
):
    vote = vote_in(db, partnership, user, DELIBERATION)
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/start-voting", data={"passphrase": passphrase, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in text(response)
    # A passphrase is never written back into the page.
    assert f'value="{passphrase}"' not in response.get_data(as_text=True) or not passphrase
    assert fresh(db, PriorityVote, vote.id).phase == DELIBERATION
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BallotSeal)) == 0


def test_starting_voting_locks_the_ballot_box(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user, DELIBERATION)
    page = text(facilitator_client.get(f"/panels/votes/{vote.id}/start-voting"))
    assert "Engage keeps no copy of the passphrase" in page
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/start-voting",
        data={"passphrase": PASSPHRASE, "confirm": PASSPHRASE},
        follow_redirects=True,
    )
    assert "Keep the passphrase safe" in text(response)
    assert fresh(db, PriorityVote, vote.id).phase == VOTING
    seal = db.session.get(BallotSeal, vote.id)
    assert len(seal.public_key) == 32
    # Stored locked: neither the passphrase nor anything in the clear.
    assert PASSPHRASE.encode() not in seal.locked_key + seal.salt


def test_skipping_a_phase_is_refused(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user)
    response = facilitator_client.post(f"/panels/votes/{vote.id}/phase", data={"to": "voting"})
    assert response.status_code == 400
    assert "Voting can start only while the vote is in deliberation" in text(response)


def test_closing_early_needs_confirmation(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user, VOTING)
    url = f"/panels/votes/{vote.id}/close"
    assert "Close voting early?" in text(facilitator_client.get(url))
    refused = facilitator_client.post(url, data={})
    assert refused.status_code == 400
    assert "Confirm that you want to close it early" in text(refused)
    assert fresh(db, PriorityVote, vote.id).phase == VOTING
    assert facilitator_client.post(url, data={"early": "yes"}).status_code == 302
    assert fresh(db, PriorityVote, vote.id).phase == CLOSED


def test_closing_after_the_closing_time_needs_no_confirmation(
    db, facilitator_client, partnership, user
):
    vote = vote_in(db, partnership, user, VOTING)
    vote.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "Close voting early?" not in text(
        facilitator_client.get(f"/panels/votes/{vote.id}/close")
    )
    assert facilitator_client.post(f"/panels/votes/{vote.id}/close").status_code == 302
    assert fresh(db, PriorityVote, vote.id).phase == CLOSED


def test_a_closed_vote_is_counted_then_published(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user, VOTING)
    for titles in (("Parks", "Less litter"), ("Parks",), ("Street lighting", "Parks")):
        (issued,) = codes.generate_codes(vote, 1, user)
        member = codes.member_for_code(vote, issued.code)
        ballots.cast_ballot(vote, member, ids(vote, *titles))
    db.session.commit()
    facilitator_client.post(f"/panels/votes/{vote.id}/close", data={"early": "yes"})
    count = f"/panels/votes/{vote.id}/count"
    assert "still sealed" in text(facilitator_client.get(count))
    wrong = facilitator_client.post(count, data={"passphrase": "tawny otter lantern quarrz"})
    assert wrong.status_code == 400
    assert "That passphrase does not open this vote" in text(wrong)
    assert fresh(db, PriorityVote, vote.id).result is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 0
    db.session.rollback()  # this test's reads end, as a request's do, before the count
    page = text(
        facilitator_client.post(count, data={"passphrase": PASSPHRASE}, follow_redirects=True)
    )
    assert "The votes have been counted" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedBallot)) == 0
    assert db.session.get(BallotSeal, vote.id).scrubbed_at is not None
    assert f"/panels/votes/{vote.id}/results" in page
    assert fresh(db, PriorityVote, vote.id).result["elected"] == ["Parks"]
    page = text(facilitator_client.post(f"/panels/votes/{vote.id}/publish", follow_redirects=True))
    vote = fresh(db, PriorityVote, vote.id)
    assert vote.phase == PUBLISHED
    assert f"/priorities/{vote.public_token}" in page


def test_results_cannot_be_published_before_the_count(db, facilitator_client, partnership, user):
    vote = vote_in(db, partnership, user, CLOSED)
    response = facilitator_client.post(f"/panels/votes/{vote.id}/publish")
    assert response.status_code == 400
    assert "Count the votes before publishing the results." in text(response)


# Who may see what


def test_the_staff_menu_offers_panels_to_facilitators(facilitator_client, analyst_client):
    assert 'href="/panels/"' in text(facilitator_client.get("/panels/"))
    assert 'href="/panels/"' not in text(analyst_client.get("/"))


@pytest.mark.parametrize(
    "path", ["/panels/", "/panels/new", "/panels/votes/1", "/panels/votes/1/codes"]
)
def test_analysts_may_not_use_the_facilitators_pages(analyst_client, path):
    assert analyst_client.get(path).status_code == 403


def test_another_partnerships_vote_is_not_found(db, facilitator_client, partnership, user):
    other = Partnership(slug="elsewhere", name="Elsewhere Partnership")
    db.session.add(other)
    db.session.flush()
    panel = votes.create_panel(other, votes.PanelFields(name="Theirs"), user)
    vote = votes.create_vote(panel, votes.VoteFields("Theirs", "Theirs?"), user)
    db.session.commit()
    assert facilitator_client.get(f"/panels/votes/{vote.id}").status_code == 404
    assert facilitator_client.get(f"/panels/{panel.id}/edit").status_code == 404
    assert (
        facilitator_client.post(f"/panels/votes/{vote.id}/codes", data={"count": "2"}).status_code
        == 404
    )
