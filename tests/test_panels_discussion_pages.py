"""Deliberation that answers back, on the web: members reply, facilitators reply and give
official answers, and a digest of the discussion to print or paste into an email."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.localtime import local
from engage.panels.ballot_box import codes
from engage.panels.models import DELIBERATION, FOR, QUESTION, CommentAnswer, OptionComment, Panel
from engage.panels.process import answers, deliberation
from engage.timeutil import utcnow
from tests.panel_factories import make_vote, member, option


@pytest.fixture
def user(facilitator_client):
    return facilitator_client.user


@pytest.fixture
def vote(db, partnership, user):
    vote = make_vote(partnership, user, DELIBERATION)
    db.session.commit()
    return vote


def text(response, status=200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def visible(html: str) -> str:
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        .replace("\u2068", "")
        .replace("\u2069", "")
    )


def signed_in_member(app, db, vote, user):
    """A member's browser with a fresh card entered, and that card's pseudonym."""
    (card,) = codes.generate_codes(vote, 1, user)
    db.session.commit()
    client = app.test_client()
    assert client.post("/vote/enter", data={"code": card.code}).status_code == 303
    return client, card.pseudonym


def comment_by(db, vote, user, stance=FOR, words="Children need it"):
    comment = deliberation.add_comment(
        option(vote, "Parks"), stance, words, member=member(vote, user)
    )
    db.session.commit()
    return comment


# Members


def test_a_member_replies_and_the_reply_shows_under_the_comment(app, db, vote, user):
    comment = comment_by(db, vote, user)
    client, pseudonym = signed_in_member(app, db, vote, user)
    page = text(client.get(f"/vote/{vote.id}"))
    assert f'action="/vote/{vote.id}/comments/{comment.id}/replies"' in page
    response = client.post(
        f"/vote/{vote.id}/comments/{comment.id}/replies",
        data={f"reply-{comment.id}-text": "And a new playground"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/vote/{vote.id}#comment-{comment.id}"
    page = text(client.get(f"/vote/{vote.id}"))
    thread = page[page.index(f'id="comment-{comment.id}"') :]
    reply = db.session.scalar(sa.select(OptionComment).where(OptionComment.parent_id == comment.id))
    shown_time = local(reply.created_at).strftime("%H:%M")
    assert re.search(
        rf"Children need it.*member-replies.*{pseudonym}.*{shown_time},.*And a new playground",
        thread,
        re.DOTALL,
    )
    assert "Your reply on ‘Parks’ has been added." in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [(" ", "Enter your reply"), ("A" * 2001, "Your reply must be 2000 characters or fewer")],
)
def test_a_bad_reply_is_refused_keeping_what_was_typed(app, db, vote, user, typed, message):
    comment = comment_by(db, vote, user)
    client, _ = signed_in_member(app, db, vote, user)
    response = client.post(
        f"/vote/{vote.id}/comments/{comment.id}/replies", data={f"reply-{comment.id}-text": typed}
    )
    page = text(response, 400)
    assert "There is a problem" in page
    assert f'href="#reply-{comment.id}-text"' in page and message in page
    assert re.search(r'<details class="govuk-details member-comment__reply" open>', page)
    if typed.strip():
        assert typed in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OptionComment)) == 1


def test_members_do_not_see_a_hidden_comments_replies_but_facilitators_do(
    app, db, vote, user, facilitator_client
):
    comment = comment_by(db, vote, user, words="Something rude")
    deliberation.add_reply(comment, "Please be kind", member=member(vote, user))
    deliberation.hide_comment(comment, user)
    db.session.commit()
    client, _ = signed_in_member(app, db, vote, user)
    page = text(client.get(f"/vote/{vote.id}"))
    assert "This comment was hidden by the facilitator." in page
    assert "Please be kind" not in page and "Something rude" not in page
    assert f"/comments/{comment.id}/replies" not in page  # no reply box under it
    refused = client.post(
        f"/vote/{vote.id}/comments/{comment.id}/replies", data={f"reply-{comment.id}-text": "Hm"}
    )
    assert "That comment has been hidden, so it takes no replies." in text(refused, 400)
    staff = text(facilitator_client.get(f"/panels/votes/{vote.id}/options"))
    assert "Please be kind" in staff and "Something rude" not in staff


def test_an_official_answer_shows_on_the_option_marked_and_first(app, db, vote, user):
    parks = option(vote, "Parks")
    asker = member(vote, user)
    later = deliberation.add_comment(parks, QUESTION, "Who pays?", member=asker)
    later.created_at = utcnow() + timedelta(minutes=5)
    answered = deliberation.add_comment(parks, QUESTION, "Which parks?", member=asker)
    answers.answer_question(answered, "All three in North Ward.", user)
    db.session.commit()
    client, _ = signed_in_member(app, db, vote, user)
    page = visible(text(client.get(f"/vote/{vote.id}")))
    assert re.search(
        r"Questions \(2\) .*Which parks\? Official answer from the facilitator, .*"
        r"All three in North Ward\. .*Who pays\?",
        page,
    )
    assert user.email not in page and (not user.name or user.name not in page)


def test_member_pages_answer_back_in_polish_and_urdu(app, db, vote, user):
    parks = option(vote, "Parks")
    question = deliberation.add_comment(parks, QUESTION, "Which parks?", member=member(vote, user))
    answers.answer_question(question, "All three.", user)
    db.session.commit()
    client, _ = signed_in_member(app, db, vote, user)
    polish = text(client.get(f"/vote/{vote.id}?lang=pl"))
    assert "Oficjalna odpowiedź" in polish and "Twoja odpowiedź" in polish
    assert "Odpowiedz" in polish
    urdu = text(client.get(f"/vote/{vote.id}?lang=ur"))
    assert "باضابطہ جواب" in urdu and "آپ کا جواب" in urdu


# Facilitators


def test_a_facilitator_replies_from_the_options_page(db, vote, user, facilitator_client):
    comment = comment_by(db, vote, user)
    options_page = text(facilitator_client.get(f"/panels/votes/{vote.id}/options"))
    url = f"/panels/votes/{vote.id}/comments/{comment.id}/reply"
    assert f'href="{url}"' in options_page
    refused = facilitator_client.post(url, data={"text": ""})
    assert 'href="#text"' in text(refused, 400)
    response = facilitator_client.post(url, data={"text": "We will ask the council."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/options#comment-{comment.id}")
    page = text(facilitator_client.get(f"/panels/votes/{vote.id}/options"))
    assert re.search(
        r"Children need it.*engage-replies.*We will ask the council\.", page, re.DOTALL
    )
    assert f"/comments/{comment.replies[0].id}/hide" in page


def test_questions_wait_in_a_to_do_list_until_answered(db, vote, user, facilitator_client):
    question = comment_by(db, vote, user, QUESTION, "Which parks?")
    options_url = f"/panels/votes/{vote.id}/options"
    page = text(facilitator_client.get(options_url))
    assert "Questions waiting for an answer (1)" in page
    assert "Waiting for an answer" in page
    url = f"/panels/votes/{vote.id}/comments/{question.id}/answer"
    assert f'href="{url}"' in page
    assert 'href="#text"' in text(facilitator_client.post(url, data={"text": " "}), 400)
    assert facilitator_client.post(url, data={"text": "All three."}).status_code == 302
    page = visible(text(facilitator_client.get(options_url)))
    assert "Questions waiting for an answer" not in page
    assert "Which parks? Official answer from the facilitator" in page
    assert "Change the official answer" in page
    # Rewording: the form starts from the answer as it stands.
    assert "All three." in text(facilitator_client.get(url))
    facilitator_client.post(url, data={"text": "All three parks."})
    db.session.expire_all()
    stored = db.session.scalars(sa.select(CommentAnswer)).one()
    assert (stored.text, stored.edited_at is not None) == ("All three parks.", True)


def test_a_comment_that_is_not_a_question_has_no_answer_form(db, vote, user, facilitator_client):
    comment = comment_by(db, vote, user)
    url = f"/panels/votes/{vote.id}/comments/{comment.id}/answer"
    page = text(facilitator_client.get(url))
    assert "Only a member’s question that is not hidden can have an official answer." in page
    assert 'name="text"' not in page
    assert "Only a member’s question" in text(facilitator_client.post(url, data={"text": "X"}), 400)
    assert db.session.scalars(sa.select(CommentAnswer)).all() == []


# The digest


def boxes(html: str, name: str) -> tuple[str, ...]:
    """The day, month and year typed in a GOV.UK date input."""
    found = re.findall(
        rf'id="{name}-(?:day|month|year)" name="{name}" type="text" value="(\d*)"', html
    )
    return tuple(found)


def dated(db, comment, moment):
    comment.created_at = moment
    db.session.commit()


def test_the_digest_lists_the_last_seven_days_option_by_option(db, vote, user, facilitator_client):
    now = utcnow()
    old = comment_by(db, vote, user, words="An old comment")
    dated(db, old, now - timedelta(days=10))
    new = comment_by(db, vote, user, words="A new comment")
    deliberation.add_reply(new, "A reply to it", member=member(vote, user))
    question = comment_by(db, vote, user, QUESTION, "Which parks?")
    waiting = comment_by(db, vote, user, QUESTION, "Who pays?")
    answers.answer_question(question, "All three.", user)
    rude = comment_by(db, vote, user, words="Something rude")
    deliberation.hide_comment(rude, user)
    db.session.commit()
    html = text(facilitator_client.get(f"/panels/{vote.panel_id}/digest"))
    page = visible(html)
    assert "Digest of the discussion" in page
    assert re.search(
        r"New comments 3 New replies 1 Official answers 1 Questions still unanswered 1", page
    )
    assert "A new comment" in page and "A reply to it" in page and "All three." in page
    assert "An old comment" not in page and "Something rude" not in page
    assert "Who pays?" in page and waiting.voter_code.pseudonym in page
    main = html[html.index("<main") : html.index("</main>")]
    assert "@" not in main  # handles only: nobody's email address
    # GOV.UK date inputs: three boxes a field, not a browser date picker.
    assert html.count('name="since"') == 3 and html.count('name="until"') == 3
    assert 'type="date"' not in html
    today = local(now).date()
    week_ago = today - timedelta(days=7)
    assert boxes(html, "since") == (str(week_ago.day), str(week_ago.month), str(week_ago.year))
    assert boxes(html, "until") == (str(today.day), str(today.month), str(today.year))


def test_the_digest_as_text_says_the_same(db, vote, user, facilitator_client):
    comment_by(db, vote, user, words="A new comment")
    question = comment_by(db, vote, user, QUESTION, "Which parks?")
    answers.answer_question(question, "All three.", user)
    db.session.commit()
    response = facilitator_client.get(f"/panels/{vote.panel_id}/digest.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="digest-')
    body = response.get_data(as_text=True)
    assert body.startswith("Digest of the discussion: North Ward panel\n")
    assert "2 new comments\n0 new replies\n1 official answer\n0 questions still unanswered" in body
    assert "Option: Parks" in body and "    A new comment" in body
    assert "Question: Which parks?" in body and "Answer: All three." in body
    assert "<" not in body and "@" not in body


def test_a_chosen_period_and_bad_dates(db, vote, user, facilitator_client):
    comment = comment_by(db, vote, user, words="Back in March")
    dated(db, comment, datetime(2026, 3, 10, 12, tzinfo=UTC))
    url = f"/panels/{vote.panel_id}/digest"
    march = {"since": ["1", "3", "2026"], "until": ["31", "3", "2026"]}
    page = visible(text(facilitator_client.get(url, query_string=march)))
    assert "1 March 2026 to 31 March 2026" in page and "Back in March" in page
    backwards = {"since": ["31", "3", "2026"], "until": ["1", "3", "2026"]}
    html = text(facilitator_client.get(url, query_string=backwards), 400)
    assert "The last day must be the same as or after the first day" in html
    assert boxes(html, "since") == ("31", "3", "2026")  # what was typed stays
    bad = {"since": ["31", "2", "2026"], "until": ["", "", ""]}
    assert "The first day must be a real date" in text(
        facilitator_client.get(url, query_string=bad), 400
    )
    as_text = facilitator_client.get(f"{url}.txt", query_string=backwards)
    assert as_text.status_code == 400 and "The last day must be" in as_text.get_data(as_text=True)


def test_marking_a_digest_sent_starts_the_next_one_the_day_after(
    db, vote, user, facilitator_client
):
    today = local(utcnow()).date()
    yesterday = today - timedelta(days=1)
    url = f"/panels/{vote.panel_id}/digest"
    response = facilitator_client.post(f"{url}/sent", data={"through": yesterday.isoformat()})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Panel, vote.panel_id).digest_through == yesterday
    html = text(facilitator_client.get(url))
    assert (
        boxes(html, "since")
        == boxes(html, "until")
        == (
            str(today.day),
            str(today.month),
            str(today.year),
        )
    )
    refused = facilitator_client.post(
        f"{url}/sent",
        data={"through": (today + timedelta(days=1)).isoformat()},
        follow_redirects=True,
    )
    assert "A digest can be marked as sent only up to today." in text(refused)
    db.session.expire_all()
    assert db.session.get(Panel, vote.panel_id).digest_through == yesterday
