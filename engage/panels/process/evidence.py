"""Options from survey evidence: answers to a closed question, chosen one by one.

The figures come from ``results.aggregates``, already through the small-number
rule, and are stored on each option as they may be shown: a count below k is
kept only as "suppressed" (shown "<k", with no percentage). Candidate answers are
ranked by their shown counts, with hidden ones after every shown one, so the order
reveals no more than the published results do. "None of these"-style (exclusive)
answers and answers nobody gave are left out, and so are questions about who the
respondent is (``demographics``): their answers are not priorities.
"""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from engage.accounts.models import User
from engage.panels.errors import PanelError
from engage.panels.models import DRAFT, FROM_EVIDENCE, PROPOSALS, PriorityVote, VoteOption
from engage.panels.process.proposals import add_option
from engage.panels.rules import note, require_manager, require_phase, title_key
from engage.partnership.models import Partnership
from engage.percent import percent_text
from engage.questionnaire import services as questionnaire_services
from engage.questionnaire import types
from engage.questionnaire.models import Questionnaire
from engage.results import aggregates
from engage.results.catalogue import QuestionInfo, catalogue
from engage.results.filters import ResultFilter

EVIDENCE_TYPES = (types.SINGLE, types.MULTIPLE)
MAX_OPTIONS = 20


def _questionnaire(partnership: Partnership) -> Questionnaire:
    questionnaire = questionnaire_services.questionnaire_for(partnership)
    if questionnaire is None or questionnaire_services.current_version(questionnaire) is None:
        raise PanelError("The partnership has no published questionnaire to take evidence from.")
    return questionnaire


def evidence_questions(partnership: Partnership) -> list[QuestionInfo]:
    """The single- and multiple-choice questions a facilitator can draw options from:
    not those about who the respondent is (age, gender, ethnicity, disability...)."""
    return [
        i
        for i in catalogue(_questionnaire(partnership))
        if i.type in EVIDENCE_TYPES and not i.question.about_respondent
    ]


def describe_filter(partnership: Partnership, filters: ResultFilter) -> str:
    """The filter in words, stored with the evidence: "North Ward; from 1 March 2026"."""
    names = {a.code: a.name for a in partnership.areas}
    parts = []
    if filters.wards:
        parts.append(", ".join(names.get(code, code) for code in filters.wards))
    if filters.since:
        parts.append(f"from {filters.since.day} {filters.since:%B %Y}")
    if filters.until:
        parts.append(f"to {filters.until.day} {filters.until:%B %Y}")
    for name in ("events", "channels", "versions"):
        if getattr(filters, name):
            parts.append(f"{name} {', '.join(map(str, getattr(filters, name)))}")
    return "; ".join(parts) or "All responses"


def _ranked(result: dict[str, Any], info: QuestionInfo) -> list[dict[str, Any]]:
    """The answers worth an option, most chosen first (hidden counts after shown ones)."""
    exclusive = {code for code, option in info.options.items() if option.exclusive}
    answers = [a for a in result["options"] if a["code"] not in exclusive and a["count"] != 0]
    return sorted(answers, key=lambda a: (isinstance(a["count"], str), -_shown(a["count"])))


def _shown(count: int | str) -> int:
    return count if isinstance(count, int) else 0


@dataclass(frozen=True)
class Candidate:
    """An answer that could become an option, with its figures as they may be shown."""

    code: str
    label: str
    count: int | str  # "<10" when suppressed
    percent: float | None
    taken: bool  # already an option of the vote


@dataclass(frozen=True)
class Candidates:
    info: QuestionInfo
    respondents: int | str
    k: int
    where: str
    answers: list[Candidate]


def candidates(vote: PriorityVote, question_code: str, filters: ResultFilter) -> Candidates:
    """The answers to a question that could become options, most chosen first."""
    partnership = vote.panel.partnership
    info = next((i for i in evidence_questions(partnership) if i.code == question_code), None)
    if info is None:
        raise PanelError(
            "Choose a single- or multiple-choice question from the published questionnaire."
        )
    k = aggregates.configured_k()
    result = aggregates.question_results(_questionnaire(partnership), info.code, filters, k)
    assert result is not None
    taken = {title_key(o.title) for o in vote.active_options}
    answers = [
        Candidate(a["code"], a["label"], a["count"], a["percent"], title_key(a["label"]) in taken)
        for a in _ranked(result, info)
    ]
    where = describe_filter(partnership, filters)
    return Candidates(info, result["respondents"], k, where, answers)


def options_from_answers(
    vote: PriorityVote,
    question_code: str,
    filters: ResultFilter,
    chosen: Collection[str],
    user: User | None,
) -> list[VoteOption]:
    """Add the chosen answers (by code) to a closed question as options, with their evidence.

    Answers whose title is already an option are skipped (the existing option stays).
    """
    require_manager(user)
    require_phase(vote, (DRAFT, PROPOSALS), "Options can be added")
    if not chosen:
        raise PanelError("Choose at least one answer to add as an option.")
    if len(chosen) > MAX_OPTIONS:
        raise PanelError(f"Choose at most {MAX_OPTIONS} answers at a time.")
    found = candidates(vote, question_code, filters)
    offered = {answer.code for answer in found.answers}
    if not set(chosen) <= offered:
        raise PanelError("Choose answers from the list: one of them is no longer offered.")
    added = []
    for answer in found.answers:
        if answer.code not in chosen or answer.taken:
            continue
        suppressed = isinstance(answer.count, str)
        added.append(
            add_option(
                vote,
                answer.label,
                f"From the survey question ‘{found.info.text()}’.",
                user,
                origin=FROM_EVIDENCE,
                evidence_question=found.info.code,
                evidence_count=None if suppressed else int(answer.count),
                evidence_suppressed=suppressed,
                evidence_percent=None if suppressed else answer.percent,
                evidence_k=found.k,
                evidence_filter=found.where,
            )
        )
    detail = f"{len(added)} options from ‘{found.info.code}’ ({found.where})"
    note("option.evidence", user, vote, detail)
    return added


def options_from_evidence(
    vote: PriorityVote,
    question_code: str,
    filters: ResultFilter,
    count: int,
    user: User | None,
) -> list[VoteOption]:
    """The top ``count`` answers as options, for scripts and checks that want them all."""
    if not 1 <= count <= MAX_OPTIONS:
        raise PanelError(f"Choose how many answers to turn into options: 1 to {MAX_OPTIONS}.")
    require_phase(vote, (DRAFT, PROPOSALS), "Options can be added")
    top = candidates(vote, question_code, filters).answers[:count]
    return options_from_answers(vote, question_code, filters, [a.code for a in top], user)


def evidence_text(option: VoteOption) -> str | None:
    """The option's evidence in a sentence, or None for an option without evidence."""
    if option.evidence_question is None:
        return None
    if option.evidence_suppressed:
        figure = f"fewer than {option.evidence_k} respondents (exact figure withheld)"
    else:
        shown = percent_text(option.evidence_percent, missing="")
        percent = f" ({shown})" if shown else ""
        figure = f"{option.evidence_count} respondents{percent}"
    return f"Chosen by {figure} in the survey; {option.evidence_filter}."
