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


def parse_ballots(text: str, name: str, seats: int | None = None) -> Election:
    """An election from a file's text. A BLT file's seats stand unless ``seats`` is given."""
    if detect_format(name, text) == "blt":
        election = parse_blt(text, source=name)
        return election.with_seats(seats) if seats else election
    title = os.path.splitext(os.path.basename(name))[0]
    return parse_csv(text, seats=seats or 1, title=title, source=name)


def load_ballot_file(path: str, seats: int | None = None) -> Election:
    """Read and parse a BLT or CSV ballot file (UTF-8)."""
    name = os.path.basename(path)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except UnicodeDecodeError as error:
        raise BallotFileError(None, f"not UTF-8 text ({error.reason})", name) from error
    except OSError as error:
        raise BallotFileError(None, f"cannot be read ({error.strerror})", name) from error
    return parse_ballots(text, name, seats)
