"""What every cast vote record reader shares: candidates by name, marks packed, notes made."""

import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engage.counting.ballots import MAX_BALLOTS, TOO_MANY
from engage.counting.errors import BallotFileError
from engage.counting.marked import OVERVOTE, SKIPPED, MarkedBallots

# The most ranks a ballot file may have: real ballots have a handful, and a typo in a
# rank number ("1000000") must not make a table of a million columns.
MAX_RANKS = 1000
_WRITE_IN = re.compile(r"write[\s_-]*ins?\b", re.IGNORECASE)


def looks_like_write_in(name: str) -> bool:
    """Whether a candidate name is a write-in label ("Write-in", "UWI write-ins", ...)."""
    return bool(_WRITE_IN.search(name))


def read_text(path: str | os.PathLike[str], source: str) -> str:
    """A file's text as UTF-8 (a byte order mark is dropped)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise BallotFileError(None, f"not UTF-8 text ({error.reason})", source) from error
    except OSError as error:
        raise BallotFileError(None, f"cannot be read ({error.strerror})", source) from error


def text_or_file(path_or_text: str | os.PathLike[str], source: str | None) -> tuple[str, str]:
    """(text, source): a path (a ``Path``, or a string of one line naming a file), or the text."""
    if isinstance(path_or_text, os.PathLike) or (
        "\n" not in path_or_text and "\r" not in path_or_text and os.path.isfile(path_or_text)
    ):
        name = source or os.path.basename(os.fspath(path_or_text))
        return read_text(path_or_text, name), name
    return str(path_or_text), source or "ballot file"


def source_name(path: str | os.PathLike[str], source: str | None) -> str:
    return source or Path(path).name


class Candidates:
    """Candidate names to indices: the given list, or in order of first appearance."""

    def __init__(self, names: Sequence[str] | None, source: str) -> None:
        self.fixed = names is not None
        self.index: dict[str, int] = {}
        self.source = source
        for name in names or ():
            if name in self.index or not name:
                raise BallotFileError(None, f"candidate {name!r} is listed twice or blank", source)
            self.index[name] = len(self.index)

    def code(self, name: str, line: int | None) -> int:
        code = self.index.get(name)
        if code is None:
            if self.fixed:
                raise BallotFileError(line, f"{name!r} is not one of the candidates", self.source)
            code = self.index[name] = len(self.index)
        return code

    @property
    def names(self) -> list[str]:
        return list(self.index)


def pack_marks(rows: list[list[int]]) -> np.ndarray:
    """(n, ranks) marks from lists of marks, blank (``SKIPPED``) after each list's end."""
    width = max((len(row) for row in rows), default=0)
    marks = np.full((len(rows), width), SKIPPED, dtype=np.int16)
    lengths = np.array([len(row) for row in rows], dtype=np.int64)
    if width:
        marks[np.arange(width)[None, :] < lengths[:, None]] = [mark for row in rows for mark in row]
    return marks


def narrow(marks: np.ndarray, candidates: int) -> np.ndarray:
    """Marks in the smallest signed type that holds them."""
    return marks.astype(np.int8 if candidates <= 127 else np.int16, copy=False)


def add_total(total: int, weight: int, line: int | None, source: str) -> int:
    """A running total of ballot papers, refused past ``MAX_BALLOTS`` at the line it passes it."""
    total += weight
    if total > MAX_BALLOTS:
        raise BallotFileError(
            line, f"the ballots add up to {total:,} by this one, {TOO_MANY}", source
        )
    return total


def notes_for(marks: np.ndarray, weights: np.ndarray, candidates: Sequence[str]) -> list[str]:
    """What a reader saw that a ballot rule will have to judge, in plain English."""
    notes: list[str] = []
    if not len(marks):
        return notes
    width = marks.shape[1]

    def papers(mask: np.ndarray) -> int:
        return int(weights[mask].sum())

    def ballots(count: int, verb: str = "have") -> str:
        if count == 1:
            verb = {"have": "has", "rank": "ranks"}[verb]
            return f"1 ballot {verb}"
        return f"{count:,} ballots {verb}"

    over = marks == OVERVOTE
    if over.any():
        first = papers(over[:, 0]) if width else 0
        notes.append(
            f"{ballots(papers(over.any(axis=1)))} an overvote (two or more candidates at "
            f"one rank), {first:,} of them at rank 1."
        )
    is_mark = marks != SKIPPED
    if width > 1:
        later = np.logical_or.accumulate(is_mark[:, ::-1], axis=1)[:, ::-1]
        gaps = (~is_mark[:, :-1] & later[:, 1:]).any(axis=1)
        if gaps.any():
            notes.append(f"{ballots(papers(gaps))} a blank rank before a marked one.")
        ordered = np.sort(np.where(marks >= 0, marks, -1 - np.arange(width)), axis=1)
        repeats = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if repeats.any():
            notes.append(f"{ballots(papers(repeats), 'rank')} a candidate more than once.")
    empty = ~is_mark.any(axis=1)
    if empty.any():
        notes.append(f"{ballots(papers(empty))} no mark at all (undervotes).")
    for code, name in enumerate(candidates):
        if looks_like_write_in(name):
            count = papers((marks == code).any(axis=1))
            notes.append(
                f"{name!r} is counted as a candidate of its own: it stands for the write-in "
                f"votes ({count:,} {'ballot marks' if count == 1 else 'ballots mark'} it)."
            )
    return notes


def marked_ballots(
    candidates: Candidates,
    marks: np.ndarray,
    weights: np.ndarray,
    source: str,
    *,
    title: str = "",
    seats: int | None = None,
    undeclared_write_ins: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> MarkedBallots:
    names = candidates.names
    if len(names) > 32767:
        raise BallotFileError(None, "more than 32,767 candidates", source)
    marks = narrow(marks, len(names))
    weights = weights.astype(np.int64, copy=False)
    return MarkedBallots(
        candidates=names,
        marks=marks,
        weights=weights,
        seats=seats,
        title=title,
        undeclared_write_ins=tuple(undeclared_write_ins),
        source=source,
        notes=[*notes, *notes_for(marks, weights, names)],
    )


class CellReader:
    """A rank cell's mark: blank, overvote, or a candidate (several names at once: overvote)."""

    def __init__(
        self,
        names: Candidates,
        overvote: Sequence[str],
        blank: Sequence[str],
        delimiter: str | None,
    ) -> None:
        self.names = names
        self.overvote = {label.strip().lower() for label in overvote}
        self.blank = {label.strip().lower() for label in blank} | {""}
        self.delimiter = delimiter

    def mark(self, cell: str, line: int | None) -> int:
        text = cell.strip()
        folded = text.lower()
        if folded in self.blank:
            return SKIPPED
        if folded in self.overvote:
            return OVERVOTE
        if self.delimiter and self.delimiter in text:
            parts = {part.strip() for part in text.split(self.delimiter)} - {""}
            if len(parts) > 1:
                for part in parts:  # each must still be a name the file may use
                    self.names.code(part, line)
                return OVERVOTE
            text = parts.pop() if parts else ""
            if not text:
                return SKIPPED
        return self.names.code(text, line)
