"""Reading a ballot file of either kind, told apart by its extension or, failing that, its text."""

import os
import re

from engage.counting.ballots import Election
from engage.counting.blt import parse_blt
from engage.counting.csvfile import parse_csv
from engage.counting.errors import BallotFileError

_BLT_START = re.compile(r"\s*[0-9]+\s+[0-9]+\s*(#.*)?\Z")


def detect_format(name: str, text: str) -> str:
    """'blt' or 'csv': by extension, else a first line of two numbers means BLT."""
    extension = os.path.splitext(name)[1].lower()
    if extension in (".blt", ".csv"):
        return extension[1:]
    for line in text.lstrip("\ufeff").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return "blt" if _BLT_START.match(line) else "csv"
    return "csv"


def parse_ballots(text: str | bytes, name: str, seats: int | None = None) -> Election:
    """An election from a file's text (or UTF-8 bytes). A BLT file's seats stand unless
    ``seats`` is given."""
    start = text[:_SNIFF] if isinstance(text, str) else _sniffed(text)
    if detect_format(name, start) == "blt":
        election = parse_blt(text, source=name)
        return election.with_seats(seats) if seats else election
    title = os.path.splitext(os.path.basename(name))[0]
    return parse_csv(text, seats=seats or 1, title=title, source=name)


def load_ballot_file(path: str, seats: int | None = None) -> Election:
    """Read and parse a BLT or CSV ballot file (UTF-8)."""
    name = os.path.basename(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise BallotFileError(None, f"cannot be read ({error.strerror})", name) from error
    try:
        return parse_ballots(data, name, seats)
    except UnicodeDecodeError as error:
        raise BallotFileError(None, f"not UTF-8 text ({error.reason})", name) from error


_SNIFF = 1 << 16  # characters enough to see the first line that says what the file is


def _sniffed(data: bytes) -> str:
    """The start of the file as text, for telling its format (a cut character is dropped)."""
    return data[:_SNIFF].decode("utf-8", "ignore")
