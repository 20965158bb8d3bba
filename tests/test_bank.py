"""The question bank: proposing, reusing an existing question, and deciding proposals."""

import sqlalchemy as sa

from engage.bank import services
from engage.bank.models import ACCEPTED, JOINED, PENDING, REJECTED, Proposal
from engage.main.services import headline_stats
from engage.questionnaire import types
from engage.questionnaire.models import BankQuestion, Question
from engage.questionnaire.services import draft_version
from tests import factories

SMOKE_ALARM_AGAIN = "Do you have a smoke alarm that works?"


def form_data(**overrides):
    data = {
        "text": "Do you own a car?",
        "hint": "",
        "type": types.YES_NO,
        "options": "",
        "reason": "To plan parking.",
        "check": "Check for similar questions",
    }
    data.update(overrides)
    return data


def all_proposals(db):
    return list(db.session.scalars(sa.select(Proposal).order_by(Proposal.id)))


def question_count(db):
    return db.session.scalar(sa.select(sa.func.count(Question.id)))


def make_proposal(partnership, agency_slug="police", **fields):
    user = factories.make_user(partnership, "analyst", agency_slug)
    data = services.ProposalData(
        text=fields.get("text", "How often do you use the library?"),
        hint=fields.get("hint", ""),
        type=fields.get("type", types.SINGLE),
        option_labels=fields.get("option_labels", ["Every week", "Less often", "Never"]),
        reason=fields.get("reason", "To plan library opening hours."),
    )
    return services.propose(user, data)


def test_near_duplicate_proposal_shows_the_existing_question_with_a_score(
    analyst_client, questionnaire, db
):
    response = analyst_client.post("/bank/propose", data=form_data(text=SMOKE_ALARM_AGAIN))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Do you have a working smoke alarm?" in html
    assert "smoke_alarm" in html
    assert "About you" in html
    assert "Riverside Fire and Rescue" in html
    assert "Use this question" in html
    assert "%</span>" in html
    assert SMOKE_ALARM_AGAIN in html  # the analyst's input is kept
    assert all_proposals(db) == []


