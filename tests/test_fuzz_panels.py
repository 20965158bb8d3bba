"""Property tests: hostile ballots and paper-ballot files never cause a 5xx.

A member's ballot form (checked, then cast) and a facilitator's CSV file of
paper ballots get generated input: ranks that are not numbers (including digits
such as "²" that Python calls digits but cannot read), repeated ranks, unknown
and repeated fields, control characters, invalid UTF-8, huge numbers. A refusal
says what was wrong and stores nothing: no ballot, and the member's code is
still unused. A valid ballot is cast once, with a receipt.

CSRF is off here (the test configuration's default): these tests are about what
the views do with the data. CSRF itself is tested with it on in
tests/test_security_csrf.py.
"""

import io

import pytest
import sqlalchemy as sa
from hypothesis import event, example, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from engage.accounts.models import User
from engage.audit.models import AuditEntry
from engage.extensions import db
from engage.panels.ballot_box import codes
from engage.panels.models import VOTING, Ballot, PriorityVote, VoterCode
from tests import factories
from tests.fuzz_helpers import (
    assert_clear_page,
    fuzz_settings,
    mostly,
    nasty_text,
    raw_body,
    rows,
)
from tests.panel_factories import facilitator, make_vote, stored_ballots, unsealed

TITLES = ("Parks", "Street lighting", "Less litter", "Bus shelters")


@pytest.fixture
def voting(db, partnership):
    """A vote open for voting: its id, its option ids, and the facilitator's id."""
    user = facilitator(partnership)
    vote = make_vote(partnership, user, VOTING, titles=TITLES)
    db.session.commit()
    return vote.id, [o.id for o in vote.active_options], user.id


def new_member_client(app, vote_id: int, user_id: int):
    """A browser signed in with a fresh voter card."""
    vote = db.session.get(PriorityVote, vote_id)
    (card,) = codes.generate_codes(vote, 1, db.session.get(User, user_id))
    db.session.commit()
    client = app.test_client()
    response = client.post("/vote/enter", data={"code": card.code})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def used_codes() -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(VoterCode.used.is_(True)))


rank_value = mostly(st.integers(1, 4).map(str), st.one_of(nasty_text, st.just("")))


@st.composite
def ballot_forms(draw, option_ids: list[int]):
    """A ballot: a rank (or nonsense) for some options, maybe repeated fields and extras."""
    pairs = []
    for option_id in option_ids:
        for value in draw(mostly(st.lists(rank_value, max_size=1), st.lists(rank_value))):
            pairs.append((f"rank-{option_id}", value))
    unknown = st.tuples(
        st.one_of(st.integers(-3, 2**40).map(lambda n: f"rank-{n}"), nasty_text), rank_value
    )
    pairs += draw(mostly(st.just([]), st.lists(unknown, min_size=1, max_size=3)))
    return pairs


def readable_ranks(pairs, option_ids) -> dict[int, int] | None:
    """What the ballot means, read independently: option → rank, or None if it is refused.

    The first value of each field counts; blank means not ranked; any other value must
    be a whole number from 1 (as Python reads it), and no two options may share one.
    """
    form = MultiDict(pairs)
    ranks = {}
    for option_id in option_ids:
        value = (form.get(f"rank-{option_id}") or "").strip()
        if not value:
            continue
        try:
            rank = int(value)
        except ValueError:
            return None
        if rank < 1:
            return None
        ranks[option_id] = rank
    if not ranks or len(set(ranks.values())) != len(ranks):
        return None
    return ranks


@pytest.fixture
def member_client(app, voting):
    return new_member_client(app, voting[0], voting[2])


@given(data=st.data())
@example(data=None)
@fuzz_settings(max_examples=60)
def test_ballot_check_refuses_bad_ranks_clearly_and_stores_nothing(member_client, voting, data):
    vote_id, option_ids, _user_id = voting
    client = member_client
    if data is None:  # the digits Python's str.isdigit() accepts and int() refuses
        pairs = [(f"rank-{option_ids[0]}", "²"), (f"rank-{option_ids[1]}", "9" * 5000)]
    else:
        pairs = data.draw(ballot_forms(option_ids))
    before = (stored_ballots(), *rows(VoterCode), used_codes())
    response = client.post(f"/vote/{vote_id}/ballot", data=MultiDict(pairs))
    assert (stored_ballots(), *rows(VoterCode), used_codes()) == before
    event(f"HTTP {response.status_code}")
    page = response.get_data(as_text=True)
    if readable_ranks(pairs, option_ids) is not None:
        assert response.status_code == 200
        assert "Check your ranking" in page
    else:
        assert response.status_code == 400
        assert_clear_page(response)


@given(vote_path=st.integers(0, 2**70))
@example(vote_path=2**31)
@example(vote_path=2**63)
@fuzz_settings(max_examples=15)
def test_a_vote_that_does_not_exist_is_a_404_whatever_its_number(member_client, voting, vote_path):
    vote_path = vote_path if vote_path != voting[0] else 0
    for action in ("ballot", "cast"):
        response = member_client.post(f"/vote/{vote_path}/{action}", data={})
        assert response.status_code == 404
        assert_clear_page(response)


