"""Voter codes on the web: a batch answered with its cards at once, lost cards cancelled."""

import base64
import csv
import io
import re

import pytest
import sqlalchemy as sa

from engage.panels.ballot_box import codes
from engage.panels.errors import CodeError
from engage.panels.models import CLOSED, DRAFT, VoterCode
from engage.panels.staff import cards
from tests.panel_factories import make_vote

CODE = re.compile(r'<p class="engage-card__code">([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</p>')
CSV_LINK = re.compile(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture
def vote(db, partnership, facilitator_client):
    vote = make_vote(partnership, facilitator_client.user, DRAFT)
    db.session.commit()
    return vote


def text(response) -> str:
    return response.get_data(as_text=True)


def stored(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(VoterCode))


def test_new_codes_are_answered_with_their_cards(db, facilitator_client, vote):
    response = facilitator_client.post(f"/panels/votes/{vote.id}/codes", data={"count": "3"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = text(response)
    printed = CODE.findall(page)
    assert len(printed) == 3
    for code in printed:
        assert codes.member_for_code(vote, code).vote_id == vote.id
    assert page.count("<svg") == 3
    assert "Serial number 3" in page
    assert "this page cannot be shown again" in page
    assert 'Go to <span class="engage-card__url">http://localhost/vote/enter</span>' in page


def test_each_qr_code_opens_the_voting_page_with_its_code(app, monkeypatch):
    drawn = []
    monkeypatch.setattr(cards, "qr_svg", lambda url, label, **kw: drawn.append(url) or "")
    with app.test_request_context(base_url="https://engage.example.org"):
        made = cards.make_cards([codes.IssuedCode(7, "K7QD-M2XH-9RTF", "Amber Heron")])
    assert made[0].serial == 7
    # After "#", which browsers do not send: the code reaches no server or proxy log.
    assert drawn == ["https://engage.example.org/vote/enter#code=K7QD-M2XH-9RTF"]


def test_the_csv_link_carries_every_code_for_a_mail_merge(db, facilitator_client, vote):
    page = text(facilitator_client.post(f"/panels/votes/{vote.id}/codes", data={"count": "4"}))
    assert f'download="voter-codes-{vote.id}-cards-1-to-4.csv"' in page
    data = base64.b64decode(CSV_LINK.search(page).group(1)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 4
    assert [row["code"] for row in rows] == CODE.findall(page)
    assert rows[0]["vote"] == vote.title


def test_the_codes_page_counts_issued_used_and_cancelled(db, facilitator_client, vote):
    codes.generate_codes(vote, 5, facilitator_client.user)
    codes.void_codes(vote, [2], facilitator_client.user)
    db.session.commit()
    response = facilitator_client.get(f"/panels/votes/{vote.id}/codes")
    page = text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(r"Codes issued\s*</dt>\s*<dd[^>]*>\s*5", page)
    assert re.search(r"Cancelled\s*</dt>\s*<dd[^>]*>\s*1", page)


@pytest.mark.parametrize("count", ["0", "2001", "many", ""])
def test_a_count_outside_one_to_two_thousand_is_refused(db, facilitator_client, vote, count):
    response = facilitator_client.post(f"/panels/votes/{vote.id}/codes", data={"count": count})
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert stored(db) == 0


def test_no_codes_are_made_once_voting_has_closed(db, facilitator_client, partnership):
    vote = make_vote(partnership, facilitator_client.user, CLOSED)
    db.session.commit()
    url = f"/panels/votes/{vote.id}/codes"
    assert "no more codes can be made" in text(facilitator_client.get(url))
    response = facilitator_client.post(url, data={"count": "2"})
    assert response.status_code == 400
    assert "Voting has closed, so no more codes can be made" in text(response)
    assert stored(db) == 0


def test_lost_cards_are_cancelled_by_serial(db, facilitator_client, vote):
    issued = codes.generate_codes(vote, 5, facilitator_client.user)
    db.session.commit()
    response = facilitator_client.post(
        f"/panels/votes/{vote.id}/codes/cancel", data={"serials": "2, 4-5"}, follow_redirects=True
    )
    assert "3 cards cancelled" in text(response)
    db.session.expire_all()
    with pytest.raises(CodeError, match="cancelled"):
        codes.member_for_code(vote, issued[3].code)
    assert codes.member_for_code(vote, issued[0].code).serial == 1


def test_an_unknown_serial_cancels_nothing(db, facilitator_client, vote):
    codes.generate_codes(vote, 2, facilitator_client.user)
    db.session.commit()
    url = f"/panels/votes/{vote.id}/codes/cancel"
    response = facilitator_client.post(url, data={"serials": "1, 9"})
    assert response.status_code == 400
    assert "No card with serial 9 for this vote." in text(response)
    assert codes.code_counts(vote)["voided"] == 0
    garbled = facilitator_client.post(url, data={"serials": "one"})
    assert "‘one’ is not a serial number or range" in text(garbled)
