"""NIST cast vote records in the Common Data Format (NIST SP 1500-103), JSON, as RCTab reads them.

A ``CastVoteRecordReport`` lists the ``Election``'s ``Candidate``s (``@id``, ``Name``) and
``Contest``s, each with ``ContestSelection``s naming their ``CandidateIds``; then one
``CVR`` per ballot, whose current ``CVRSnapshot`` holds a ``CVRContest`` per contest,
whose ``CVRContestSelection``s give the candidate's marks as ``SelectionPosition``s with
a ``Rank``. No selection at a rank is a blank rank; two or more, an overvote. As RCTab
does, a position with ``HasIndication`` "no" or ``IsAllocable`` "no" is no mark, a
selection whose ``Status`` is "needs-adjudication" is left out, and a write-in
selection (``IsWriteIn``, or a position with ``CVRWriteIn``) is the undeclared write-in
candidate. A CVR without the contest is not a ballot in it.
"""

import json
import os
from typing import Any

import numpy as np

from engage.counting.cvr.common import (
    MAX_RANKS,
    Candidates,
    add_total,
    marked_ballots,
    pack_marks,
    read_text,
    source_name,
)
from engage.counting.errors import BallotFileError
from engage.counting.marked import OVERVOTE, SKIPPED, MarkedBallots

# RCTab's name for the votes of write-in candidates nobody declared.
UNDECLARED_WRITE_IN = "Undeclared Write-ins"


