"""Every route that changes state writes an audit entry: a walk of ``app.url_map``.

Each POST, PUT, PATCH or DELETE route has a recipe here: one request that really changes
something, made on a small world built once. The walk fingerprints every table but the
trail before and after each request, and fails for a route that changed state without
writing an entry. A route may instead be in EXEMPT, with the reason an entry would harm
residents' anonymity or the secrecy of the ballot; a new route with neither a recipe nor
an exemption fails ``test_every_state_changing_route_has_a_recipe_or_an_exemption``.
"""

import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from engage import create_app
from engage.accounts import models as account_models
from engage.api import tokens
from engage.audit import wording
from engage.audit.models import AuditEntry
from engage.bank import services as bank_services
from engage.events import services as event_services
from engage.panels.ballot_box import ballots, codes
from engage.panels.models import DELIBERATION, DRAFT, FOR, PROPOSALS, VOTING, PriorityVote
from engage.panels.outcome import tally
from engage.panels.process import deliberation, phases
from engage.questionnaire import comparability, editing, types
from engage.questionnaire import services as questionnaire_services
from engage.survey.answers import check_answers
from engage.survey.services import new_key, store_response
from engage.timeutil import utcnow
from engage.xlsform import importing
from tests import factories
from tests.panel_factories import PASSPHRASE, make_panel, make_vote, option
from tests.test_kiosk_import import queue_file, response_item
from tests.test_xlsform_import import fire_workbook

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
AUDIT_TABLE = "audit_entry"
NEW_PASSWORD = "otter quarry lantern 58"
Q = "/admin/questionnaire"
LATER = utcnow().date() + timedelta(days=30)

# Routes that must not write to the trail: the entry itself would do the harm.
EXEMPT = {
    "survey.submit": "a resident's answers: an entry would time-stamp an anonymous response",
    "kiosk.survey": "a resident's answers at an event tablet: anonymous, like the survey",
    "kiosk.upload": "residents' answers queued on a tablet: anonymous, like the survey",
    "vote.enter": "a member's session starting: an entry would pair the code with a time",
    "vote.sign_out": "a member's session ending: an entry would pair the code with a time",
    "vote.ballot": "the secret ballot: a ranking checked and shown back, not stored",
    "vote.cast": "the secret ballot: casting must write nothing to the trail",
    "join.register": "a resident joining a panel's pool: an entry would time-stamp the "
    "registration and so pair it with a survey response sent in the same visit",
    "join.letter": "a resident joining a panel's pool with a letter's code: as join.register",
}

# What a recipe's request must do besides answering with its status.
CHANGES = "changes state and writes an audit entry"
AUDIT_ONLY = "writes an audit entry; nothing else need change (a sign-in)"
READ_ONLY = "changes nothing, so needs no entry (a POST that only checks)"
SILENT = "changes state and writes no audit entry (an exempt route)"


@dataclass
class Step:
    """One request of a recipe (a POST; files in ``data`` make it multipart), and what it
    should answer."""

    client: FlaskClient
    url: str
    status: int
    data: dict | None = None
    # Plaintexts the recipe uses that no audit entry may hold.
    secrets: tuple[str, ...] = ()
    # Plaintexts the response hands out once (new codes, receipts, tokens), read from it.
    reveals: Callable[[TestResponse, FlaskClient], list[str]] | None = None

    def send(self) -> TestResponse:
        return self.client.post(self.url, data=self.data or {})


@dataclass(frozen=True)
class Recipe:
    build: Callable[["World"], Step]
    expect: str


RECIPES: dict[str, Recipe] = {}


def recipe(endpoint: str, expect: str = CHANGES):
    """Register the decorated function as the recipe of ``endpoint``; they run in order."""

    def register(build: Callable[["World"], Step]) -> Callable[["World"], Step]:
        RECIPES[endpoint] = Recipe(build, expect)
        return build

    return register


def state_changing_endpoints(app) -> list[str]:
    return sorted(
        {rule.endpoint for rule in app.url_map.iter_rules() if rule.methods & STATE_CHANGING}
    )


class World:
    """A partnership, a published questionnaire with a dozen responses, a draft, an event,
    and signed-in clients; recipes add whatever else they need."""

    def __init__(self, app, db):
        self.app, self.db = app, db
        self.partnership = factories.make_partnership()
        self.version = factories.make_questionnaire(self.partnership)
        areas = {a.code: a for a in self.partnership.areas}
        for ward, improve in (("north", "parks"), ("south", "lighting"), ("east", "litter")) * 4:
            values = {"ward": [ward], "safe_dark": ["very"], "improve": [improve]}
            checked = check_answers(self.version.questions, values, areas)
            store_response(self.version, checked.answers, new_key(), areas)
        self.draft = questionnaire_services.start_draft(self.version.questionnaire)
        self.event = self.new_event("Fun day")
        db.session.commit()
        self.admin = self.client_for("admin")
        self.analyst = self.client_for("analyst")
        self.fire_analyst = self.client_for("analyst", "fire")
        self.facilitator = self.client_for("facilitator")

    def user(self, role: str, agency: str = "council"):
        user = factories.make_user(self.partnership, role, agency)
        self.db.session.commit()
        return user

    def signed_in(self, user) -> FlaskClient:
        client = self.app.test_client()
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user = user
        return client

    def client_for(self, role: str, agency: str = "council") -> FlaskClient:
        return self.signed_in(self.user(role, agency))

    def new_event(self, name: str):
        fields = event_services.EventFields(name=name, starts_on=LATER)
        return event_services.create_event(self.partnership, fields)

    def vote(self, phase: str = DRAFT, titles=("Parks", "Street lighting", "Less litter")):
        vote = make_vote(self.partnership, self.facilitator.user, phase, titles=titles)
        self.db.session.commit()
        return vote

    def code(self, vote) -> codes.IssuedCode:
        (issued,) = codes.generate_codes(vote, 1, self.facilitator.user)
        self.db.session.commit()
        return issued

    def member(self, vote) -> tuple[FlaskClient, tuple[str, ...]]:
        """A browser that has entered a fresh code, and what identifies that member."""
        issued = self.code(vote)
        client = self.app.test_client()
        entered = client.post("/vote/enter", data={"code": issued.code})
        assert entered.status_code == 303, entered.get_data(as_text=True)
        return client, (issued.code, codes.normalise(issued.code), issued.pseudonym)

    def draft_question(self, code: str):
        return next(q for q in self.draft.questions if q.code == code)