@given(data=st.data())
@fuzz_settings(max_examples=40)
def test_casting_stores_one_ballot_for_a_good_ranking_and_nothing_otherwise(app, voting, data):
    vote_id, option_ids, user_id = voting
    client = new_member_client(app, vote_id, user_id)
    ballots_before, used_before = stored_ballots(), used_codes()
    vote = db.session.get(PriorityVote, vote_id)
    receipts_before = {b.receipt for b in unsealed(vote)}
    if data.draw(st.integers(0, 9)):
        pairs = data.draw(ballot_forms(option_ids))
        response = client.post(f"/vote/{vote_id}/cast", data=MultiDict(pairs))
    else:
        pairs = []
        response = client.post(
            f"/vote/{vote_id}/cast",
            data=data.draw(raw_body),
            content_type="application/x-www-form-urlencoded",
        )
    event(f"HTTP {response.status_code}")
    ballots, used = stored_ballots(), used_codes()
    expected = readable_ranks(pairs, option_ids)
    if expected is not None:
        assert response.status_code == 200
        assert "Your vote has been recorded" in response.get_data(as_text=True)
        assert (ballots, used) == (ballots_before + 1, used_before + 1)
        # The new sealed ballot, opened with the test passphrase, says what was ranked.
        (stored,) = [b for b in unsealed(vote) if b.receipt not in receipts_before]
        order = sorted(expected, key=expected.get)
        assert list(stored.ranking) == order
    else:
        assert response.status_code == 400
        assert_clear_page(response)
        # Nothing stored, and this card can still vote.
        assert (ballots, used) == (ballots_before, used_before)


@pytest.fixture
def paper_client(app, voting):
    """The facilitator who runs the vote, signed in."""
    email = db.session.get(User, voting[2]).email
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


csv_cell = st.one_of(st.sampled_from(["", "parks ", "LESS LITTER", "Parkz"]), nasty_text)
# A ballot as a person fills one in: their first choices, in order, then blanks.
good_row = st.permutations(TITLES).flatmap(
    lambda order: st.integers(1, len(order)).map(lambda n: list(order[:n]))
)


@st.composite
def paper_files(draw) -> bytes:
    """A CSV of paper ballots: mostly well formed, with bad cells, headers and bytes."""
    header = [f"rank_{n}" for n in range(1, len(TITLES) + 1)]
    header = draw(mostly(st.just(header), st.lists(csv_cell, max_size=5)))
    ballots = st.lists(mostly(good_row, st.lists(csv_cell, max_size=5)), max_size=6)
    lines = [header, *draw(ballots)]
    text = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in line) for line in lines)
    encoding = draw(mostly(st.just("utf-8"), st.sampled_from(["utf-16", "latin-1", "utf-8-sig"])))
    return text.encode(encoding, errors="replace")


@given(data=st.data())
@example(data=b"rank_1\r\n" + b"Parks\x00\r\n")
@example(data=b"rank_1\r\n" + b"a" * 140_000 + b"\r\n")
@example(data=b"rank_" + b"9" * 5000 + b"\r\nParks\r\n")
@example(data=b"rank_1,rank_1\r\nParks,Parks\r\n")
@fuzz_settings(max_examples=50)
def test_paper_ballot_import_is_all_or_nothing_and_never_a_server_error(paper_client, voting, data):
    vote_id = voting[0]
    content = data if isinstance(data, bytes) else data.draw(mostly(paper_files(), raw_body))
    before = rows(Ballot, AuditEntry)
    response = paper_client.post(
        f"/panels/votes/{vote_id}/paper",
        data={"ballots_file": (io.BytesIO(content), "ballots.csv")},
        content_type="multipart/form-data",
    )
    after = rows(Ballot, AuditEntry)
    event(f"HTTP {response.status_code}")
    if response.status_code == 200:
        page = response.get_data(as_text=True)
        imported = after[0] - before[0]
        assert imported > 0
        noun = "paper ballot" if imported == 1 else "paper ballots"
        assert f"{imported} {noun} imported" in page
        return
    assert response.status_code == 400
    assert after == before
    assert_clear_page(response)


def test_a_paper_import_without_a_file_is_refused(paper_client, voting):
    response = paper_client.post(f"/panels/votes/{voting[0]}/paper", data={})
    assert response.status_code == 400
    assert "Choose the CSV file of paper ballots" in response.get_data(as_text=True)


def test_a_ballot_or_file_over_the_size_limit_is_refused_with_413(
    app, voting, member_client, paper_client
):
    vote_id = voting[0]
    size = app.config["MAX_CONTENT_LENGTH"] + 1
    paper = b"--x\r\nContent-Disposition: form-data; name=ballots_file; filename=a.csv\r\n\r\n"
    form = "application/x-www-form-urlencoded"
    for client, path, body, content_type in (
        (member_client, f"/vote/{vote_id}/ballot", b"rank-1=" + b"1" * size, form),
        (member_client, f"/vote/{vote_id}/cast", b"rank-1=" + b"1" * size, form),
        (
            paper_client,
            f"/panels/votes/{vote_id}/paper",
            paper + b"a" * size,
            "multipart/form-data; boundary=x",
        ),
    ):
        before = rows(Ballot, VoterCode) + (used_codes(),)
        response = client.post(path, data=body, content_type=content_type)
        assert response.status_code == 413, path
        assert_clear_page(response)
        assert rows(Ballot, VoterCode) + (used_codes(),) == before, path
