"""Importing an agency's form into the question bank: match, report, tag or propose.

Each question of the form is matched against the questions of the current
version and the open draft (kind, wording and options, see similarity.py). The
report keeps, for each survey row, one outcome:

    "asked"        the questionnaire already asks it: tag the agency onto it
    "new"          nothing like it: propose it to the admins
    "unsupported"  Engage cannot ask it, and why

Services flush; the caller (a view or the CLI) commits.
"""

from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.agencies import acts_for, refusal
from engage.accounts.models import ADMIN, User
from engage.audit import services as audit
from engage.bank import services as bank_services
from engage.bank.models import JOINED, PENDING, Proposal
from engage.extensions import db
from engage.partnership.models import Agency, Partnership
from engage.partnership.services import areas
from engage.questionnaire import services as questionnaire_services
from engage.questionnaire import types
from engage.questionnaire.models import BankQuestion, Question, Section
from engage.xlsform import mapping, similarity
from engage.xlsform.models import FormImport
from engage.xlsform.plan import FormPlan, PlannedQuestion, Unsupported
from engage.xlsform.reading import read_form

ASKED, NEW, UNSUPPORTED = "asked", "new", "unsupported"
TAGGED, ALREADY, PROPOSED = "tagged", "already", "proposed"
MAX_TEXT = 500  # Proposal.text
MAX_LABEL = 300  # an option label


class ImportRefused(ValueError):
    """A report row that cannot be acted on, with a message that says why."""


@dataclass(frozen=True)
class _Candidate:
    code: str
    bank_question_id: int
    asked: similarity.Asked
    agency_ids: frozenset[int]


def _asked_as(partnership: Partnership) -> dict[str, similarity.Asked]:
    """Each question code's type and options in the current version, or the draft's if it
    has one (its text comes from the bank entry). An area question's options are the
    partnership's wards."""
    questionnaire = questionnaire_services.questionnaire_for(partnership)
    if questionnaire is None:
        return {}
    versions = [
        questionnaire_services.current_version(questionnaire),
        questionnaire_services.draft_version(questionnaire),
    ]
    wards = areas(partnership)
    found: dict[str, similarity.Asked] = {}
    for version in versions:
        if version is None:
            continue
        questions = db.session.scalars(
            sa.select(Question)
            .join(Question.section)
            .where(Section.version_id == version.id)
            .options(so.selectinload(Question.options))
        )
        for question in questions:
            if question.type == types.AREA:
                labels, codes = [a.name for a in wards], [a.code for a in wards]
            else:
                labels = [o.label for o in question.options]
                codes = [o.code for o in question.options]
            found[question.code] = similarity.Asked(
                text="", type=question.type, options=tuple(labels), option_names=tuple(codes)
            )
    return found


def _bank(partnership: Partnership) -> tuple[list[_Candidate], list[bank_services.BankEntry]]:
    """The questionnaire's questions, and the pending proposals."""
    entries = bank_services.bank_entries(partnership)
    asked = _asked_as(partnership)
    questions = [
        _Candidate(
            code=entry.code or "",
            bank_question_id=entry.bank_question_id or 0,
            asked=replace(asked.get(entry.code or "", similarity.Asked("")), text=entry.text),
            agency_ids=frozenset(a.id for a in entry.agencies),
        )
        for entry in entries
        if entry.is_question
    ]
    return questions, [entry for entry in entries if not entry.is_question]


def _proposed(proposal: Proposal) -> similarity.Asked:
    """A pending proposal as the matcher sees it; fixed types have their fixed options."""
    fixed = types.FIXED_OPTIONS.get(proposal.type, [])
    return similarity.Asked(
        text=proposal.text,
        type=proposal.type,
        options=tuple(proposal.option_labels or [label for _code, label in fixed]),
        option_names=tuple(code for code, _label in fixed),
    )


