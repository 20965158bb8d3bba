"""The question bank: propose a question, reuse an existing one, decide proposals."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage.accounts.models import ADMIN, ANALYST
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.bank import services
from engage.bank.forms import AcceptForm, ProposalForm, RejectForm
from engage.bank.models import PENDING, Proposal
from engage.extensions import db
from engage.partnership.services import agencies, agency_by_slug, current_partnership
from engage.questionnaire import types

bp = Blueprint("bank", __name__, url_prefix="/bank")


def _partnership():
    partnership = current_partnership()
    if partnership is None:
        abort(404)
    return partnership


@bp.route("/")
@role_required(ADMIN, ANALYST)
def proposals():
    """Every proposal of the partnership, the user's agency first; ?agency=<slug> filters."""
    partnership = _partnership()
    slug = request.args.get("agency", "")
    only = agency_by_slug(partnership, slug) if slug else None
    listed = services.list_proposals(partnership, current_user.agency, only)
    return render_template(
        "bank/proposals.html",
        proposals=listed,
        pending=[p for p in listed if p.status == PENDING] if current_user.is_admin else [],
        agencies=agencies(partnership),
        selected=only,
        type_labels=types.TYPE_LABELS,
    )


def _render_propose(form: ProposalForm, matches=None, status: int = 200):
    return (
        render_template(
            "bank/propose.html",
            form=form,
            question_matches=[m for m in matches or [] if m.candidate.is_question],
            proposal_matches=[m for m in matches or [] if not m.candidate.is_question],
            type_labels=types.TYPE_LABELS,
        ),
        status,
    )


@bp.route("/propose", methods=["GET", "POST"])
@role_required(ADMIN, ANALYST)
def propose():
    """Check a proposal against the bank; reuse a match, or save it for the admins."""
    partnership = _partnership()
    form = ProposalForm()
    if not form.is_submitted():
        return _render_propose(form)
    if not form.validate():
        return _render_propose(form, status=400)
    data = form.data_for_service()
    use = request.form.get("use_question", "")
    if use:
        if not use.isdigit():
            abort(400)
        try:
            joined = services.use_existing(current_user, data, int(use))
        except services.ProposalError:
            abort(400)
        db.session.commit()
        if joined is None:
            flash(f"{current_user.agency.name} already uses that question.", "success")
        else:
            flash(
                f"{current_user.agency.name} now uses the question ‘{joined.bank_question.code}’.",
                "success",
            )
        return redirect(url_for(".proposals"))
    if not form.anyway.data:
        threshold = int(current_app.config.get("ENGAGE_MATCH_THRESHOLD", 60))
        matches = services.similar(partnership, data.text, threshold)
        if matches:
            return _render_propose(form, matches)
    services.propose(current_user, data)
    db.session.commit()
    flash("Your proposal has been saved. An administrator will decide on it.", "success")
    return redirect(url_for(".proposals"))


def _pending_or_error(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.partnership_id != _partnership().id:
        abort(404)
    if proposal.status != PENDING:
        abort(409)
    return proposal


@bp.route("/<int:proposal_id>/accept", methods=["GET", "POST"])
@role_required(ADMIN)
def accept(proposal_id: int):
    """Put a proposal into the draft under a code and section the admin chooses."""
    proposal = _pending_or_error(proposal_id)
    sections = services.target_sections(proposal.agency.partnership)
    form = AcceptForm()
    form.section.choices = [SelectChoice(s.id, s.title) for s in sections]
    if request.method == "GET":
        form.code.data = services.suggested_code(proposal)
        form.required.data = "no"
        if len(sections) == 1:
            form.section.data = sections[0].id
    elif form.validate():
        try:
            question = services.accept(
                proposal,
                current_user,
                form.code.data,
                form.section.data,
                form.required.data == "yes",
            )
        except services.ProposalError as error:
            db.session.rollback()
            getattr(form, error.field or "code").errors.append(str(error))
        else:
            audit.record(
                audit.ADMIN,
                "bank.accept",
                current_user,
                detail=f"Proposal {proposal.id} accepted as ‘{question.code}’",
            )
            db.session.commit()
            flash(f"‘{question.text}’ is now in the draft as ‘{question.code}’.", "success")
            return redirect(url_for(".proposals"))
    status = 400 if form.errors else 200
    return render_template(
        "bank/accept.html",
        form=form,
        proposal=proposal,
        sections=sections,
        type_labels=types.TYPE_LABELS,
    ), status


@bp.route("/<int:proposal_id>/reject", methods=["GET", "POST"])
@role_required(ADMIN)
def reject(proposal_id: int):
    """Turn a proposal down with a reason the proposer sees."""
    proposal = _pending_or_error(proposal_id)
    form = RejectForm()
    if form.validate_on_submit():
        services.reject(proposal, current_user, form.reason.data)
        audit.record(
            audit.ADMIN, "bank.reject", current_user, detail=f"Proposal {proposal.id} rejected"
        )
        db.session.commit()
        flash(f"The proposal ‘{proposal.text}’ has been rejected.", "success")
        return redirect(url_for(".proposals"))
    status = 400 if form.errors else 200
    return render_template(
        "bank/reject.html", form=form, proposal=proposal, type_labels=types.TYPE_LABELS
    ), status
