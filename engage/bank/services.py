"""Proposing questions, finding near-duplicates, and deciding proposals.

Services flush; the view commits.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.accounts.models import User
from engage.audit import services as audit
from engage.bank import matching
from engage.bank.models import ACCEPTED, JOINED, PENDING, REJECTED, Proposal
from engage.extensions import db
from engage.partnership.models import Agency, Partnership
from engage.questionnaire import services as questionnaire_services
from engage.questionnaire import types
from engage.questionnaire.models import BankQuestion, Option, Question, Section
from engage.timeutil import utcnow


class ProposalError(ValueError):
    """A decision that cannot be made; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ProposalData:
    """What an analyst asks for, already checked by the form."""

    text: str
    hint: str
    type: str
    option_labels: list[str]
    reason: str


@dataclass
class BankEntry:
    """Something a new proposal may duplicate: a questionnaire question or a pending proposal."""

    text: str
    agencies: list[Agency] = field(default_factory=list)
    code: str | None = None
    section: str | None = None
    bank_question_id: int | None = None
    proposal: Proposal | None = None

    @property
    def is_question(self) -> bool:
        return self.bank_question_id is not None

    def used_by(self, agency: Agency) -> bool:
        return any(a.id == agency.id for a in self.agencies)


def _questionnaire_entries(partnership: Partnership) -> list[BankEntry]:
    """Questions of the current published version and the open draft, one per code.

    The draft's wording wins, since it is what the next version will say.
    """
    questionnaire = questionnaire_services.questionnaire_for(partnership)
    if questionnaire is None:
        return []
    versions = [
        questionnaire_services.draft_version(questionnaire),
        questionnaire_services.current_version(questionnaire),
    ]
    version_ids = [v.id for v in versions if v is not None]
    if not version_ids:
        return []
    draft_first = sa.case((Section.version_id == version_ids[0], 0), else_=1)
    questions = db.session.scalars(
        sa.select(Question)
        .join(Question.section)
        .where(Section.version_id.in_(version_ids))
        .order_by(draft_first, Section.position, Question.position)
        .options(
            so.contains_eager(Question.section),
            so.selectinload(Question.bank_question).selectinload(BankQuestion.agencies),
        )
    )
    entries: dict[str, BankEntry] = {}
    for question in questions:
        entries.setdefault(
            question.code,
            BankEntry(
                text=question.text,
                agencies=list(question.bank_question.agencies),
                code=question.code,
                section=question.section.title,
                bank_question_id=question.bank_question_id,
            ),
        )
    return list(entries.values())


def _pending_entries(partnership: Partnership) -> list[BankEntry]:
    proposals = db.session.scalars(
        sa.select(Proposal)
        .where(Proposal.partnership_id == partnership.id, Proposal.status == PENDING)
        .order_by(Proposal.created_at, Proposal.id)
        .options(so.selectinload(Proposal.agency), so.selectinload(Proposal.proposed_by))
    )
    return [BankEntry(text=p.text, agencies=[p.agency], proposal=p) for p in proposals]


def bank_entries(partnership: Partnership) -> list[BankEntry]:
    """Everything a proposal is checked against: questions first, then pending proposals."""
    return _questionnaire_entries(partnership) + _pending_entries(partnership)


def similar(partnership: Partnership, text: str, threshold: int) -> list[matching.Match[BankEntry]]:
    """Bank entries whose text resembles ``text``, best first."""
    return matching.find_matches(
        text, bank_entries(partnership), lambda entry: entry.text, threshold=threshold
    )


def _new_proposal(user: User, data: ProposalData, status: str) -> Proposal:
    options = data.option_labels if data.type in types.EDITABLE_OPTIONS else []
    proposal = Proposal(
        partnership_id=user.agency.partnership_id,
        agency=user.agency,
        proposed_by=user,
        text=data.text,
        hint=data.hint,
        type=data.type,
        option_labels=list(options),
        reason=data.reason,
        status=status,
    )
    db.session.add(proposal)
    return proposal


def propose(user: User, data: ProposalData) -> Proposal:
    """Record a new question for the admins to decide on."""
    proposal = _new_proposal(user, data, PENDING)
    db.session.flush()
    audit.record(
        audit.BANK, "bank.propose", user, target=f"Proposal {proposal.id} ‘{proposal.text}’"
    )
    return proposal


def use_existing(user: User, data: ProposalData, bank_question_id: int) -> Proposal | None:
    """Tag the user's agency onto an existing question instead of adding a near-copy.

    Returns the JOINED proposal that records why, or None when the agency
    already used the question. Raises ProposalError if the question is not in
    the current questionnaire or its draft.
    """
    entry = next(
        (
            e
            for e in _questionnaire_entries(user.agency.partnership)
            if e.bank_question_id == bank_question_id
        ),
        None,
    )
    if entry is None:
        raise ProposalError("That question is no longer in the questionnaire.")
    bank_question = db.session.get_one(BankQuestion, bank_question_id)
    if not questionnaire_services.tag_agency(bank_question, user.agency):
        return None
    proposal = _new_proposal(user, data, JOINED)
    proposal.bank_question = bank_question
    db.session.flush()
    audit.record(
        audit.BANK,
        "bank.join",
        user,
        target=f"‘{bank_question.code}’",
        detail=f"{user.agency.name} now uses it",
    )
    return proposal