def _found(pattern: str) -> Callable[[TestResponse, FlaskClient], list[str]]:
    """Read the plaintexts a page shows once."""
    return lambda response, _client: re.findall(pattern, response.get_data(as_text=True))


def _flashed(pattern: str) -> Callable[[TestResponse, FlaskClient], list[str]]:
    """Read the plaintexts a flash message carries to the next page."""

    def read(_response: TestResponse, client: FlaskClient) -> list[str]:
        with client.session_transaction() as session:
            messages = [message for _category, message in session.get("_flashes", [])]
        return [found for message in messages for found in re.findall(pattern, message)]

    return read


# Staff accounts


@recipe("accounts.login", expect=AUDIT_ONLY)
def _login(w: World) -> Step:
    email = w.user("analyst").email
    client = w.app.test_client()
    data = {"email": email, "password": factories.PASSWORD}
    return Step(client, "/login", 302, data=data, secrets=(factories.PASSWORD,))


@recipe("accounts.logout")
def _logout(w: World) -> Step:
    return Step(w.client_for("analyst"), "/logout", 302)


@recipe("accounts.password")
def _own_password(w: World) -> Step:
    data = {"current": factories.PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    secrets = (factories.PASSWORD, NEW_PASSWORD)
    return Step(w.client_for("analyst"), "/account/password", 302, data=data, secrets=secrets)


@recipe("users.set_role")
def _set_role(w: World) -> Step:
    url = f"/admin/users/{w.user('analyst').id}/role"
    return Step(w.admin, url, 302, data={"role": "facilitator"})


@recipe("users.set_password")
def _set_password(w: World) -> Step:
    url = f"/admin/users/{w.user('analyst').id}/password"
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    return Step(w.admin, url, 302, data=data, secrets=(NEW_PASSWORD,))


@recipe("users.activation")
def _deactivate(w: World) -> Step:
    return Step(w.admin, f"/admin/users/{w.user('analyst').id}/deactivate", 302)


@recipe("tokens.index")
def _new_token(w: World) -> Step:
    return Step(
        w.analyst,
        "/account/api-tokens/",
        201,
        data={"name": "Power BI"},
        reveals=_found(r'id="new-token">([^<]+)<'),
    )


@recipe("tokens.revoke")
def _revoke_token(w: World) -> Step:
    token, plaintext = tokens.create_token(w.analyst.user, "Old script")
    w.db.session.commit()
    return Step(w.analyst, f"/account/api-tokens/{token.id}/revoke", 302, secrets=(plaintext,))


# The questionnaire editor: on the draft (version 2), then publish and start another


def _question_data(**fields) -> dict:
    data = {"code": "bins", "text": "How often are your bins collected?", "hint": ""}
    data |= {"type": types.AGREEMENT, "condition_code": "", "condition_options": ""}
    return data | fields


@recipe("questionnaire.details")
def _details(w: World) -> Step:
    data = {"title": "Riverside residents' survey 2027", "intro": ""}
    return Step(w.admin, f"{Q}/draft/details", 302, data=data)


@recipe("questionnaire.add_section")
def _add_section(w: World) -> Step:
    data = {"title": "Your council", "intro": ""}
    return Step(w.admin, f"{Q}/draft/sections/new", 302, data=data)


@recipe("questionnaire.edit_section")
def _edit_section(w: World) -> Step:
    url = f"{Q}/draft/sections/{w.draft.sections[0].id}"
    return Step(w.admin, url, 302, data={"title": "Where you live", "intro": ""})


@recipe("questionnaire.add_question")
def _add_question(w: World) -> Step:
    url = f"{Q}/draft/sections/{w.draft.sections[1].id}/questions/new"
    return Step(w.admin, url, 302, data=_question_data())


@recipe("questionnaire.edit_question")
def _edit_question(w: World) -> Step:
    url = f"{Q}/draft/questions/{w.draft_question('street').id}"
    text = "Which street is your home on?"  # reworded: the comparable recipe judges it
    data = _question_data(code="street", text=text, type=types.SHORT_TEXT, max_length="50")
    return Step(w.admin, url, 302, data=data)


@recipe("questionnaire.add_option")
def _add_option(w: World) -> Step:
    url = f"{Q}/draft/questions/{w.draft_question('improve').id}/options/new"
    return Step(w.admin, url, 302, data={"code": "buses", "label": "Better buses"})


@recipe("questionnaire.edit_option")
def _edit_option(w: World) -> Step:
    lighting = w.draft_question("improve").option_by_code("lighting")
    data = {"code": "lighting", "label": "Brighter street lighting"}
    return Step(w.admin, f"{Q}/draft/options/{lighting.id}", 302, data=data)


@recipe("questionnaire.comparable")
def _comparable(w: World) -> Step:
    change = next(c for c in comparability.changes(w.draft) if c.comparable is None)
    url = f"{Q}/draft/{change.kind}/{change.item.id}/comparable"
    return Step(w.admin, url, 302, data={"comparable": "yes"})


@recipe("questionnaire.move")
def _move(w: World) -> Step:
    first = min(w.draft.sections, key=lambda s: s.position)
    return Step(w.admin, f"{Q}/draft/sections/{first.id}/move", 302, data={"direction": "down"})


@recipe("questionnaire.delete")
def _delete(w: World) -> Step:
    spare = editing.add_section(w.draft, "Spare section", "")
    w.db.session.commit()
    return Step(w.admin, f"{Q}/draft/sections/{spare.id}/delete", 302)


@recipe("translations.edit")
def _translate(w: World) -> Step:
    url = f"{Q}/versions/{w.draft.number}/translations/pl"
    data = {f"question-{w.draft_question('ward').id}-text": "W którym okręgu mieszkasz?"}
    return Step(w.admin, url, 302, data=data)


@recipe("questionnaire.preview_draft", expect=READ_ONLY)
def _preview(w: World) -> Step:
    data = {"q-ward": "north", "q-safe_dark": "very"}
    return Step(w.admin, f"{Q}/draft/preview", 200, data=data)


def _proposal(w: World, text: str):
    data = bank_services.ProposalData(
        text=text, hint="", type=types.YES_NO, option_labels=[], reason="Opening hours."
    )
    proposal = bank_services.propose(w.user("analyst", "police"), data)
    w.db.session.commit()
    return proposal


@recipe("bank.propose")
def _propose(w: World) -> Step:
    data = {"text": "Do you own a car?", "hint": "", "type": types.YES_NO, "options": ""}
    data |= {"reason": "To plan parking.", "anyway": "Propose it anyway"}
    return Step(w.analyst, "/bank/propose", 302, data=data)


@recipe("bank.accept")
def _accept(w: World) -> Step:
    proposal = _proposal(w, "Do you use the library?")
    section = bank_services.target_sections(w.partnership)[0]
    data = {"code": "library_use", "section": str(section.id), "required": "no"}
    return Step(w.admin, f"/bank/{proposal.id}/accept", 302, data=data)


@recipe("bank.reject")
def _reject(w: World) -> Step:
    proposal = _proposal(w, "Do you use the swimming pool?")
    data = {"reason": "The leisure service runs its own survey."}
    return Step(w.admin, f"/bank/{proposal.id}/reject", 302, data=data)


@recipe("questionnaire.publish")
def _publish(w: World) -> Step:
    """Publish the draft the recipes above edited, once it is ready to publish."""
    for section in [s for s in w.draft.sections if not s.questions]:
        editing.delete_section(section)
    for change in comparability.changes(w.draft):
        if change.comparable is None:
            comparability.decide(w.draft, change.kind, change.item.id, True)
    w.db.session.commit()
    return Step(w.admin, f"{Q}/draft/publish", 302)


@recipe("questionnaire.start_draft")
def _start_draft(w: World) -> Step:
    return Step(w.admin, f"{Q}/draft/start", 302)


# Bank imports from an agency's XLSForm (an analyst of the fire service imports its own)


def _fire_import(w: World, outcome: str) -> tuple[int, int]:
    """A fresh import of the fire service's form, and the index of a row with ``outcome``."""
    fire = factories.agency(w.partnership, "fire")
    found = importing.start_import(fire, w.fire_analyst.user, "fire.xlsx", fire_workbook(), 60)
    w.db.session.commit()
    index = next(i for i, row in enumerate(found.rows) if row["outcome"] == outcome)
    return found.id, index


@recipe("xlsform.upload")
def _upload_form(w: World) -> Step:
    data = {"workbook": (io.BytesIO(fire_workbook()), "fire.xlsx"), "agency": "fire"}
    return Step(w.fire_analyst, "/bank/imports/new", 302, data=data)


@recipe("xlsform.tag")
def _tag(w: World) -> Step:
    import_id, index = _fire_import(w, "asked")
    return Step(w.fire_analyst, f"/bank/imports/{import_id}/rows/{index}/tag", 302)


@recipe("xlsform.propose")
def _propose_row(w: World) -> Step:
    import_id, index = _fire_import(w, "new")
    return Step(w.fire_analyst, f"/bank/imports/{import_id}/rows/{index}/propose", 302)


# Events


def _event_data(name: str) -> dict:
    day = [str(LATER.day), str(LATER.month), str(LATER.year)]
    return {"name": name, "starts_on": day, "place": "Riverside Park", "idle_seconds": "120"}


@recipe("events.create")
def _create_event(w: World) -> Step:
    return Step(w.facilitator, "/events/new", 302, data=_event_data("Market stall"))


@recipe("events.edit")
def _edit_event(w: World) -> Step:
    url = f"/events/{w.event.id}/edit"
    return Step(w.facilitator, url, 302, data=_event_data("Fun day (moved)"))


@recipe("events.new_link")
def _new_link(w: World) -> Step:
    old = w.event.kiosk_token or ""
    return Step(w.facilitator, f"/events/{w.event.id}/new-link", 302, secrets=(old,))


@recipe("events.import_queue")
def _import_queue(w: World) -> Step:
    event = w.new_event("Library open day")
    current = questionnaire_services.current_version(w.version.questionnaire)
    raw = json.dumps(queue_file(event, [response_item(current)])).encode()
    data = {"queue_file": (io.BytesIO(raw), "queue.json")}
    token = event.kiosk_token or ""
    w.db.session.commit()
    return Step(w.admin, "/events/import", 303, data=data, secrets=(token,))


@recipe("maps.boundaries")
def _load_boundaries(w: World) -> Step:
    from tests.test_ward_map import valid_file

    data = {"boundaries": (io.BytesIO(valid_file().encode()), "wards.geojson")}
    return Step(w.admin, "/partnership/boundaries", 302, data=data)


def _wave_data(name: str) -> dict:
    return {
        "name": name,
        "kind": "dates",
        "since": ["1", "3", "2026"],
        "until": ["31", "5", "2026"],
    }


def _wave(w: World, name: str):
    from engage.waves import services as waves

    fields = waves.WaveFields(name, LATER, LATER)
    wave = waves.create_wave(w.version.questionnaire, fields)
    w.db.session.commit()
    return wave


@recipe("waves.create")
def _add_wave(w: World) -> Step:
    return Step(w.admin, "/results/waves/new", 302, data=_wave_data("Spring"))


@recipe("waves.edit")
def _edit_wave(w: World) -> Step:
    wave = _wave(w, "Summer")
    return Step(w.admin, f"/results/waves/{wave.id}", 302, data=_wave_data("Summer 2026"))


@recipe("waves.delete")
def _delete_wave(w: World) -> Step:
    return Step(w.admin, f"/results/waves/{_wave(w, 'Autumn').id}/delete", 302)


@recipe("waves.area_attributes")
def _load_area_attributes(w: World) -> Step:
    text = b"area,attribute,value\nnorth,deprivation_decile,3\n"
    data = {"attributes": (io.BytesIO(text), "imd.csv")}
    return Step(w.admin, "/partnership/area-attributes", 302, data=data)


@recipe("weighting.load")
def _load_targets(w: World) -> Step:
    text = "variable,value,population\nward,north,300\nward,south,200\nward,east,100\n"
    data = {
        "targets": (io.BytesIO(text.encode()), "population.csv"),
        "scheme": "default",
        "describes": ["30", "6", "2025"],
        "cap": "",
    }
    return Step(w.admin, "/results/weighting/targets", 302, data=data)


@recipe("weighting.compute")
def _compute_weights(w: World) -> Step:
    from engage.results import weights
    from engage.weighting import targets

    text = "variable,value,population\nward,north,300\nward,south,200\nward,east,100\n"
    weights.load_targets(w.version.questionnaire, targets.read(text), "again")
    w.db.session.commit()
    return Step(w.admin, "/results/weighting/again/compute", 302)


# Exports, jobs and the public results


@recipe("exports.request_job")
def _export_job(w: World) -> Step:
    return Step(w.analyst, "/exports/jobs", 303, data={"format": "xlsx"})


@recipe("jobs.recount")
def _recount(w: World) -> Step:
    return Step(w.admin, "/jobs/recount", 303)


@recipe("results.public_questions")
def _public_questions(w: World) -> Step:
    data = {"codes": ["safe_dark", "satisfied"]}
    return Step(w.admin, "/results/public-questions", 302, data=data)


# Panels, run by a facilitator


def _vote_data(title: str) -> dict:
    data = {"title": title, "question": "What should we fix first?", "method": "irv"}
    return data | {"seats": "", "opens_on": ["", "", ""], "closes_on": ["", "", ""]}


@recipe("panels.create_panel")
def _create_panel(w: World) -> Step:
    data = {"name": "South Ward panel", "description": "", "area": ""}
    return Step(w.facilitator, "/panels/new", 302, data=data)


@recipe("panels.edit_panel")
def _edit_panel(w: World) -> Step:
    panel = make_panel(w.partnership, w.facilitator.user, name="East Ward panel")
    w.db.session.commit()
    data = {"name": "East and North panel", "description": "", "area": ""}
    return Step(w.facilitator, f"/panels/{panel.id}/edit", 302, data=data)


@recipe("panels.create_vote")
def _create_vote(w: World) -> Step:
    panel = make_panel(w.partnership, w.facilitator.user, name="Youth panel")
    w.db.session.commit()
    url = f"/panels/{panel.id}/votes/new"
    return Step(w.facilitator, url, 302, data=_vote_data("Priorities for 2027"))


@recipe("panels.edit_vote")
def _edit_vote(w: World) -> Step:
    url = f"/panels/votes/{w.vote().id}/edit"
    return Step(w.facilitator, url, 302, data=_vote_data("Priorities, renamed"))


@recipe("panels.add_option")
def _add_vote_option(w: World) -> Step:
    url = f"/panels/votes/{w.vote().id}/options/new"
    return Step(w.facilitator, url, 302, data={"title": "A bus shelter", "description": ""})


@recipe("panels.edit_option")
def _edit_vote_option(w: World) -> Step:
    vote = w.vote()
    url = f"/panels/votes/{vote.id}/options/{option(vote, 'Parks').id}/edit"
    return Step(w.facilitator, url, 302, data={"title": "Better parks", "description": ""})


@recipe("panels.merge_option")
def _merge(w: World) -> Step:
    vote = w.vote()
    url = f"/panels/votes/{vote.id}/options/{option(vote, 'Less litter').id}/merge"
    return Step(w.facilitator, url, 302, data={"target": str(option(vote, "Parks").id)})


@recipe("panels.reject_option")
def _reject_option(w: World) -> Step:
    vote = w.vote()
    url = f"/panels/votes/{vote.id}/options/{option(vote, 'Less litter').id}/reject"
    return Step(w.facilitator, url, 302, data={"reason": "The council cannot act on it"})


@recipe("panels.evidence_options")
def _evidence(w: World) -> Step:
    url = f"/panels/votes/{w.vote(titles=()).id}/evidence"
    data = {"question": "improve", "ward": "", "since": "", "until": "", "answers": ["parks"]}
    return Step(w.facilitator, url, 302, data=data)


@recipe("panels.change_phase")
def _change_phase(w: World) -> Step:
    url = f"/panels/votes/{w.vote().id}/phase"
    return Step(w.facilitator, url, 302, data={"to": "proposals"})


@recipe("panels.voter_codes")
def _voter_codes(w: World) -> Step:
    return Step(
        w.facilitator,
        f"/panels/votes/{w.vote().id}/codes",
        200,
        data={"count": "2"},
        reveals=_found(r'engage-card__code">([0-9A-Z-]{14})<'),
    )


@recipe("panels.void_codes")
def _void_codes(w: World) -> Step:
    vote = w.vote()
    issued = w.code(vote)
    url = f"/panels/votes/{vote.id}/codes/cancel"
    return Step(
        w.facilitator, url, 302, data={"serials": str(issued.serial)}, secrets=(issued.code,)
    )


@recipe("panels.hide_comment")
def _hide_comment(w: World) -> Step:
    vote = w.vote(DELIBERATION)
    issued = w.code(vote)
    member = codes.member_for_code(vote, issued.code)
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Rude words", member=member)
    w.db.session.commit()
    url = f"/panels/votes/{vote.id}/comments/{comment.id}/hide"
    return Step(w.facilitator, url, 302, secrets=(issued.code,))


@recipe("panels.reply_comment")
def _reply_comment(w: World) -> Step:
    vote = w.vote(DELIBERATION)
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", user=w.facilitator.user)
    w.db.session.commit()
    url = f"/panels/votes/{vote.id}/comments/{comment.id}/reply"
    return Step(w.facilitator, url, 302, data={"text": "We will ask the council."})


@recipe("panels.answer_question")
def _answer_question(w: World) -> Step:
    vote = w.vote(DELIBERATION)
    issued = w.code(vote)
    member = codes.member_for_code(vote, issued.code)
    question = deliberation.add_comment(option(vote, "Parks"), "question", "Which?", member=member)
    w.db.session.commit()
    url = f"/panels/votes/{vote.id}/comments/{question.id}/answer"
    return Step(w.facilitator, url, 302, data={"text": "All three."}, secrets=(issued.code,))


@recipe("panels.digest_sent")
def _digest_sent(w: World) -> Step:
    vote = w.vote(DELIBERATION)
    url = f"/panels/{vote.panel_id}/digest/sent"
    return Step(w.facilitator, url, 302, data={"through": utcnow().date().isoformat()})


@recipe("panels.start_voting")
def _start_voting(w: World) -> Step:
    url = f"/panels/votes/{w.vote(DELIBERATION).id}/start-voting"
    data = {"passphrase": PASSPHRASE, "confirm": PASSPHRASE}
    return Step(w.facilitator, url, 302, data=data, secrets=(PASSPHRASE,))


@recipe("panels.paper_entry")
def _paper_entry(w: World) -> Step:
    vote = w.vote(VOTING)
    data = {f"rank_{option(vote, 'Parks').id}": "1", f"rank_{option(vote, 'Less litter').id}": "2"}
    return Step(
        w.facilitator,
        f"/panels/votes/{vote.id}/paper/enter",
        302,
        data=data,
        reveals=_flashed(r"receipt on the paper: ([A-Z0-9-]+)"),
    )


@recipe("panels.paper_rules")
def _paper_rules(w: World) -> Step:
    vote = w.vote(VOTING)
    data = {"mode": "read", "overvote": "skip", "skipped": "1", "repeated": "exhaust"}
    return Step(w.facilitator, f"/panels/votes/{vote.id}/paper/rules", 302, data=data)


@recipe("panels.paper_import")
def _paper_import(w: World) -> Step:
    vote = w.vote(VOTING)
    raw = b"rank_1,rank_2\nParks,Street lighting\nLess litter,\n"
    data = {"ballots_file": (io.BytesIO(raw), "ballots.csv")}
    url = f"/panels/votes/{vote.id}/paper"
    return Step(
        w.facilitator,
        url,
        200,
        data=data,
        reveals=_found(r"receipt <strong[^>]*>([A-Z0-9-]+)</strong>"),
    )


@recipe("panels.close")
def _close(w: World) -> Step:
    url = f"/panels/votes/{w.vote(VOTING).id}/close"
    return Step(w.facilitator, url, 302, data={"early": "yes"})


def _closed_with_a_ballot(w: World) -> tuple[PriorityVote, tuple[str, ...]]:
    """A closed vote holding one sealed ballot, and that ballot's code and receipt."""
    vote = w.vote(VOTING)
    issued = w.code(vote)
    member = codes.member_for_code(vote, issued.code)
    receipt = ballots.cast_ballot(vote, member, [option(vote, "Parks").id])
    phases.close_voting(vote, w.facilitator.user, early=True)
    w.db.session.commit()
    return vote, (issued.code, receipt)


@recipe("panels.count")
def _count(w: World) -> Step:
    vote, secrets = _closed_with_a_ballot(w)
    url = f"/panels/votes/{vote.id}/count"
    return Step(
        w.facilitator, url, 302, data={"passphrase": PASSPHRASE}, secrets=(PASSPHRASE, *secrets)
    )


@recipe("panels.publish")
def _publish_results(w: World) -> Step:
    vote, secrets = _closed_with_a_ballot(w)
    tally.run_count(vote, w.facilitator.user, PASSPHRASE)
    w.db.session.commit()
    return Step(w.facilitator, f"/panels/votes/{vote.id}/publish", 302, secrets=secrets)


# Citizens' panels: recruitment and selection by lot

PEOPLE_CSV = (
    "name,email,phone,address,postcode,gender\n"
    "Ann Archer,ann@example.org,,1 Mill Lane,RV1 1AA,f\n"
    "Bea Brook,bea@example.org,,2 Mill Lane,RV2 1AA,f\n"
    "Cal Cole,cal@example.org,,3 Mill Lane,RV3 1AA,m\n"
    "Dev Dale,dev@example.org,,4 Mill Lane,RV4 1AA,m\n"
)
PEOPLE = ("Ann Archer", "ann@example.org", "Mill Lane", "Cal Cole")
QUOTAS_CSV = "category,feature,min,max\ngender,f,1,1\ngender,m,1,1\n"


def _recruiting(w: World, stage: str = "quotas"):
    """A panel recruiting two members, at ``stage``: quotas, pool, published, seeded, drawn."""
    from engage.selection import recruitment as selection
    from engage.selection import registration, selecting

    user = w.facilitator.user
    panel = make_panel(w.partnership, user, name=f"Panel {stage} {utcnow().timestamp()}")
    found = selection.start(panel, user)
    selection.update_settings(found, selection.Settings(2, True, True, None, None), user)
    selection.load_quotas(found, QUOTAS_CSV, user)
    if stage != "quotas":
        registration.import_list(found, PEOPLE_CSV, user)
    if stage in ("published", "seeded", "drawn"):
        selecting.publish(found, user)
    if stage in ("seeded", "drawn"):
        selecting.fix_seed(found, 11, "", user)
    if stage == "drawn":
        selecting.draw(found, user)
    w.db.session.commit()
    return found


@recipe("selection.start")
def _selection_start(w: World) -> Step:
    panel = make_panel(w.partnership, w.facilitator.user, name="Recruiting panel")
    w.db.session.commit()
    return Step(w.facilitator, f"/panels/{panel.id}/selection/start", 302)


@recipe("selection.settings")
def _selection_settings(w: World) -> Step:
    found = _recruiting(w)
    data = {"panel_size": "3", "household_rule": "y", "ends_on": "2027-03-31"}
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/settings", 302, data=data)


@recipe("selection.facilitators")
def _selection_facilitators(w: World) -> Step:
    found = _recruiting(w)
    other = w.user("facilitator")
    data = {"user": [str(w.facilitator.user.id), str(other.id)]}
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/facilitators", 302, data=data)


@recipe("selection.quotas")
def _selection_quotas(w: World) -> Step:
    found = _recruiting(w)
    data = {"quotas": "category,feature,min,max\ngender,f,0,2\ngender,m,0,2\n"}
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/quotas", 302, data=data)


@recipe("selection.derive")
def _selection_derive(w: World) -> Step:
    from engage.weighting.services import store_targets
    from engage.weighting.targets import read

    targets = read("variable,value,population\nward,north,50\nward,south,30\nward,east,20\n")
    target_set = store_targets(
        w.version.questionnaire, targets, "default", LATER, "targets.csv", None
    )
    found = _recruiting(w)
    data = {"target_set": str(target_set.id), "variable": "ward"}
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/quotas/derive", 302, data=data)


@recipe("selection.letters")
def _selection_letters(w: World) -> Step:
    found = _recruiting(w)
    raw = b"line1,postcode\n1 Orchard Way,RV1 2BB\n2 Orchard Way,RV2 2BB\n"
    data = {"addresses": (io.BytesIO(raw), "addresses.csv"), "count": "2"}
    return Step(
        w.facilitator,
        f"/panels/{found.panel_id}/selection/letters",
        200,
        data=data,
        secrets=("Orchard Way",),
        reveals=_found(r'class="engage-card__code">([A-Z0-9-]{14})<'),
    )


@recipe("selection.import_list")
def _selection_import(w: World) -> Step:
    found = _recruiting(w)
    data = {"volunteers": (io.BytesIO(PEOPLE_CSV.encode()), "people.csv")}
    url = f"/panels/{found.panel_id}/selection/import"
    return Step(w.facilitator, url, 302, data=data, secrets=PEOPLE)


@recipe("selection.publish")
def _selection_publish(w: World) -> Step:
    found = _recruiting(w, "pool")
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/publish", 302, secrets=PEOPLE)


@recipe("selection.withdraw")
def _selection_withdraw(w: World) -> Step:
    found = _recruiting(w, "published")
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/withdraw", 302)


@recipe("selection.seed")
def _selection_seed(w: World) -> Step:
    found = _recruiting(w, "published")
    data = {"seed": "424242", "how": "Drawn at the meeting"}
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/seed", 302, data=data)


@recipe("selection.draw")
def _selection_draw(w: World) -> Step:
    found = _recruiting(w, "seeded")
    return Step(w.facilitator, f"/panels/{found.panel_id}/selection/draw", 302, secrets=PEOPLE)


@recipe("selection.replace")
def _selection_replace(w: World) -> Step:
    found = _recruiting(w, "drawn")
    gone = found.draws[0]["selected"][0]
    data = {"dropped": str(gone), "replace_seed": "3"}
    url = f"/panels/{found.panel_id}/selection/replace"
    return Step(w.facilitator, url, 302, data=data, secrets=PEOPLE)


@recipe("selection.member_letters")
def _selection_member_letters(w: World) -> Step:
    from engage.panels.models import Panel

    found = _recruiting(w, "drawn")
    panel = w.db.session.get(Panel, found.panel_id)
    vote = make_vote(w.partnership, w.facilitator.user, DRAFT, panel=panel)
    w.db.session.commit()
    return Step(
        w.facilitator,
        f"/panels/{found.panel_id}/selection/member-letters",
        200,
        data={"vote": str(vote.id)},
        secrets=PEOPLE,
        reveals=_found(r'class="engage-card__code">([A-Z0-9-]{14})<'),
    )


@recipe("selection.delete_contacts")
def _selection_delete_contacts(w: World) -> Step:
    found = _recruiting(w, "pool")
    url = f"/panels/{found.panel_id}/selection/delete-contacts"
    return Step(w.facilitator, url, 302, data={"confirm": "yes"}, secrets=PEOPLE)


@recipe("join.register", expect=SILENT)
def _join(w: World) -> Step:
    found = _recruiting(w)
    data = {"q_gender": "f", "name": "Zelda Quill", "email": "zelda@example.org"}
    return Step(
        w.app.test_client(),
        f"/join/panel/{found.public_token}",
        200,
        data=data,
        secrets=("Zelda Quill", "zelda@example.org"),
    )


@recipe("join.letter", expect=SILENT)
def _join_by_letter(w: World) -> Step:
    from engage.selection import registration

    found = _recruiting(w)
    (letter,), _batch = registration.sample_letters(
        found, "line1\n1 Orchard Way\n", 1, 5, w.facilitator.user
    )
    w.db.session.commit()
    data = {
        "code": letter.code,
        "step": "answers",
        "q_gender": "m",
        "name": "Yann Quill",
        "phone": "0123",
    }
    return Step(
        w.app.test_client(),
        "/join/letter",
        200,
        data=data,
        secrets=(letter.code, "Yann Quill"),
    )


# Panel members, with the code on their card: recorded, but never who they are


@recipe("vote.propose")
def _member_proposes(w: World) -> Step:
    vote = w.vote(PROPOSALS)
    client, member = w.member(vote)
    data = {"title": "More benches", "description": "Somewhere to rest."}
    return Step(client, f"/vote/{vote.id}/propose", 303, data=data, secrets=member)


@recipe("vote.support")
def _member_supports(w: World) -> Step:
    vote = w.vote(PROPOSALS)
    client, member = w.member(vote)
    url = f"/vote/{vote.id}/options/{option(vote, 'Parks').id}/support"
    return Step(client, url, 303, secrets=member)


@recipe("vote.comment")
def _member_comments(w: World) -> Step:
    vote = w.vote(DELIBERATION)
    client, member = w.member(vote)
    parks = option(vote, "Parks").id
    data = {f"option-{parks}-stance": "against", f"option-{parks}-text": "Too costly."}
    return Step(client, f"/vote/{vote.id}/options/{parks}/comments", 303, data=data, secrets=member)


@recipe("vote.reply")
def _member_replies(w: World) -> Step:
    vote = w.vote(DELIBERATION)
    comment = deliberation.add_comment(option(vote, "Parks"), FOR, "Yes", user=w.facilitator.user)
    w.db.session.commit()
    client, member = w.member(vote)
    data = {f"reply-{comment.id}-text": "Agreed."}
    url = f"/vote/{vote.id}/comments/{comment.id}/replies"
    return Step(client, url, 303, data=data, secrets=member)


@recipe("vote.cast", expect=SILENT)
def _member_casts(w: World) -> Step:
    vote = w.vote(VOTING)
    client, member = w.member(vote)
    data = {f"rank-{option(vote, 'Parks').id}": "1"}
    return Step(
        client,
        f"/vote/{vote.id}/cast",
        200,
        data=data,
        secrets=member,
        reveals=_found(r"data-receipt>([A-Z0-9-]+)<"),
    )


# The walk


def _fingerprint(db) -> dict[str, list[str]]:
    """Every row of every table but the trail, as sorted text: the test database is small."""
    db.session.commit()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.session.execute(sa.select(table)))
        for table in db.metadata.sorted_tables
        if table.name != AUDIT_TABLE
    }