def _question_row(
    question: PlannedQuestion,
    agency: Agency,
    bank: tuple[list[_Candidate], list[bank_services.BankEntry]],
    threshold: int,
) -> dict:
    """The report row of a question Engage can ask: the best match over ``threshold`` among
    the questions it may match (similarity.py says which), else a pending proposal like it."""
    candidates, pending = bank
    row: dict[str, Any] = {
        "row": question.row,
        "name": question.name,
        "written_type": question.written_type,
        "label": question.text,
        "type": question.type,
        "hint": question.hint,
        "option_labels": question.option_labels,
        "notes": list(question.notes),
        "outcome": NEW,
        "match": None,
        "pending": None,
        "done": None,
        "proposal_id": None,
    }
    ours = similarity.Asked(
        text=question.text,
        type=question.type,
        options=tuple(question.option_labels),
        option_names=tuple(question.option_codes),
        kind=question.kind,
    )
    scored = [
        (score, -i, c)
        for i, c in enumerate(candidates)
        if (score := similarity.match_score(ours, c.asked)) is not None
    ]
    best = max(scored, default=None, key=lambda item: item[:2])
    if best is not None and best[0] >= threshold:
        score, _order, candidate = best
        row["outcome"] = ASKED
        row["match"] = {
            "code": candidate.code,
            "text": candidate.asked.text,
            "bank_question_id": candidate.bank_question_id,
            "score": score,
            "agency_uses": agency.id in candidate.agency_ids,
        }
        return row
    pending_scores = [
        (score, entry.proposal)
        for entry in pending
        if entry.proposal is not None
        and (score := similarity.match_score(ours, _proposed(entry.proposal))) is not None
    ]
    top = max(pending_scores, default=None, key=lambda item: item[0])
    if top is not None and top[0] >= threshold:
        proposal = top[1]
        row["pending"] = {"text": proposal.text, "agency": proposal.agency.name, "score": top[0]}
    return row


def _unsupported_row(item: Unsupported) -> dict:
    return {
        "row": item.row,
        "name": item.name,
        "written_type": item.written_type,
        "label": item.label,
        "outcome": UNSUPPORTED,
        "reason": item.reason,
        "notes": [],
    }


def report(plan: FormPlan, partnership: Partnership, agency: Agency, threshold: int) -> dict:
    """The import report as plain JSON-ready data."""
    bank = _bank(partnership)
    rows = [
        _question_row(item, agency, bank, threshold)
        if isinstance(item, PlannedQuestion)
        else _unsupported_row(item)
        for item in plan.items
    ]
    return {"rows": rows, "notes": list(plan.notes), "warnings": list(plan.warnings)}


def start_import(
    agency: Agency, user: User | None, filename: str, data: bytes, threshold: int
) -> FormImport:
    """Read the workbook, match its questions and keep the report; raises FormError, and
    ImportRefused when ``user`` may not act for ``agency``."""
    if not acts_for(user, agency.id):
        assert user is not None
        raise ImportRefused(refusal(user, agency.name))
    plan = mapping.plan_form(read_form(data, filename))
    form_import = FormImport(
        partnership_id=agency.partnership_id,
        agency=agency,
        user=user,
        filename=filename[:200],
        title=(plan.title or filename)[:200],
        report=report(plan, agency.partnership, agency, threshold),
    )
    db.session.add(form_import)
    db.session.flush()
    audit.record(
        audit.BANK,
        "xlsform.import",
        user,
        target=f"Import {form_import.id} ‘{form_import.title}’ for {agency.name}",
        detail=form_import.filename,
    )
    return form_import


def _row(form_import: FormImport, index: int, outcomes: tuple[str, ...], user: User | None) -> dict:
    if not acts_for(user, form_import.agency_id):
        assert user is not None
        raise ImportRefused(refusal(user, form_import.agency.name))
    rows = form_import.rows
    if not 0 <= index < len(rows):
        raise ImportRefused("That row is not in the report.")
    row = dict(rows[index])
    if row["outcome"] not in outcomes:
        raise ImportRefused(f"Row {row['row']} cannot be used that way.")
    if row.get("done"):
        raise ImportRefused(f"Row {row['row']} has been dealt with already.")
    return row


def _save(form_import: FormImport, index: int, row: dict) -> None:
    """Store the changed row; a new dict, so SQLAlchemy sees the JSON change."""
    rows = form_import.rows
    rows[index] = row
    form_import.report = {**(form_import.report or {}), "rows": rows}