def test_use_this_question_tags_the_agency_onto_it_and_adds_no_question(
    analyst_client, questionnaire, db
):
    before = headline_stats()
    questions_before = question_count(db)
    smoke_alarm = db.session.scalar(
        sa.select(BankQuestion).where(BankQuestion.code == "smoke_alarm")
    )

    response = analyst_client.post(
        "/bank/propose",
        data=form_data(text=SMOKE_ALARM_AGAIN, use_question=str(smoke_alarm.id)),
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert [a.slug for a in smoke_alarm.agencies] == ["council", "fire"]
    assert question_count(db) == questions_before
    (proposal,) = all_proposals(db)
    assert proposal.status == JOINED
    assert proposal.bank_question_id == smoke_alarm.id
    after = headline_stats()
    assert after["questions_shared"] == before["questions_shared"] + 1
    assert after["questions_single_agency"] == before["questions_single_agency"] - 1
    assert after["questions"] == before["questions"]
    page = analyst_client.get("/partnership/").get_data(as_text=True)
    council = page.split('id="agency-council"')[1].split('id="agency-')[0]
    assert "smoke_alarm" in council and "Fire" in council


def test_match_already_used_by_own_agency_offers_no_button(analyst_client, questionnaire):
    response = analyst_client.post(
        "/bank/propose", data=form_data(text="How safe do you feel outside when it is dark?")
    )
    html = response.get_data(as_text=True)
    assert "safe_dark" in html
    assert "Riverside City Council already uses this question" in html
    assert "Use this question" not in html


def test_unrelated_proposal_is_saved_pending_straight_away(analyst_client, questionnaire, db):
    response = analyst_client.post("/bank/propose", data=form_data())
    assert response.status_code == 302
    (proposal,) = all_proposals(db)
    assert proposal.status == PENDING
    assert proposal.agency.slug == "council"
    assert proposal.proposed_by_id == analyst_client.user.id
    assert proposal.text == "Do you own a car?"


def test_propose_it_anyway_saves_a_pending_proposal_despite_matches(
    analyst_client, questionnaire, db
):
    data = form_data(text=SMOKE_ALARM_AGAIN, anyway="Propose it anyway")
    del data["check"]
    response = analyst_client.post("/bank/propose", data=data)
    assert response.status_code == 302
    (proposal,) = all_proposals(db)
    assert (proposal.status, proposal.bank_question_id) == (PENDING, None)


def test_choice_options_are_stored_one_per_line(analyst_client, questionnaire, db):
    data = form_data(type=types.SINGLE, options="Every week\r\n\r\n Less often \nNever")
    analyst_client.post("/bank/propose", data=data)
    (proposal,) = all_proposals(db)
    assert proposal.option_labels == ["Every week", "Less often", "Never"]


def test_pending_proposal_of_another_agency_is_shown_as_a_match(
    analyst_client, partnership, questionnaire, db
):
    make_proposal(partnership, "police")
    db.session.commit()
    response = analyst_client.post(
        "/bank/propose", data=form_data(text="How often do you use your local library?")
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Already proposed, waiting for a decision" in html
    assert "Riverside Police" in html
    assert len(all_proposals(db)) == 1


def test_invalid_proposal_rerenders_with_errors_keeps_input_and_stores_nothing(
    analyst_client, questionnaire, db
):
    data = form_data(text="", type=types.SINGLE, options="Only one", reason="Keep this reason")
    response = analyst_client.post("/bank/propose", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "Enter the question text" in html
    assert "Enter at least two options, one per line" in html
    assert "Keep this reason" in html
    assert all_proposals(db) == []


def test_match_threshold_comes_from_config(app, analyst_client, questionnaire, db):
    app.config["ENGAGE_MATCH_THRESHOLD"] = 101
    response = analyst_client.post("/bank/propose", data=form_data(text=SMOKE_ALARM_AGAIN))
    assert response.status_code == 302
    assert [p.status for p in all_proposals(db)] == [PENDING]


def test_admin_accepts_a_proposal_into_a_new_draft_tagged_to_the_agency(
    admin_client, partnership, questionnaire, db
):
    proposal = make_proposal(partnership, "police")
    db.session.commit()
    page = admin_client.get(f"/bank/{proposal.id}/accept").get_data(as_text=True)
    assert 'value="use_library"' in page  # suggested code
    section = questionnaire.sections[2]

    response = admin_client.post(
        f"/bank/{proposal.id}/accept",
        data={"code": "library_use", "section": str(section.id), "required": "yes"},
    )

    assert response.status_code == 302
    db.session.expire_all()
    draft = draft_version(questionnaire.questionnaire)
    question = next(q for q in draft.questions if q.code == "library_use")
    assert question.section.title == "About you"
    assert question.required is True
    assert [o.label for o in question.options] == ["Every week", "Less often", "Never"]
    assert [o.code for o in question.options] == ["every_week", "less_often", "never"]
    assert [a.slug for a in question.agencies] == ["police"]
    assert "library_use" not in {q.code for q in questionnaire.questions}
    assert proposal.status == ACCEPTED
    assert proposal.decided_by_id == admin_client.user.id
    assert proposal.decided_at is not None
    assert proposal.bank_question_id == question.bank_question_id


def test_accepting_a_yes_no_proposal_adds_the_fixed_options(
    admin_client, partnership, questionnaire, db
):
    proposal = make_proposal(
        partnership, text="Do you own a car?", type=types.YES_NO, option_labels=[]
    )
    db.session.commit()
    admin_client.post(
        f"/bank/{proposal.id}/accept",
        data={"code": "own_car", "section": str(questionnaire.sections[0].id), "required": "no"},
    )
    draft = draft_version(questionnaire.questionnaire)
    question = next(q for q in draft.questions if q.code == "own_car")
    assert [o.code for o in question.options] == ["yes", "no"]
    assert question.required is False


def test_accept_refuses_a_code_already_in_the_draft(admin_client, partnership, questionnaire, db):
    proposal = make_proposal(partnership)
    db.session.commit()
    response = admin_client.post(
        f"/bank/{proposal.id}/accept",
        data={"code": "ward", "section": str(questionnaire.sections[0].id), "required": "no"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    assert "The draft already has a question with the code ‘ward’" in html
    db.session.expire_all()
    assert proposal.status == PENDING
    assert draft_version(questionnaire.questionnaire) is None


def test_accept_refuses_an_invalid_code(admin_client, partnership, questionnaire, db):
    proposal = make_proposal(partnership)
    db.session.commit()
    response = admin_client.post(
        f"/bank/{proposal.id}/accept",
        data={
            "code": "Library Use",
            "section": str(questionnaire.sections[0].id),
            "required": "no",
        },
    )
    assert response.status_code == 400
    assert "must start with a lower-case letter" in response.get_data(as_text=True)


def test_admin_rejects_with_a_reason_the_proposer_sees(
    admin_client, analyst_client, partnership, questionnaire, db
):
    proposal = make_proposal(partnership)
    db.session.commit()
    response = admin_client.post(
        f"/bank/{proposal.id}/reject", data={"reason": "The library service runs its own survey."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert proposal.status == REJECTED
    assert proposal.decision_note == "The library service runs its own survey."
    assert proposal.decided_by_id == admin_client.user.id
    page = analyst_client.get("/bank/").get_data(as_text=True)
    assert "The library service runs its own survey." in page
    assert "Rejected" in page


def test_reject_without_a_reason_is_refused(admin_client, partnership, questionnaire, db):
    proposal = make_proposal(partnership)
    db.session.commit()
    response = admin_client.post(f"/bank/{proposal.id}/reject", data={"reason": "  "})
    assert response.status_code == 400
    assert "Give a reason for rejecting the proposal" in response.get_data(as_text=True)
    db.session.expire_all()
    assert proposal.status == PENDING


def test_a_decided_proposal_cannot_be_decided_again(admin_client, partnership, questionnaire, db):
    proposal = make_proposal(partnership)
    proposal.status = REJECTED
    db.session.commit()
    assert admin_client.post(f"/bank/{proposal.id}/reject", data={"reason": "x"}).status_code == 409


def test_analyst_cannot_accept_or_reject(analyst_client, partnership, questionnaire, db):
    proposal = make_proposal(partnership)
    db.session.commit()
    assert analyst_client.get(f"/bank/{proposal.id}/accept").status_code == 403
    assert (
        analyst_client.post(f"/bank/{proposal.id}/reject", data={"reason": "no"}).status_code == 403
    )
    db.session.expire_all()
    assert proposal.status == PENDING


def test_facilitator_cannot_propose_or_see_the_bank(facilitator_client, questionnaire):
    assert facilitator_client.get("/bank/propose").status_code == 403
    assert facilitator_client.post("/bank/propose", data=form_data()).status_code == 403
    assert facilitator_client.get("/bank/").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, partnership):
    for url in ("/bank/", "/bank/propose", "/bank/1/accept", "/bank/1/reject"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_analyst_sees_own_agency_first_and_can_filter_by_agency(
    analyst_client, partnership, questionnaire, db
):
    make_proposal(partnership, "police", text="Police proposal text")
    make_proposal(partnership, "council", text="Council proposal text")
    make_proposal(partnership, "police", text="Another police proposal")
    db.session.commit()
    page = analyst_client.get("/bank/").get_data(as_text=True)
    assert page.index("Council proposal text") < page.index("Another police proposal")
    assert page.index("Another police proposal") < page.index("Police proposal text")
    assert "Accept" not in page
    filtered = analyst_client.get("/bank/?agency=police").get_data(as_text=True)
    assert "Council proposal text" not in filtered
    assert "Police proposal text" in filtered


def test_admin_sees_pending_proposals_with_accept_and_reject(
    admin_client, partnership, questionnaire, db
):
    proposal = make_proposal(partnership)
    db.session.commit()
    page = admin_client.get("/bank/").get_data(as_text=True)
    assert f"/bank/{proposal.id}/accept" in page
    assert f"/bank/{proposal.id}/reject" in page