def list_proposals(
    partnership: Partnership, own_agency: Agency, only_agency: Agency | None = None
) -> list[Proposal]:
    """Proposals of the partnership, the user's own agency first, newest first within each."""
    query = (
        sa.select(Proposal)
        .where(Proposal.partnership_id == partnership.id)
        .order_by(
            sa.case((Proposal.agency_id == own_agency.id, 0), else_=1),
            Proposal.created_at.desc(),
            Proposal.id.desc(),
        )
        .options(
            so.selectinload(Proposal.agency),
            so.selectinload(Proposal.proposed_by),
            so.selectinload(Proposal.bank_question),
        )
    )
    if only_agency is not None:
        query = query.where(Proposal.agency_id == only_agency.id)
    return list(db.session.scalars(query))


def pending_proposal(partnership: Partnership, proposal_id: int) -> Proposal | None:
    """A pending proposal of this partnership, or None."""
    return db.session.scalar(
        sa.select(Proposal).where(
            Proposal.id == proposal_id,
            Proposal.partnership_id == partnership.id,
            Proposal.status == PENDING,
        )
    )


def target_sections(partnership: Partnership) -> list[Section]:
    """Sections an accepted proposal can go into: the draft's, or those a new draft will copy."""
    questionnaire = questionnaire_services.questionnaire_for(partnership)
    if questionnaire is None:
        return []
    version = questionnaire_services.draft_version(
        questionnaire
    ) or questionnaire_services.current_version(questionnaire)
    return list(version.sections) if version else []


def taken_codes(partnership: Partnership) -> set[str]:
    """Every code the partnership's bank has used, in any version."""
    return set(
        db.session.scalars(
            sa.select(BankQuestion.code).where(BankQuestion.partnership_id == partnership.id)
        )
    )


def suggested_code(proposal: Proposal) -> str:
    taken = taken_codes(proposal.agency.partnership)
    return matching.suggest_code(proposal.text, taken)


def _options_for(proposal: Proposal) -> list[Option]:
    if proposal.type not in types.EDITABLE_OPTIONS:
        return questionnaire_services.fixed_options(proposal.type)
    options: list[Option] = []
    codes: set[str] = set()
    for index, label in enumerate(proposal.option_labels):
        code = matching.suggest_code(
            label, codes, max_words=5, meaningful_only=False, fallback="option"
        )
        codes.add(code)
        options.append(Option(position=index, code=code, label=label, value=index + 1))
    return options


def _decide(proposal: Proposal, admin: User, status: str, note: str = "") -> None:
    if proposal.status != PENDING:
        raise ProposalError("This proposal has already been decided.")
    proposal.status = status
    proposal.decided_by = admin
    proposal.decided_at = utcnow()
    proposal.decision_note = note


def accept(proposal: Proposal, admin: User, code: str, section_id: int, required: bool) -> Question:
    """Add the proposal to the draft (started if need be), tagged to the proposing agency."""
    if proposal.status != PENDING:
        raise ProposalError("This proposal has already been decided.")
    partnership = proposal.agency.partnership
    questionnaire = questionnaire_services.questionnaire_for(partnership)
    offered = target_sections(partnership)
    index = next((i for i, s in enumerate(offered) if s.id == section_id), None)
    if questionnaire is None or index is None:
        raise ProposalError("Choose a section of the draft", field="section")
    if any(q.code == code for s in offered for q in s.questions):
        raise ProposalError(
            f"The draft already has a question with the code ‘{code}’; choose another code",
            field="code",
        )
    if code in taken_codes(partnership):
        raise ProposalError(
            f"The code ‘{code}’ belonged to another question in an earlier version, and "
            "reusing it would mix their results; choose another code",
            field="code",
        )
    draft = questionnaire_services.start_draft(questionnaire)
    # A new draft copies the published sections in order, so the index still points home.
    section = draft.sections[index]
    entry = questionnaire_services.bank_question(partnership.id, code)
    questionnaire_services.tag_agency(entry, proposal.agency)
    question = Question(
        code=code,
        text=proposal.text,
        hint=proposal.hint,
        type=proposal.type,
        required=required,
        position=max((q.position for q in section.questions), default=-1) + 1,
        bank_question=entry,
    )
    question.options.extend(_options_for(proposal))
    section.questions.append(question)
    _decide(proposal, admin, ACCEPTED)
    proposal.bank_question = entry
    db.session.flush()
    return question


def reject(proposal: Proposal, admin: User, reason: str) -> None:
    """Turn the proposal down with a reason the proposer will see."""
    _decide(proposal, admin, REJECTED, reason)
    db.session.flush()
