"""Priority vote results: for facilitators, members and, once published, anyone.

The same page is shown in three places with three access rules: the public link
(``/priorities/<public_token>``, published votes only), a member's own link (with
their code in the session) and the facilitator's preview (after closing, before
publishing). Each place offers the anonymised ballots as CSV and BLT files and the
stored count as JSON, so anyone can recount with ``flask --app engage count``.

Members and the public read the results in their language (?lang=, else their
browser's); the facilitator's preview stays in English unless ?lang= asks otherwise,
so they can see what residents will see.
"""

import io
import json
import re
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext, pgettext

from engage import localtime
from engage.accounts.permissions import role_required
from engage.counting import write_csv
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES, language, requested_language, use_language
from engage.panels.ballot_box import reading
from engage.panels.members.session import current_member
from engage.panels.models import CLOSED, PUBLISHED, Ballot, PriorityVote
from engage.panels.outcome import charts, sankey
from engage.panels.outcome.report import Outcome, Words, ballots_blt, read_outcome, receipt_words
from engage.panels.outcome.tally import election_for
from engage.panels.process import votes
from engage.panels.rules import MANAGERS
from engage.partnership.services import current_partnership

bp = Blueprint("priorities", __name__)

FILES = {
    "csv": ("text/csv; charset=utf-8", "ballots.csv"),
    "blt": ("text/plain; charset=utf-8", "ballots.blt"),
}
RECEIPT = re.compile(r"[A-Z0-9]{5}-[A-Z0-9]{5}\Z")
# The pages members and the public open, in their language; the rest are for facilitators.
RESIDENT_ENDPOINTS = ("priorities.public", "priorities.member")


@bp.before_request
def choose_language() -> None:
    if request.endpoint in RESIDENT_ENDPOINTS:
        use_language(requested_language())
    elif request.args.get("lang") in LANGUAGES:
        use_language(request.args["lang"])


def _words() -> Words:
    """The request's language for the pure modules that put the count into words."""
    chosen = language(g.get("lang"))
    return Words(gettext, ngettext, pgettext, chosen.code, chosen.direction == "rtl")


def _vote(vote_id: int) -> PriorityVote:
    partnership = current_partnership()
    vote = votes.get_vote(partnership, vote_id) if partnership else None
    if vote is None:
        abort(404)
    return vote


def _published(public_token: str) -> PriorityVote:
    vote = votes.vote_by_public_token(public_token)
    if vote is None or vote.phase != PUBLISHED or vote.result is None:
        abort(404)
    return vote


def _to_enter():
    lang = g.get("lang") or DEFAULT_LANGUAGE
    return redirect(url_for("vote.enter", **({} if lang == DEFAULT_LANGUAGE else {"lang": lang})))


def _paper_count(vote: PriorityVote) -> int:
    query = sa.select(sa.func.count()).where(Ballot.vote_id == vote.id, Ballot.paper.is_(True))
    return db.session.scalar(query) or 0


def _receipt_check(vote: PriorityVote, words: Words) -> tuple[dict[str, Any] | None, str | None]:
    """The ``?receipt=`` check: what was found, or why the receipt could not be read."""
    typed = request.args.get("receipt")
    if typed is None:
        return None, None
    receipt = reading.receipt_form(typed)
    if not RECEIPT.match(receipt):
        return None, gettext("Enter your receipt as it was given to you, like ABCDE-FGHJK")
    found = reading.find_receipt(vote, receipt)
    return {"receipt": receipt, "found": found, "words": receipt_words(found, words)}, None


def _published_when(vote: PriorityVote) -> str | None:
    """When the results were published, in the page's language: "18:00, 3 March 2026"."""
    if vote.published_at is None:
        return None
    return localtime.when(vote.published_at)


def _results_page(vote: PriorityVote, where: str, **links: str):
    """The shared results page; 400 when the receipt typed in could not be read."""
    words = _words()
    check, error = _receipt_check(vote, words) if vote.result is not None else (None, None)
    context: dict[str, Any] = {"vote": vote, "where": where, "check": check, "error": error}
    if vote.result is not None:
        outcome = read_outcome(vote.result, words)
        context.update(outcome=outcome, **_pictures(vote, outcome))
        context["paper"] = _paper_count(vote)
        context["published_when"] = _published_when(vote)
        context["command"] = (
            f"flask --app engage count ballots.blt --method {outcome.method} "
            f"--seats {outcome.seats} --seed {outcome.seed}"
        )
    html = render_template(
        "panels/results/page.html", error_count=1 if error else 0, links=links, **context
    )
    return html, 400 if error else 200