def _list(value: Any, where: str, source: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BallotFileError(None, f"{where} should be a list", source)
    return value


def _object(value: Any, where: str, source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BallotFileError(None, f"{where} should be an object", source)
    return value


def _is(value: Any, word: str) -> bool:
    return value is True if word == "true" else str(value).lower() == word


def _contest(
    report: dict[str, Any], wanted: str | None, source: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The contest to read, and every candidate's name by its @id."""
    candidates: dict[str, str] = {}
    contests: list[dict[str, Any]] = []
    for e, election in enumerate(_list(report.get("Election"), "Election", source)):
        election = _object(election, f"Election[{e}]", source)
        for c, candidate in enumerate(_list(election.get("Candidate"), "Candidate", source)):
            where = f"Election[{e}].Candidate[{c}]"
            candidate = _object(candidate, where, source)
            key, name = candidate.get("@id"), candidate.get("Name")
            if not isinstance(key, str) or not isinstance(name, str) or not name.strip():
                raise BallotFileError(None, f"{where} needs an @id and a Name", source)
            if key in candidates:
                raise BallotFileError(None, f"{where}: candidate @id {key!r} appears twice", source)
            candidates[key] = name.strip()
        for c, contest in enumerate(_list(election.get("Contest"), "Contest", source)):
            contests.append(_object(contest, f"Election[{e}].Contest[{c}]", source))
    if not contests:
        raise BallotFileError(None, "no Election has a Contest", source)
    if wanted is None:
        if len(contests) > 1:
            listed = ", ".join(repr(contest.get("Name")) for contest in contests)
            raise BallotFileError(None, f"several contests ({listed}): say which one", source)
        return contests[0], candidates
    for contest in contests:
        if wanted in (contest.get("Name"), contest.get("@id")):
            return contest, candidates
    listed = ", ".join(repr(contest.get("Name")) for contest in contests)
    raise BallotFileError(None, f"no contest {wanted!r}; the file has {listed}", source)


def _selections(
    contest: dict[str, Any], candidate_names: dict[str, str], names: Candidates, source: str
) -> dict[str, int]:
    """Each ContestSelection @id's candidate index."""
    codes: dict[str, int] = {}
    for s, selection in enumerate(
        _list(contest.get("ContestSelection"), "ContestSelection", source)
    ):
        where = f"Contest {contest.get('Name')!r} ContestSelection[{s}]"
        selection = _object(selection, where, source)
        key = selection.get("@id")
        if not isinstance(key, str):
            raise BallotFileError(None, f"{where} has no @id", source)
        if key in codes:
            raise BallotFileError(None, f"{where}: @id {key!r} appears twice", source)
        if _is(selection.get("IsWriteIn"), "true"):
            codes[key] = names.code(UNDECLARED_WRITE_IN, None)
            continue
        ids = _list(selection.get("CandidateIds"), f"{where}.CandidateIds", source)
        if not ids:
            raise BallotFileError(None, f"{where} has no CandidateIds", source)
        if ids[0] not in candidate_names:
            raise BallotFileError(None, f"{where}: no Candidate has @id {ids[0]!r}", source)
        codes[key] = names.code(candidate_names[ids[0]], None)
    return codes


def _rank(value: Any, where: str, source: str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise BallotFileError(None, f"{where}: Rank {value!r} is not a whole number", source)
    if not 1 <= int(text) <= MAX_RANKS:
        raise BallotFileError(None, f"{where}: Rank {text} is not from 1 to {MAX_RANKS}", source)
    return int(text)


def _cvr_contest(
    cvr: dict[str, Any], contest_id: Any, where: str, source: str
) -> dict[str, Any] | None:
    snapshots = _list(cvr.get("CVRSnapshot"), f"{where}.CVRSnapshot", source)
    current = cvr.get("CurrentSnapshotId")
    if current is None and len(snapshots) == 1:
        snapshot = snapshots[0]
    else:
        found = [s for s in snapshots if isinstance(s, dict) and s.get("@id") == current]
        if not found:
            raise BallotFileError(
                None, f"{where}: no CVRSnapshot has the CurrentSnapshotId {current!r}", source
            )
        snapshot = found[0]
    snapshot = _object(snapshot, f"{where}.CVRSnapshot", source)
    for c, cvr_contest in enumerate(
        _list(snapshot.get("CVRContest"), f"{where}.CVRContest", source)
    ):
        cvr_contest = _object(cvr_contest, f"{where}.CVRContest[{c}]", source)
        if cvr_contest.get("ContestId") == contest_id:
            return cvr_contest
    return None


def read_cdf(
    path: str | os.PathLike[str], *, contest: str | None = None, source: str | None = None
) -> MarkedBallots:
    """Read a CDF JSON cast vote record report; ``contest`` (a Name or @id) if it has several."""
    source = source_name(path, source)
    try:
        report = json.loads(read_text(path, source))
    except json.JSONDecodeError as error:
        raise BallotFileError(error.lineno, f"not valid JSON ({error.msg})", source) from error
    except RecursionError as error:
        raise BallotFileError(None, "not valid JSON (nested too deeply)", source) from error
    report = _object(report, "the file", source)
    if "CVR" not in report:
        raise BallotFileError(None, "no CVR list: not a CDF cast vote record report", source)
    chosen, candidate_names = _contest(report, contest, source)
    names = Candidates(None, source)
    codes = _selections(chosen, candidate_names, names, source)
    write_in = names.index.get(UNDECLARED_WRITE_IN)
    contest_id = chosen.get("@id")
    rows: list[list[int]] = []
    left_out = adjudication = 0
    total = 0
    for i, cvr in enumerate(_list(report.get("CVR"), "CVR", source)):
        where = f"CVR[{i}]"
        cvr = _object(cvr, where, source)
        for label in ("UniqueId", "BallotPrePrintedId"):
            if isinstance(cvr.get(label), str | int):
                where += f" ({label} {cvr[label]})"
                break
        cvr_contest = _cvr_contest(cvr, contest_id, where, source)
        if cvr_contest is None:
            left_out += 1
            continue
        at_rank: dict[int, set[int]] = {}
        for s, selection in enumerate(
            _list(cvr_contest.get("CVRContestSelection"), f"{where}.CVRContestSelection", source)
        ):
            place = f"{where}.CVRContestSelection[{s}]"
            selection = _object(selection, place, source)
            if selection.get("Status") == "needs-adjudication":
                adjudication += 1
                continue
            key = selection.get("ContestSelectionId")
            if key not in codes:
                raise BallotFileError(
                    None, f"{place}: ContestSelectionId {key!r} is not in the contest", source
                )
            if selection.get("Rank") is not None:  # the older form: one rank per selection
                at_rank.setdefault(_rank(selection["Rank"], place, source), set()).add(codes[key])
                continue
            positions = _list(
                selection.get("SelectionPosition"), f"{place}.SelectionPosition", source
            )
            for p, position in enumerate(positions):
                spot = f"{place}.SelectionPosition[{p}]"
                position = _object(position, spot, source)
                if _is(position.get("HasIndication"), "no") or _is(
                    position.get("IsAllocable"), "no"
                ):
                    continue
                code = codes[key]
                if position.get("CVRWriteIn") is not None:
                    if write_in is None:
                        write_in = names.code(UNDECLARED_WRITE_IN, None)
                    code = write_in
                if position.get("Rank") is None:
                    raise BallotFileError(None, f"{spot} has no Rank", source)
                at_rank.setdefault(_rank(position["Rank"], spot, source), set()).add(code)
        marks = [SKIPPED] * max(at_rank, default=0)
        for rank, marked in at_rank.items():
            marks[rank - 1] = marked.pop() if len(marked) == 1 else OVERVOTE
        total = add_total(total, 1, None, source)
        rows.append(marks)
    notes = []
    if left_out:
        notes.append(f"{left_out:,} CVRs have no votes in this contest and are left out.")
    if adjudication:
        notes.append(
            f"{adjudication:,} selections needing adjudication are left out, as RCTab does."
        )
    seats = chosen.get("NumberElected")
    return marked_ballots(
        names,
        pack_marks(rows),
        np.ones(len(rows), dtype=np.int64),
        source,
        title=str(chosen.get("Name") or ""),
        seats=seats
        if isinstance(seats, int) and not isinstance(seats, bool) and seats > 0
        else None,
        undeclared_write_ins=(UNDECLARED_WRITE_IN,) if write_in is not None else (),
        notes=notes,
    )
