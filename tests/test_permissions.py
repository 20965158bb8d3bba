"""Who may use which route: one table with an entry for every endpoint, checked for every role.

A new route without an entry in ACCESS fails ``test_every_endpoint_has_an_access_rule``,
so nobody adds a page without deciding who may see it.
"""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from werkzeug.security import generate_password_hash

from engage import create_app
from engage.accounts import models as account_models
from engage.api import tokens
from engage.api.models import ApiToken
from engage.bank import services as bank_services
from engage.events import services as event_services
from engage.panels.ballot_box import ballots, codes
from engage.panels.models import DELIBERATION, FOR
from engage.panels.outcome import tally
from engage.panels.process import deliberation, phases
from engage.questionnaire import services as questionnaire_services
from engage.questionnaire import types
from engage.timeutil import utcnow
from tests import factories, panel_factories
from tests.panel_factories import PASSPHRASE

PUBLIC = "public"  # anyone, signed in or not
STAFF = "staff"  # any signed-in role
ANALYST_ADMIN = "analyst+admin"
FACILITATOR_ADMIN = "facilitator+admin"
ADMIN = "admin"
TOKEN = "token"  # /api/: a bearer token of an analyst or admin; the session never counts
KIOSK = "kiosk token"  # /kiosk/<token>/: the event's token in the address is the credential
MEMBER = "voter code"  # /vote/<vote_id>/...: a panel member's code, entered once per browser

ROLES = ("facilitator", "analyst", "admin")
ALLOWED = {
    STAFF: {"analyst", "facilitator", "admin"},
    ANALYST_ADMIN: {"analyst", "admin"},
    FACILITATOR_ADMIN: {"facilitator", "admin"},
    ADMIN: {"admin"},
    TOKEN: {"analyst", "admin"},
}

