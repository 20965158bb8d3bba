"""Paper ballots on the web: a CSV file imported whole or not at all, or one typed in."""

import io
import re

import pytest
import sqlalchemy as sa

from engage.panels.models import DELIBERATION, VOTING, Ballot
from tests.panel_factories import make_vote, option

GOOD = (
    "rank_1,rank_2,rank_3\n"
    "Parks,Street lighting,\n"
    "less litter,,\n"
    "Street lighting,Parks,Less litter\n"
)
BAD = "rank_1,rank_2\nParks,\nParkz,\nParks,parks\n"


@pytest.fixture
def vote(db, partnership, facilitator_client):
    vote = make_vote(partnership, facilitator_client.user, VOTING)
    db.session.commit()
    return vote


def text(response) -> str:
    return response.get_data(as_text=True)


def stored(db) -> list[Ballot]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Ballot)))


def upload(client, vote, data: bytes):
    return client.post(
        f"/panels/votes/{vote.id}/paper",
        data={"ballots_file": (io.BytesIO(data), "ballots.csv")},
        content_type="multipart/form-data",
    )


def test_a_good_file_is_imported_with_a_receipt_for_each_line(db, facilitator_client, vote):
    response = upload(facilitator_client, vote, GOOD.encode())
    assert response.status_code == 200
    page = text(response)
    assert "3 paper ballots imported" in page
    receipts = re.findall(r"Line (\d): receipt <strong[^>]*>([A-Z0-9-]+)</strong>", page)
    assert [line for line, _ in receipts] == ["2", "3", "4"]
    ballots = stored(db)
    assert sorted(b.receipt for b in ballots) == sorted(r for _, r in receipts)
    assert all(b.paper for b in ballots)


def test_a_file_saved_with_a_byte_order_mark_is_read(db, facilitator_client, vote):
    response = upload(facilitator_client, vote, ("\ufeff" + GOOD).encode("utf-8"))
    assert response.status_code == 200
    assert len(stored(db)) == 3


def test_a_bad_file_lists_every_problem_and_imports_nothing(db, facilitator_client, vote):
    response = upload(facilitator_client, vote, BAD.encode())
    assert response.status_code == 400
    page = text(response)
    assert "2 lines have problems, so no ballots were imported" in page
    assert "Line 3: ‘Parkz’ in rank_1 is not an option on this vote." in page
    assert "Line 4: ‘parks’ is ranked more than once." in page
    assert 'href="#ballots_file"' in page
    assert stored(db) == []


def test_a_file_is_required(db, facilitator_client, vote):
    response = facilitator_client.post(f"/panels/votes/{vote.id}/paper", data={})
    assert response.status_code == 400
    assert "Choose the CSV file of paper ballots" in text(response)


def test_the_template_names_the_rank_columns_and_the_options(db, facilitator_client, vote):
    response = facilitator_client.get(f"/panels/votes/{vote.id}/paper/template.csv")
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines == ["rank_1,rank_2,rank_3", "Parks,Street lighting,Less litter"]


def test_one_paper_ballot_is_entered_and_its_receipt_shown(db, facilitator_client, vote):
    parks, lighting = option(vote, "Parks"), option(vote, "Street lighting")
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/paper/enter",
        data={f"rank_{lighting.id}": "1", f"rank_{parks.id}": "2"},
        follow_redirects=True,
    )
    [ballot] = stored(db)
    assert f"Write its receipt on the paper: {ballot.receipt}" in text(response)
    assert ballot.paper
    assert [r.option_id for r in ballot.rankings] == [lighting.id, parks.id]


def test_a_paper_ballot_with_a_repeated_rank_is_refused(db, facilitator_client, vote):
    parks, lighting = option(vote, "Parks"), option(vote, "Street lighting")
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/paper/enter",
        data={f"rank_{lighting.id}": "1", f"rank_{parks.id}": "1"},
    )
    assert response.status_code == 400
    assert "Give each option a different rank" in text(response)
    assert stored(db) == []


def test_a_paper_ballot_that_skips_a_rank_is_confirmed_first(db, facilitator_client, vote):
    parks, litter = option(vote, "Parks"), option(vote, "Less litter")
    data = {f"rank_{parks.id}": "1", f"rank_{litter.id}": "3"}
    url = f"/panels/votes/{vote.id}/paper/enter"
    response = facilitator_client.post(url, data=data)
    assert "Your ranks skipped a number, so they were closed up" in text(response)
    assert stored(db) == []
    confirmed = re.search(r'name="confirmed" value="([0-9,]+)"', text(response)).group(1)
    facilitator_client.post(url, data={**data, "confirmed": confirmed})
    [ballot] = stored(db)
    assert [r.option_id for r in ballot.rankings] == [parks.id, litter.id]


def test_paper_ballots_wait_for_voting_to_start(db, facilitator_client, partnership):
    vote = make_vote(partnership, facilitator_client.user, DELIBERATION)
    db.session.commit()
    response = upload(facilitator_client, vote, GOOD.encode())
    assert response.status_code == 400
    assert "Paper ballots can be entered only while the vote is open for voting" in text(response)
    assert stored(db) == []