def _pictures(vote: PriorityVote, outcome: Outcome) -> dict[str, Any]:
    """The stage bar charts and, when votes moved, the transfer-flow picture."""
    assert vote.result is not None
    stage_charts = [
        charts.stage_chart(outcome, i, f"stage-{column.number}-chart")
        for i, column in enumerate(outcome.columns)
    ]
    flow = None
    if len(outcome.columns) > 1 and outcome.ballots:
        flow = sankey.render(
            sankey.layout(vote.result, outcome.order),
            outcome,
            gettext("How votes moved between the options at each stage of the count"),
            sankey.describe(vote.result, outcome.words),
            "flow-chart",
        )
    return {"stage_charts": stage_charts, "flow": flow}


def _ballots_file(vote: PriorityVote, fmt: str):
    """The anonymised ballots, ordered by receipt, in a file the count command reads."""
    if fmt not in FILES:
        abort(404)
    if fmt == "csv":
        out = io.StringIO()
        write_csv(election_for(vote), out, bom=True)
        body = out.getvalue()
    else:
        published = reading.anonymised_ballots(vote)
        # The options as the count took them (reading.count_input), with paper marks.
        options = [option.title for option in vote.active_options]
        body = ballots_blt(options, vote.seats, vote.title, published)
    mimetype, name = FILES[fmt]
    return _download(body, mimetype, name)


def _count_file(vote: PriorityVote):
    if vote.result is None:
        abort(404)
    body = json.dumps(vote.result, indent=2, ensure_ascii=False) + "\n"
    return _download(body, "application/json", "count.json")


def _download(body: str, mimetype: str, name: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.after_request
def no_store(response):
    # A receipt check shows one ballot's ranking: keep it out of shared caches.
    if request.args.get("receipt") is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def _public_links(vote: PriorityVote) -> dict[str, str]:
    token = vote.public_token
    return {
        "page": url_for(".public", public_token=token),
        "csv": url_for(".public_ballots", public_token=token, fmt="csv"),
        "blt": url_for(".public_ballots", public_token=token, fmt="blt"),
        "json": url_for(".public_count", public_token=token),
    }


def _links(prefix: str, page: str, vote: PriorityVote) -> dict[str, str]:
    return {
        "page": url_for(f".{page}", vote_id=vote.id),
        "csv": url_for(f".{prefix}_ballots", vote_id=vote.id, fmt="csv"),
        "blt": url_for(f".{prefix}_ballots", vote_id=vote.id, fmt="blt"),
        "json": url_for(f".{prefix}_count", vote_id=vote.id),
    }


@bp.route("/priorities/<public_token>")
def public(public_token: str):
    """The published results, for anyone with the link."""
    vote = _published(public_token)
    return _results_page(vote, "public", **_public_links(vote))


@bp.route("/priorities/<public_token>/ballots.<fmt>")
def public_ballots(public_token: str, fmt: str):
    return _ballots_file(_published(public_token), fmt)


@bp.route("/priorities/<public_token>/count.json")
def public_count(public_token: str):
    return _count_file(_published(public_token))


def _member_vote(vote_id: int) -> PriorityVote | None:
    """The vote, if this browser holds a code for it; None means go and enter one."""
    vote = _vote(vote_id)
    return vote if current_member(vote) is not None else None


@bp.route("/vote/<int:vote_id>/results")
def member(vote_id: int):
    """A member's way to the results: a holding page until they are published."""
    vote = _member_vote(vote_id)
    if vote is None:
        return _to_enter()
    if vote.phase != PUBLISHED or vote.result is None:
        return render_template("panels/results/not_yet.html", vote=vote)
    return _results_page(vote, "member", **_links("member", "member", vote))


@bp.route("/vote/<int:vote_id>/results/ballots.<fmt>")
def member_ballots(vote_id: int, fmt: str):
    vote = _member_vote(vote_id)
    if vote is None:
        return _to_enter()
    if vote.phase != PUBLISHED:
        abort(404)
    return _ballots_file(vote, fmt)


@bp.route("/vote/<int:vote_id>/results/count.json")
def member_count(vote_id: int):
    vote = _member_vote(vote_id)
    if vote is None:
        return _to_enter()
    if vote.phase != PUBLISHED:
        abort(404)
    return _count_file(vote)


@bp.route("/panels/votes/<int:vote_id>/results")
@role_required(*MANAGERS)
def manage_results(vote_id: int):
    """The facilitator's view of the count, before and after publishing."""
    vote = _vote(vote_id)
    if vote.phase not in (CLOSED, PUBLISHED):
        return render_template("panels/results/not_closed.html", vote=vote)
    return _results_page(vote, "manage", **_links("manage", "manage_results", vote))


@bp.route("/panels/votes/<int:vote_id>/results/ballots.<fmt>")
@role_required(*MANAGERS)
def manage_ballots(vote_id: int, fmt: str):
    vote = _vote(vote_id)
    if vote.phase not in (CLOSED, PUBLISHED) or reading.sealed_count(vote):
        abort(404)  # nothing to read until the count opens the ballot box
    return _ballots_file(vote, fmt)


@bp.route("/panels/votes/<int:vote_id>/results/count.json")
@role_required(*MANAGERS)
def manage_count(vote_id: int):
    return _count_file(_vote(vote_id))
