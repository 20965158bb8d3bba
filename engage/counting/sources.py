"""Any ballot file to a count: which format it is, and what to count from it.

BLT and Engage's CSV hold rankings already clean; cast vote records (the long CSV of
Burlington, NIST's Common Data Format, ES&S spreadsheets, a wide CSV) hold marks as
voters made them, read by ballot rules (``engage.counting.rules``). ``read_source``
returns both kinds as one ``Source``: the election, and for cast vote records the
reason each ranking ends and the rules that read them.
"""

import json
import os
import re
from dataclasses import dataclass, field

import numpy as np

from engage.counting.ballots import Election
from engage.counting.errors import BallotFileError
from engage.counting.files import load_ballot_file
from engage.counting.marked import MarkedBallots
from engage.counting.rules import RCTAB_DEFAULT, BallotRules, apply_rules

# Formats of files whose rankings are clean, and of cast vote records (marks).
CLEAN = ("blt", "csv")
MARKED = ("long-csv", "cdf", "ess-xlsx", "wide-csv")
FORMATS = (*CLEAN, *MARKED)
_BLT_START = re.compile(rb"\s*[0-9]+\s+[0-9]+\s*(#.*)?\Z")
_SNIFF = 1 << 16


@dataclass
class Source:
    """What a count needs from a file."""

    election: Election
    format: str
    ends: np.ndarray | None = None
    undervote: np.ndarray | None = None
    undeclared: tuple[str, ...] = ()
    rules: BallotRules | None = None
    inactive: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _first_line(data: bytes) -> bytes:
    for line in data.lstrip(b"\xef\xbb\xbf").splitlines():
        if line.strip() and not line.lstrip().startswith(b"#"):
            return line.strip()
    return b""


def _header(line: bytes) -> list[str]:
    text = line.decode("utf-8", "ignore").lower()
    return [cell.strip().strip('"') for cell in text.split(",")]


def detect(path: str) -> str:
    """The format of the file at ``path``, from its content (its extension only breaks
    a tie between Engage's CSV and a wide CSV)."""
    with open(path, "rb") as handle:
        start = handle.read(_SNIFF)
    if start.startswith(b"PK\x03\x04"):
        return "ess-xlsx"
    stripped = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "cdf"
    line = _first_line(start)
    if _BLT_START.match(line):
        return "blt"
    header = _header(line)
    if {"ballot_id", "rank", "choice"} <= set(header):
        return "long-csv"
    if any(re.fullmatch(r"rank_[0-9]+", cell) for cell in header):
        return "csv"
    if any(re.match(r"(rank|choice|[0-9]+(st|nd|rd|th))", cell) for cell in header):
        return "wide-csv"
    return "csv"


@dataclass(frozen=True)
class Columns:
    """Which columns of a wide CSV hold what (None: the reader's defaults)."""

    ranks: tuple[str, ...] = ()
    weight: str | None = None
    ballot_id: str | None = None


def _marked(path: str, fmt: str, columns: Columns) -> MarkedBallots:
    from engage.counting import cvr  # reads openpyxl and JSON only when asked

    if fmt == "long-csv":
        return cvr.read_long_csv(path, source=os.path.basename(path))
    if fmt == "cdf":
        try:
            return cvr.read_cdf(path)
        except json.JSONDecodeError as error:  # pragma: no cover - read_cdf names the line
            raise BallotFileError(error.lineno, "not JSON", os.path.basename(path)) from error
    if fmt == "ess-xlsx":
        return cvr.read_ess_xlsx(path)
    return cvr.read_wide_csv(
        path,
        rank_columns=list(columns.ranks) or None,
        weight_column=columns.weight,
        id_column=columns.ballot_id,
    )


def read_source(
    path: str,
    fmt: str | None = None,
    seats: int | None = None,
    rules: BallotRules | None = None,
    columns: Columns | None = None,
) -> Source:
    """The file at ``path`` ready to count. ``fmt`` None: recognised from the content.
    ``rules`` read cast vote records (default: RCTab's defaults, ``RCTAB_DEFAULT``); BLT
    and Engage's CSV hold no marks to read, so rules do not apply to them. ``columns``
    say which columns of a wide CSV are its ranks, weight and ballot id."""
    chosen = fmt or detect(path)
    if fmt is None and chosen == "csv" and columns is not None and columns.ranks:
        chosen = "wide-csv"  # naming the rank columns says what the file is
    if chosen not in FORMATS:
        raise BallotFileError(None, f"unknown format {chosen!r}", os.path.basename(path))
    if chosen in CLEAN:
        return Source(load_ballot_file(path, seats), chosen)
    marked = _marked(path, chosen, columns or Columns())
    applied = rules or RCTAB_DEFAULT
    ruled = apply_rules(marked, applied)
    election = ruled.election
    if seats:
        election = election.with_seats(seats)
    return Source(
        election=election,
        format=chosen,
        ends=ruled.ends,
        undervote=ruled.undervote,
        undeclared=tuple(ruled.undeclared_write_ins),
        rules=applied,
        inactive=ruled.ends_by_reason(),
        notes=list(ruled.notes) or list(marked.notes),
    )
