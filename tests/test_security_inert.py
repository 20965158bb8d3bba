"""Markup and formulas typed by residents and members stay inert wherever they are shown.

The text goes in through the forms people use (CSRF on): a survey answer, a kiosk
upload, a member's proposal and comment, a facilitator's option. Then every page and
download that shows it is read back: HTML escapes it, CSV neutralises formulas.
Export formats are covered in depth by tests/test_exports.py (free text in CSV, XLSX
with no formulas) and tests/test_audit.py (the audit CSV).
"""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engage.events import services as event_services
from engage.panels.ballot_box import ballots, codes
from engage.panels.models import PROPOSALS, PriorityVote
from engage.panels.outcome import tally
from engage.panels.process import phases
from engage.results import services as results_services
from engage.survey.services import new_key
from engage.timeutil import utcnow
from tests import panel_factories
from tests import test_permissions as matrix
from tests.panel_factories import PASSPHRASE
from tests.security_helpers import csrf_config, csrf_token, post_form, staff_client

MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://x","y")'
RAW = ("<script>alert", "<img src=x")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
FORMULA_STARTS = ("=", "+", "-", "@")

fast_passwords = matrix.fast_passwords
pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def app_config(app_config):
    return csrf_config(app_config)


def assert_inert(response, where: str, shown: bool = False) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code == 200, where
    if response.mimetype == "text/html":
        for raw in RAW:
            assert raw not in body, f"{where}: {raw}"
        if shown:
            assert ESCAPED in body, f"{where} should show the text, escaped"
    else:
        assert response.headers["X-Content-Type-Options"] == "nosniff", where
    return body


def assert_no_formula_cells(body: str, where: str) -> None:
    cells = [cell for row in csv.reader(io.StringIO(body.lstrip("\ufeff"))) for cell in row]
    assert cells, where
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)], where


def _resident_answers(app, db, questionnaire):
    """A survey answer and a kiosk upload carrying markup and a formula."""
    resident = app.test_client()
    data = {
        "csrf_token": csrf_token(resident, "/survey/"),
        "_key": new_key(),
        "_version": str(questionnaire.id),
        "q-ward": "north",
        "q-safe_dark": "unsafe",
        "q-why_unsafe": MARKUP,
        "q-street": FORMULA,
    }
    assert resident.post("/survey/", data=data).status_code == 303
    # An answer the checker refuses (a bad number) is shown again with the markup kept.
    again = resident.post("/survey/", data={**data, "_key": new_key(), "q-household": "x"})
    assert again.status_code == 400 and ESCAPED in again.get_data(as_text=True)
    assert not any(raw in again.get_data(as_text=True) for raw in RAW)

    event = event_services.create_event(
        questionnaire.questionnaire.partnership,
        event_services.EventFields(name=MARKUP, starts_on=utcnow().date() + timedelta(days=1)),
    )
    db.session.commit()
    upload = {
        "key": new_key(),
        "version": questionnaire.id,
        "lang": "en",
        "answers": {"ward": ["north"], "safe_dark": ["unsafe"], "why_unsafe": [MARKUP]},
    }
    tablet = app.test_client()
    assert tablet.post(f"/kiosk/{event.kiosk_token}/responses", json=upload).status_code == 201
    return event


def _panel(app, db, partnership, facilitator):
    """A vote whose options, proposal and comment carry markup and a formula; published."""
    vote = panel_factories.make_vote(partnership, facilitator.user, PROPOSALS)
    issued = codes.generate_codes(vote, 3, facilitator.user)
    db.session.commit()
    new_option = f"/panels/votes/{vote.id}/options/new"
    for title in (MARKUP, FORMULA):
        added = post_form(
            facilitator, new_option, {"title": title, "description": FORMULA}, new_option
        )
        assert added.status_code == 302, added.get_data(as_text=True)

    member = app.test_client()
    entered = post_form(member, "/vote/enter", {"code": issued[0].code}, "/vote/enter")
    assert entered.status_code == 303
    home = f"/vote/{vote.id}"
    proposal = {"title": MARKUP + " again", "description": MARKUP}
    proposed = post_form(member, f"{home}/propose", proposal, home, follow_redirects=True)
    assert_inert(proposed, "member's page after proposing (flash message)", shown=True)

    phases.start_deliberation(vote, facilitator.user)
    db.session.commit()
    option = next(o for o in vote.options if o.title == MARKUP)
    comment = {f"option-{option.id}-stance": "for", f"option-{option.id}-text": MARKUP}
    commented = post_form(member, f"{home}/options/{option.id}/comments", comment, home)
    assert commented.status_code == 303, commented.get_data(as_text=True)
    db.session.refresh(vote)
    assert MARKUP in [c.text for o in vote.options for c in o.comments]

    phases.start_voting(vote, facilitator.user, PASSPHRASE)
    db.session.commit()
    ballot = assert_inert(member.get(f"{home}/ballot"), "ballot page", shown=True)
    assert "&lt;img src=x" in ballot
    ranked = [o.id for o in vote.active_options if o.title in (MARKUP, FORMULA)]
    for card in issued[1:]:
        ballots.cast_ballot(vote, codes.member_for_code(vote, card.code), ranked)
    phases.close_voting(vote, facilitator.user, early=True)
    tally.run_count(vote, facilitator.user, PASSPHRASE)
    phases.publish_results(vote, facilitator.user)
    db.session.commit()
    return vote, member