def _proposal(form_import: FormImport, row: dict, user: User, status: str) -> Proposal:
    option_labels = row["option_labels"] if row["type"] in types.EDITABLE_OPTIONS else []
    proposal = Proposal(
        partnership_id=form_import.partnership_id,
        agency=form_import.agency,
        proposed_by=user,
        text=row["label"][:MAX_TEXT],
        hint=row.get("hint", ""),
        type=row["type"],
        option_labels=[label[:MAX_LABEL] for label in option_labels],
        reason=(
            f"Asked in {form_import.agency.name}’s form ‘{form_import.title}’ "
            f"({form_import.filename}, row {row['row']})."
        ),
        status=status,
    )
    db.session.add(proposal)
    return proposal


def tag(form_import: FormImport, index: int, user: User) -> str:
    """Tag the form's agency onto the question a row is already asked as.

    Records a JOINED proposal, as "use this question" does. Returns the question
    code; raises ImportRefused if the row has no match or it is no longer in the
    questionnaire.
    """
    row = _row(form_import, index, (ASKED,), user)
    match = row["match"]
    entry = db.session.get(BankQuestion, match["bank_question_id"])
    if entry is None or entry.partnership_id != form_import.partnership_id:
        raise ImportRefused(f"‘{match['code']}’ is no longer in the question bank.")
    if questionnaire_services.tag_agency(entry, form_import.agency):
        proposal = _proposal(form_import, row, user, JOINED)
        proposal.bank_question = entry
        db.session.flush()
        row.update(done=TAGGED, proposal_id=proposal.id)
    else:
        row["done"] = ALREADY
    _save(form_import, index, row)
    db.session.flush()
    audit.record(
        audit.BANK,
        "xlsform.tag",
        user,
        target=f"‘{entry.code}’",
        detail=f"{form_import.agency.name}, from row {row['row']} of import {form_import.id}",
    )
    return entry.code


def propose(form_import: FormImport, index: int, user: User) -> Proposal:
    """Propose a row's question to the admins, from the form's agency."""
    row = _row(form_import, index, (ASKED, NEW), user)
    proposal = _proposal(form_import, row, user, PENDING)
    db.session.flush()
    row.update(done=PROPOSED, proposal_id=proposal.id)
    _save(form_import, index, row)
    db.session.flush()
    audit.record(
        audit.BANK,
        "xlsform.propose",
        user,
        target=f"Proposal {proposal.id} ‘{proposal.text}’",
        detail=f"{form_import.agency.name}, from row {row['row']} of import {form_import.id}",
    )
    return proposal


def tag_all(form_import: FormImport, user: User) -> int:
    """Tag the agency onto every matched question not yet dealt with; how many were tagged."""
    count = 0
    for index, row in enumerate(form_import.rows):
        if row["outcome"] == ASKED and not row.get("done"):
            tag(form_import, index, user)
            count += form_import.rows[index]["done"] == TAGGED
    return count


def propose_new(form_import: FormImport, user: User) -> int:
    """Propose every new question not yet proposed; how many were."""
    count = 0
    for index, row in enumerate(form_import.rows):
        if row["outcome"] == NEW and not row.get("done"):
            propose(form_import, index, user)
            count += 1
    return count


def imports_for(
    partnership: Partnership, user: User | None = None, limit: int = 20
) -> list[FormImport]:
    """The most recent imports ``user`` may read, newest first: an analyst's own
    agency's, or the whole partnership's for an administrator."""
    query = sa.select(FormImport).where(FormImport.partnership_id == partnership.id)
    if user is not None and user.role != ADMIN:
        query = query.where(FormImport.agency_id == user.agency_id)
    return list(
        db.session.scalars(
            query.order_by(FormImport.created_at.desc(), FormImport.id.desc())
            .limit(limit)
            .options(so.selectinload(FormImport.agency))
        )
    )


def counts(form_import: FormImport) -> dict[str, int]:
    """How many rows have each outcome."""
    found = dict.fromkeys((ASKED, NEW, UNSUPPORTED), 0)
    for row in form_import.rows:
        found[row["outcome"]] += 1
    return found


def outcome_text(row: dict) -> str:
    """One line for the report: "Already asked as safe_after_dark (93% match)"."""
    if row["outcome"] == ASKED:
        return f"Already asked as {row['match']['code']} ({row['match']['score']}% match)"
    if row["outcome"] == UNSUPPORTED:
        where = f" (row {row['row']})" if row.get("row") else ""
        reason = row["reason"][:1].upper() + row["reason"][1:]
        return f"Not supported: {row['written_type'] or 'this type'}{where}. {reason}."
    return "New"