def _trail(db) -> dict[int, str]:
    """Every audit entry, each column as text, by id."""
    table = db.metadata.tables[AUDIT_TABLE]
    rows = db.session.execute(sa.select(table))
    found = {row.id: " | ".join(str(value) for value in row) for row in rows}
    db.session.commit()
    return found


def _page_text(response: TestResponse) -> str:
    """What a refusing page says, without its markup, to show why a recipe went wrong."""
    page = response.get_data(as_text=True)
    main = page[page.find("<main") :] if "<main" in page else page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())[:400]


def _walk(world: World, endpoint: str, recipe_: Recipe) -> tuple[bool, list[str]]:
    """Run one recipe; (whether it changed state without an entry, its other problems)."""
    db = world.db
    try:
        step = recipe_.build(world)
        db.session.commit()
    except Exception as error:  # one broken recipe must not hide the others
        db.session.rollback()
        return False, [f"{endpoint}: the recipe's set-up failed: {error!r}"]
    before, trail = _fingerprint(db), _trail(db)
    response = step.send()
    after = _fingerprint(db)
    new = [text for id_, text in _trail(db).items() if id_ not in trail]
    problems = []
    if response.status_code != step.status:
        why = _page_text(response)
        problems.append(f"{endpoint}: answered {response.status_code}, not {step.status}: {why}")
    changed = before != after
    if recipe_.expect in (CHANGES, SILENT) and not changed:
        problems.append(f"recipe for {endpoint} changed nothing")
    if recipe_.expect == READ_ONLY and changed:
        tables = sorted(name for name in before if before[name] != after[name])
        problems.append(f"{endpoint} should change nothing but changed {tables}")
    if recipe_.expect == SILENT and new:
        problems.append(f"{endpoint} is exempt ({EXEMPT[endpoint]}) but wrote {new}")
    secrets = list(step.secrets)
    if step.reveals is not None:
        revealed = step.reveals(response, step.client)
        if not revealed:
            problems.append(f"{endpoint}: the response showed none of its one-time plaintexts")
        secrets += revealed
    for secret in filter(None, secrets):
        leaks = [text for text in new if secret in text]
        if leaks:
            problems.append(f"{endpoint}: an audit entry holds a plaintext it must not: {leaks}")
    unaudited = recipe_.expect in (CHANGES, AUDIT_ONLY) and not new
    return unaudited, problems


