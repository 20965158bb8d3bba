"""Voter codes: unique, readable, stored only as hashes, cancellable, with stable pseudonyms."""

import csv
import hashlib
import io
import re

import pytest
import sqlalchemy as sa

from engage.panels.ballot_box import codes
from engage.panels.errors import CodeError, PanelError
from engage.panels.models import CLOSED, DRAFT, VOTING, VoterCode
from tests import factories
from tests.panel_factories import facilitator, make_vote

CODE_FORMAT = re.compile(
    r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}(-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}){2}"
)


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


@pytest.fixture
def vote(db, partnership, user):
    return make_vote(partnership, user, DRAFT)


def test_generated_codes_are_unique_readable_and_numbered(db, vote, user):
    issued = codes.generate_codes(vote, 200, user)
    db.session.commit()
    assert len({i.code for i in issued}) == 200
    assert all(CODE_FORMAT.fullmatch(i.code) for i in issued)
    assert [i.serial for i in issued] == list(range(1, 201))
    assert len({i.pseudonym for i in issued}) == 200
    more = codes.generate_codes(vote, 5, user)
    assert [i.serial for i in more] == [201, 202, 203, 204, 205]


def test_only_a_hash_of_each_code_is_stored(db, vote, user):
    issued = codes.generate_codes(vote, 3, user)
    db.session.commit()
    rows = db.session.execute(sa.select(VoterCode.__table__)).all()
    stored = " ".join(str(value) for row in rows for value in row)
    for item in issued:
        assert item.code not in stored
        assert item.code.replace("-", "") not in stored
    expected = {hashlib.sha256(i.code.replace("-", "").encode()).hexdigest() for i in issued}
    assert {row.code_hash for row in rows} == expected


def test_a_code_is_recognised_however_it_is_typed(db, vote, user):
    (issued,) = codes.generate_codes(vote, 1, user)
    db.session.commit()
    typed = " " + issued.code.lower().replace("-", " ") + " "
    found = codes.member_for_code(vote, typed)
    assert found.serial == issued.serial
    assert found.pseudonym == issued.pseudonym


def test_an_unknown_code_is_refused(db, vote, user):
    codes.generate_codes(vote, 1, user)
    with pytest.raises(CodeError, match="not recognised for this vote"):
        codes.member_for_code(vote, "AAAA-BBBB-CCCC")
    with pytest.raises(CodeError, match="not recognised"):
        codes.member_for_code(vote, "")


def test_a_code_belongs_to_one_vote(db, partnership, vote, user):
    other = make_vote(partnership, user, DRAFT)
    (issued,) = codes.generate_codes(vote, 1, user)
    with pytest.raises(CodeError, match="not recognised for this vote"):
        codes.member_for_code(other, issued.code)


def test_a_pseudonym_stays_with_its_code(db, vote, user):
    issued = codes.generate_codes(vote, 10, user)
    db.session.commit()
    for item in issued:
        assert codes.member_for_code(vote, item.code).pseudonym == item.pseudonym
        assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", item.pseudonym)
        assert str(item.serial) not in item.pseudonym


def test_pseudonyms_stay_unique_beyond_the_word_pairs(db, vote, user):
    pairs = len(codes.ADJECTIVES) * len(codes.NOUNS)
    names = codes._pseudonyms(set(), pairs + 50)
    assert len(set(names)) == len(names) == pairs + 50


def test_a_batch_after_every_word_pair_is_taken_gets_numbered_names(db, vote, user):
    """A third batch of 2,000 cards used to find no free pair to number and never return."""
    pairs = [f"{a} {n}" for a in codes.ADJECTIVES for n in codes.NOUNS if a != n]
    taken = set(pairs) | {f"{name} 2" for name in pairs[:100]}
    names = codes._pseudonyms(taken, 3000)
    assert len(set(names)) == len(names) == 3000
    assert not taken & set(names)
    assert all(name.endswith((" 2", " 3")) for name in names)


def test_a_lost_card_is_cancelled_by_its_serial(db, vote, user):
    issued = codes.generate_codes(vote, 3, user)
    assert codes.void_codes(vote, [2], user) == 1
    with pytest.raises(CodeError, match="has been cancelled"):
        codes.member_for_code(vote, issued[1].code)
    assert codes.member_for_code(vote, issued[0].code).serial == 1
    with pytest.raises(PanelError, match="No card with serial 9"):
        codes.void_codes(vote, [9], user)
    assert codes.code_counts(vote) == {"issued": 3, "voided": 1, "used": 0}


def test_the_mail_merge_csv_has_one_row_per_card(db, vote, user):
    vote.title = "=Priorities"
    issued = codes.generate_codes(vote, 2, user)
    rows = list(csv.DictReader(io.StringIO(codes.codes_csv(vote, issued))))
    assert [r["serial"] for r in rows] == ["1", "2"]
    assert [r["code"] for r in rows] == [i.code for i in issued]
    assert rows[0]["pseudonym"] == issued[0].pseudonym
    assert rows[0]["vote"] == "'=Priorities"  # not a spreadsheet formula


def test_codes_are_made_in_batches_of_a_sensible_size(db, vote, user):
    with pytest.raises(PanelError, match="between 1 and 2000 codes"):
        codes.generate_codes(vote, 0, user)
    with pytest.raises(PanelError, match="between 1 and 2000 codes"):
        codes.generate_codes(vote, 2001, user)


def test_no_codes_are_made_once_voting_has_closed(db, partnership, user):
    vote = make_vote(partnership, user, CLOSED)
    with pytest.raises(PanelError, match="Voting has closed, so no more codes"):
        codes.generate_codes(vote, 1, user)


def test_codes_can_be_made_while_voting_is_open(db, partnership, user):
    vote = make_vote(partnership, user, VOTING)
    assert len(codes.generate_codes(vote, 2, user)) == 2


def test_only_facilitators_and_admins_make_codes(db, partnership, vote):
    analyst = factories.make_user(partnership, "analyst")
    with pytest.raises(PanelError, match="Only facilitators and administrators"):
        codes.generate_codes(vote, 1, analyst)