ACCESS = {
    # Residents and the public
    "main.index": PUBLIC,
    "main.accessibility": PUBLIC,
    "main.health": PUBLIC,
    "accounts.login": PUBLIC,
    "survey.form": PUBLIC,
    "survey.submit": PUBLIC,
    "survey.thanks": PUBLIC,
    "public.you_said": PUBLIC,
    "public.you_said_map": PUBLIC,
    "vote.enter": PUBLIC,
    "priorities.public": PUBLIC,
    "priorities.public_ballots": PUBLIC,
    "priorities.public_count": PUBLIC,
    "join.index": PUBLIC,
    "join.letter": PUBLIC,
    "join.register": PUBLIC,
    "selection_public.page": PUBLIC,
    "selection_public.pool_file": PUBLIC,
    "selection_public.respondents_file": PUBLIC,
    "selection_public.categories_file": PUBLIC,
    # Panel members, with the code on their card (staff have no code)
    "vote.home": MEMBER,
    "vote.propose": MEMBER,
    "vote.support": MEMBER,
    "vote.comment": MEMBER,
    "vote.reply": MEMBER,
    "vote.sign_out": MEMBER,
    "vote.ballot": MEMBER,
    "vote.cast": MEMBER,
    "priorities.member": MEMBER,
    "priorities.member_ballots": MEMBER,
    "priorities.member_count": MEMBER,
    # Kiosk tablets
    "kiosk.start": KIOSK,
    "kiosk.survey": KIOSK,
    "kiosk.thanks": KIOSK,
    "kiosk.upload": KIOSK,
    "kiosk.service_worker": KIOSK,
    "kiosk.precache": KIOSK,
    # Every member of staff
    "main.dashboard": STAFF,
    "accounts.logout": STAFF,
    "accounts.password": STAFF,
    "partnership.overview": STAFF,
    "results.index": STAFF,
    "results.crosstab": STAFF,
    "results.figures_download": STAFF,
    "results.trend": STAFF,
    "weighting.index": STAFF,
    "weighting.load": ADMIN,
    "weighting.compute": ADMIN,
    "maps.results_map": STAFF,
    "waves.change": STAFF,
    # Analysts and admins
    "bank.proposals": ANALYST_ADMIN,
    "bank.propose": ANALYST_ADMIN,
    "users.index": ADMIN,
    "users.show": ADMIN,
    "users.set_role": ADMIN,
    "users.set_password": ADMIN,
    "users.activation": ADMIN,
    "tokens.index": ANALYST_ADMIN,
    "tokens.revoke": ANALYST_ADMIN,
    "exports.index": ANALYST_ADMIN,
    "exports.download": ANALYST_ADMIN,
    "exports.request_job": ANALYST_ADMIN,
    "exports.job": ANALYST_ADMIN,
    "exports.job_file": ANALYST_ADMIN,
    "xlsform.upload": ANALYST_ADMIN,
    "xlsform.report": ANALYST_ADMIN,
    "xlsform.tag": ANALYST_ADMIN,
    "xlsform.propose": ANALYST_ADMIN,
    # Facilitators and admins
    "events.index": FACILITATOR_ADMIN,
    "events.create": FACILITATOR_ADMIN,
    "events.show": FACILITATOR_ADMIN,
    "events.print_sheet": FACILITATOR_ADMIN,
    "events.edit": FACILITATOR_ADMIN,
    "events.new_link": FACILITATOR_ADMIN,
    "panels.index": FACILITATOR_ADMIN,
    "panels.create_panel": FACILITATOR_ADMIN,
    "panels.edit_panel": FACILITATOR_ADMIN,
    "panels.create_vote": FACILITATOR_ADMIN,
    "panels.vote": FACILITATOR_ADMIN,
    "panels.edit_vote": FACILITATOR_ADMIN,
    "panels.change_phase": FACILITATOR_ADMIN,
    "panels.close": FACILITATOR_ADMIN,
    "panels.count": FACILITATOR_ADMIN,
    "panels.start_voting": FACILITATOR_ADMIN,
    "panels.publish": FACILITATOR_ADMIN,
    "panels.options": FACILITATOR_ADMIN,
    "panels.add_option": FACILITATOR_ADMIN,
    "panels.edit_option": FACILITATOR_ADMIN,
    "panels.merge_option": FACILITATOR_ADMIN,
    "panels.reject_option": FACILITATOR_ADMIN,
    "panels.hide_comment": FACILITATOR_ADMIN,
    "panels.reply_comment": FACILITATOR_ADMIN,
    "panels.answer_question": FACILITATOR_ADMIN,
    "panels.digest_page": FACILITATOR_ADMIN,
    "panels.digest_download": FACILITATOR_ADMIN,
    "panels.digest_sent": FACILITATOR_ADMIN,
    "panels.evidence_options": FACILITATOR_ADMIN,
    "panels.voter_codes": FACILITATOR_ADMIN,
    "panels.void_codes": FACILITATOR_ADMIN,
    "panels.paper_import": FACILITATOR_ADMIN,
    "panels.paper_rules": FACILITATOR_ADMIN,
    "panels.paper_template": FACILITATOR_ADMIN,
    "panels.paper_entry": FACILITATOR_ADMIN,
    "priorities.manage_results": FACILITATOR_ADMIN,
    "priorities.manage_ballots": FACILITATOR_ADMIN,
    "priorities.manage_count": FACILITATOR_ADMIN,
    "selection.overview": FACILITATOR_ADMIN,
    "selection.start": FACILITATOR_ADMIN,
    "selection.settings": FACILITATOR_ADMIN,
    "selection.facilitators": FACILITATOR_ADMIN,
    "selection.quotas": FACILITATOR_ADMIN,
    "selection.derive": FACILITATOR_ADMIN,
    "selection.letters": FACILITATOR_ADMIN,
    "selection.import_list": FACILITATOR_ADMIN,
    "selection.volunteers": FACILITATOR_ADMIN,
    "selection.publish": FACILITATOR_ADMIN,
    "selection.withdraw": FACILITATOR_ADMIN,
    "selection.seed": FACILITATOR_ADMIN,
    "selection.draw": FACILITATOR_ADMIN,
    "selection.replace": FACILITATOR_ADMIN,
    "selection.member_letters": FACILITATOR_ADMIN,
    "selection.delete_contacts": FACILITATOR_ADMIN,
    # Admins
    "events.import_queue": ADMIN,
    "bank.accept": ADMIN,
    "bank.reject": ADMIN,
    "results.public_questions": ADMIN,
    "maps.boundaries": ADMIN,
    "waves.index": ADMIN,
    "waves.create": ADMIN,
    "waves.edit": ADMIN,
    "waves.delete": ADMIN,
    "waves.area_attributes": ADMIN,
    "audit.index": ADMIN,
    "jobs.index": ADMIN,
    "jobs.show": ADMIN,
    "jobs.recount": ADMIN,
    "xlsform.download": ADMIN,
    "audit.export": ADMIN,
    "questionnaire.overview": ADMIN,
    "questionnaire.start_draft": ADMIN,
    "questionnaire.version": ADMIN,
    "questionnaire.draft": ADMIN,
    "questionnaire.publish": ADMIN,
    "questionnaire.preview_draft": ADMIN,
    "questionnaire.details": ADMIN,
    "questionnaire.add_section": ADMIN,
    "questionnaire.edit_section": ADMIN,
    "questionnaire.add_question": ADMIN,
    "questionnaire.edit_question": ADMIN,
    "questionnaire.add_option": ADMIN,
    "questionnaire.edit_option": ADMIN,
    "questionnaire.move": ADMIN,
    "questionnaire.comparable": ADMIN,
    "questionnaire.delete": ADMIN,
    "translations.edit": ADMIN,
    "translations.missing": ADMIN,
    # The JSON API
    "api.openapi_document": PUBLIC,
    "api.questionnaire": TOKEN,
    "api.responses": TOKEN,
    "api.results": TOKEN,
    # The OData feed: the same tokens, as Bearer or the Basic password
    "odata.service": TOKEN,
    "odata.service_metadata": TOKEN,
    "odata.responses": TOKEN,
    "odata.responses_count": TOKEN,
    "odata.results": TOKEN,
    "odata.results_count": TOKEN,
}