def test_markup_and_formulas_stay_inert_everywhere_they_appear(app, db, partnership, questionnaire):
    event = _resident_answers(app, db, questionnaire)
    results_services.set_public_questions(questionnaire.questionnaire, {"safe_dark"})
    db.session.commit()
    facilitator = staff_client(app, partnership, "facilitator")
    admin = staff_client(app, partnership, "admin")
    vote, member = _panel(app, db, partnership, facilitator)
    vote = db.session.get(PriorityVote, vote.id)
    public = f"/priorities/{vote.public_token}"

    # Staff and public pages. Free text never reaches an aggregate; the event name does.
    assert_inert(admin.get("/results/"), "dashboard")
    assert_inert(admin.get("/results/?ward=north"), "dashboard, filtered")
    # A filter name made of markup is refused, and its message shows it escaped.
    refused = admin.get("/results/?" + MARKUP.replace("&", "%26").replace("=", "%3D") + "=1")
    assert refused.status_code == 400
    assert not any(raw in refused.get_data(as_text=True) for raw in RAW)
    figures = assert_inert(admin.get("/results/figures.csv"), "figures download")
    assert_no_formula_cells(figures, "figures download")
    assert_inert(admin.get("/you-said"), "public 'you said' page")
    assert_inert(admin.get("/events/"), "events list", shown=True)
    assert_inert(admin.get(f"/events/{event.id}/"), "event page", shown=True)
    assert_inert(admin.get("/admin/audit/"), "audit trail", shown=True)
    # The members' and facilitators' panel pages, and the results for everyone.
    assert_inert(member.get(f"/vote/{vote.id}"), "member's page", shown=True)
    assert_inert(member.get(f"/vote/{vote.id}/results"), "member's results", shown=True)
    for path, shown in (("", False), ("/options", True), ("/results", True)):
        page = f"/panels/votes/{vote.id}{path}"
        assert_inert(facilitator.get(page), f"facilitator {page}", shown=shown)
    assert_inert(app.test_client().get(public), "public results", shown=True)

    # Downloads: the ballots as CSV (formulas neutralised) and BLT, the count as JSON.
    ballots_csv = assert_inert(app.test_client().get(f"{public}/ballots.csv"), "ballots.csv")
    assert_no_formula_cells(ballots_csv, "ballots.csv")
    assert "'" + FORMULA.replace('"', '""') in ballots_csv
    blt = assert_inert(app.test_client().get(f"{public}/ballots.blt"), "ballots.blt")
    assert MARKUP in blt  # plain text, served as a download
    count = app.test_client().get(f"{public}/count.json")
    assert MARKUP in json.dumps(count.json)
    # The shared results, for a user granted free text.
    admin.user.free_text_access = True
    db.session.commit()
    responses_csv = assert_inert(admin.get("/exports/responses.csv"), "responses.csv")
    assert_no_formula_cells(responses_csv, "responses.csv")
    assert MARKUP in responses_csv and "'" + FORMULA.replace('"', '""') in responses_csv


def test_the_downloads_are_never_shown_as_pages(app, db, partnership):
    """CSV, BLT and JSON come as attachments with their own types, so no browser runs them."""
    facilitator = staff_client(app, partnership, "facilitator")
    vote = panel_factories.make_vote(partnership, facilitator.user, PROPOSALS, titles=(MARKUP,))
    db.session.commit()
    template = facilitator.get(f"/panels/votes/{vote.id}/paper/template.csv")
    assert template.mimetype == "text/csv"
    assert template.headers["Content-Disposition"].startswith("attachment")
    assert re.search(r"<script", template.get_data(as_text=True))  # as text, in a CSV
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PriorityVote)) == 1