@pytest.fixture
def fast_passwords(monkeypatch):
    """One hash round: the world signs in a dozen users and is not about passwords."""
    monkeypatch.setattr(
        account_models,
        "generate_password_hash",
        lambda password: generate_password_hash(password, "pbkdf2:sha256:1"),
    )


def test_every_state_changing_route_writes_an_audit_entry(app, db, fast_passwords):
    world = World(app, db)
    unaudited, problems = [], []
    for endpoint, recipe_ in RECIPES.items():
        silent, found = _walk(world, endpoint, recipe_)
        if silent:
            unaudited.append(endpoint)
        problems += found
    endpoints = state_changing_endpoints(app)
    missing = [e for e in endpoints if e not in RECIPES and e not in EXEMPT]
    # Every action the walk recorded reads in words on the audit page.
    recorded = db.session.execute(sa.select(AuditEntry.kind, AuditEntry.action)).all()
    wordless = sorted(
        {a for k, a in recorded if k not in (wording.DOWNLOAD, wording.API)} - set(wording.ACTIONS)
    )
    lines = []
    if wordless:
        lines.append(f"Recorded actions with no words in engage/audit/wording.py: {wordless}")
    if unaudited:
        lines.append(f"Changed state without writing an audit entry: {unaudited}")
    if missing:
        lines.append(f"No recipe and no exemption: {missing}")
    lines += problems
    assert not lines, "\n".join(lines)


def test_every_state_changing_route_has_a_recipe_or_an_exemption():
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    endpoints = state_changing_endpoints(app)
    missing = [e for e in endpoints if e not in RECIPES and e not in EXEMPT]
    stale = sorted((set(RECIPES) | set(EXEMPT)) - set(endpoints))
    silent = [e for e, r in RECIPES.items() if (r.expect == SILENT) != (e in EXEMPT)]
    assert not missing, f"Add a recipe (or, with a reason, an EXEMPT entry) for: {missing}"
    assert not stale, f"These recipes or exemptions name no state-changing route: {stale}"
    assert not silent, f"Exempt routes' recipes must expect SILENT, and only theirs: {silent}"