# Built once at import, only to list the routes for parametrizing; each test gets its own app.
_ROUTES = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
ENDPOINTS = sorted({rule.endpoint for rule in _ROUTES.url_map.iter_rules()} - {"static"})


def test_every_endpoint_has_an_access_rule():
    missing = [endpoint for endpoint in ENDPOINTS if endpoint not in ACCESS]
    stale = [endpoint for endpoint in ACCESS if endpoint not in ENDPOINTS]
    assert not missing, f"Add these endpoints to ACCESS in {__name__}: {missing}"
    assert not stale, f"These ACCESS entries name no route: {stale}"


@pytest.fixture
def fast_passwords(monkeypatch):
    """One hash round: this test signs in dozens of users and is not about passwords."""
    monkeypatch.setattr(
        account_models,
        "generate_password_hash",
        lambda password: generate_password_hash(password, "pbkdf2:sha256:1"),
    )


@pytest.fixture
def world(db, partnership, fast_passwords):
    """One of everything a route can name: a draft with questions, an event, a proposal."""
    version = factories.make_questionnaire(partnership)
    draft = questionnaire_services.start_draft(version.questionnaire)
    question = next(q for q in draft.questions if q.type == types.MULTIPLE)
    event = event_services.create_event(
        partnership,
        event_services.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    proposer = factories.make_user(partnership, "analyst", "police")
    proposal = bank_services.propose(
        proposer,
        bank_services.ProposalData(
            text="Do you use the library?",
            hint="",
            type=types.YES_NO,
            option_labels=[],
            reason="Opening hours.",
        ),
    )
    api_token, _ = tokens.create_token(proposer, "Someone else's token")
    vote, comment, member_code = _published_vote(partnership)
    db.session.commit()
    return {
        "number": version.number,
        "lang": "pl",
        "kind": "questions",
        "item_id": question.id,
        "question_id": question.id,
        "option_id": question.options[0].id,
        "section_id": question.section_id,
        "proposal_id": proposal.id,
        "event_id": event.id,
        "token": event.kiosk_token,
        "code": "safe_dark",
        "token_id": api_token.id,
        "filename": "responses.csv",
        "panel_id": vote.panel_id,
        "vote_id": vote.id,
        "vote_option_id": comment.option_id,
        "comment_id": comment.id,
        "public_token": vote.public_token,
        "fmt": "csv",
        "member_code": member_code,
        "import_id": 1,  # none exists: allowed roles get a 404
        "job_id": 1,  # none exists: allowed roles get a 404 (and only the owner ever more)
        "wave_id": 1,  # none exists: allowed roles get a 404
        "name": "no-such-scheme",  # a weighting scheme: allowed roles get a 404
        "index": 0,
        "user_id": proposer.id,
        "change": "reactivate",  # already active: changes nothing for the roles allowed
        "style": "labels",  # an OData service root: option answers as labels
    }


def _published_vote(partnership):
    """A vote taken through every phase: a comment, one ballot, counted and published.
    Returns it, the comment, and an unused member's code."""
    facilitator = panel_factories.facilitator(partnership)
    vote = panel_factories.make_vote(partnership, facilitator, DELIBERATION)
    comment = deliberation.add_comment(vote.options[0], FOR, "Yes please", user=facilitator)
    phases.start_voting(vote, facilitator, PASSPHRASE)
    voter, spare = codes.generate_codes(vote, 2, facilitator)
    member = codes.member_for_code(vote, voter.code)
    ballots.cast_ballot(vote, member, [vote.options[0].id])
    phases.close_voting(vote, facilitator, early=True)
    tally.run_count(vote, facilitator, PASSPHRASE)
    phases.publish_results(vote, facilitator)
    return vote, comment, spare.code


def _clients(app, db, partnership) -> dict[str, object]:
    """An anonymous client and one signed-in client per role."""
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        user = factories.make_user(partnership, role)
        db.session.commit()
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302
        clients[role] = client
    return clients


def _bearer_tokens(db, partnership) -> dict[str, str]:
    """A token per role; a facilitator cannot be issued one, so theirs is made directly."""
    found = {}
    for role in ROLES:
        user = factories.make_user(partnership, role)
        if role in tokens.API_ROLES:
            _, found[role] = tokens.create_token(user, "Matrix")
        else:
            found[role] = "eng_facilitator-token-made-directly-for-this-test-0000"
            db.session.add(
                ApiToken(
                    user_id=user.id,
                    name="Matrix",
                    prefix=found[role][:12],
                    token_hash=tokens.hash_token(found[role]),
                )
            )
    db.session.commit()
    return found


def _urls(app, endpoint: str, values: dict) -> list[tuple[str, str]]:
    """(method, url) for every method of every rule of the endpoint."""
    found = []
    for rule in app.url_map.iter_rules(endpoint):
        unknown = rule.arguments - set(values)
        assert not unknown, f"Add sample values for {sorted(unknown)} (used by {rule.rule})"
        with app.test_request_context():
            url = app.url_for(endpoint, **{name: values[name] for name in rule.arguments})
        found.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def _to_login(response) -> bool:
    return response.status_code == 302 and urlparse(response.location).path == "/login"


def _allowed(response, who: str, method: str, url: str) -> None:
    where = f"{who} {method} {url} -> {response.status_code}"
    assert response.status_code not in (401, 403), where
    assert not _to_login(response), where
    assert response.status_code < 500, where


def _json_error(response, status: int, where: str) -> None:
    assert response.status_code == status, f"{where} -> {response.status_code}"
    assert response.get_json()["error"]["message"], where


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_each_role_gets_what_the_table_says(app, db, partnership, world, endpoint):
    assert endpoint in ACCESS, f"{endpoint} has no entry in ACCESS"
    access = ACCESS[endpoint]
    clients = _clients(app, db, partnership)
    bearer = _bearer_tokens(db, partnership) if access == TOKEN else {}
    for method, url in _urls(app, endpoint, world):
        for who, client in clients.items():
            response = client.open(url, method=method, data={}, buffered=True)
            where = f"{who} {method} {url}"
            if access in (PUBLIC, KIOSK):
                _allowed(response, who, method, url)
            elif access == MEMBER:  # nobody here has entered a code, staff included
                assert response.status_code in (302, 303), f"{where} -> {response.status_code}"
                assert urlparse(response.location).path == "/vote/enter", where
            elif access == TOKEN:
                _json_error(response, 401, f"{where} (session only)")
            elif who == "anonymous":
                assert _to_login(response), f"{where} -> {response.status_code}"
            elif who in ALLOWED[access]:
                _allowed(response, who, method, url)
            else:
                assert response.status_code == 403, f"{where} -> {response.status_code}"
        if access == TOKEN:
            for role, plaintext in bearer.items():
                headers = {"Authorization": f"Bearer {plaintext}"}
                response = app.test_client().open(
                    url, method=method, headers=headers, buffered=True
                )
                if role in ALLOWED[TOKEN]:
                    _allowed(response, f"{role} token", method, url)
                else:
                    _json_error(response, 403, f"{role} token {method} {url}")
        if access == MEMBER:
            member = app.test_client()
            entered = member.post("/vote/enter", data={"code": world["member_code"]})
            assert entered.status_code in (302, 303), entered.get_data(as_text=True)
            _allowed(member.open(url, method=method, buffered=True), "member", method, url)
        if access == KIOSK:
            bogus = url.replace(world["token"], "not-a-kiosk-token")
            response = app.test_client().open(bogus, method=method, data={}, buffered=True)
            assert response.status_code in (403, 404), f"{method} {bogus} -> {response.status_code}"
