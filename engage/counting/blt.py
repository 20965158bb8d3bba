"""The BLT ballot format, which most STV software reads and writes.

    4 2                 candidates and seats
    -3                  optional: withdrawn candidates, as negative numbers, alone on
                        the line straight after the first (a negative number anywhere
                        else is an error)
    3 1 2 0             weight, then candidate numbers in order of preference, then 0
    (b17) 1 4 2 0       a ballot id in parentheses may come first; it is ignored
    0                   a lone 0 ends the ballots
    "Ada"               one quoted name per candidate ("" and \\ escaped with a backslash)
    "Bo"
    "Cy"
    "Di \\"Dee\\" Jones"
    "Orchard ward"      optional quoted title

Items are separated by any white space; ``#`` starts a comment to the end of the
line and ``/* ... */`` comments are skipped. Every error names its line.

A weight is written in digits only ("1.5", "1e3", "+2" and "-2" are refused), from 1
to ``MAX_BALLOTS`` (100,000,000): 0 cannot be a weight, as a lone 0 ends the ballots.
The weights must also add up to no more than ``MAX_BALLOTS``; both are checked as the
lines are read, in Python integers, so nothing can wrap around.
"""

import re
from collections.abc import Iterator
from typing import TextIO

from engage.counting.ballots import (
    MAX_BALLOTS,
    TOO_MANY,
    WEIGHTS,
    Election,
    pack,
    parse_weight,
    shown,
)
from engage.counting.errors import BallotFileError, CountingError

_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<comment>\#.*|/\*.*?\*/)
      | (?P<open>/\*)
      | (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<id>\([^()]*\))
      | (?P<word>[^\s"#()]+)
      | (?P<bad>.)""",
    re.VERBOSE,
)
_INT = re.compile(r"-?[0-9]+\Z")
_WHOLE = re.compile(r"[0-9]+\Z")
_UNESCAPE = re.compile(r"\\(.)")
_SPECIAL = re.compile(r'["#()/]')
_DIGITS = 9  # longer numbers are refused before int() (weights stop at 10**8)


def _lines(text: str, source: str | None) -> Iterator[tuple[int, list[str]]]:
    """(line number, items) for each line with any. Plain lines, the bulk of a file, are split."""
    in_comment = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_comment:
            end = line.find("*/")
            if end < 0:
                continue
            line, in_comment = line[end + 2 :], False
        if not _SPECIAL.search(line):
            items = line.split()
        else:
            items = []
            for match in _TOKEN.finditer(line):
                kind, value = match.lastgroup, match.group()
                if kind == "open":
                    in_comment = True
                    break
                if kind == "bad":
                    what = "a quoted name with no closing quote" if value == '"' else repr(value)
                    raise BallotFileError(number, f"unexpected {what}", source)
                if kind in ("quoted", "id", "word"):
                    items.append(value)
        if items:
            yield number, items


class _Reader:
    """Walks the items a line at a time, remembering the line for error messages."""

    def __init__(self, text: str, source: str | None) -> None:
        self.lines = _lines(text, source)
        self.source = source
        self.line: int | None = 1
        self.items: list[str] = []
        self.pos = 0

    def _load(self) -> bool:
        while self.pos >= len(self.items):
            pair = next(self.lines, None)
            if pair is None:
                return False
            (self.line, self.items), self.pos = pair, 0
        return True

    def line_ahead(self) -> list[str] | None:
        """The next line's items when the reader stands between lines, else None."""
        if self.pos and self.pos < len(self.items):
            return None
        return self.items if self._load() else None

    def skip_line(self) -> None:
        self.pos = len(self.items)

    def maybe_next(self) -> str | None:
        if not self._load():
            return None
        self.pos += 1
        return self.items[self.pos - 1]

    def peek(self) -> str | None:
        return self.items[self.pos] if self._load() else None

    def next(self, expected: str) -> str:
        item = self.maybe_next()
        if item is None:
            raise self.error(f"the file ends where {expected} should be")
        return item

    def error(self, problem: str) -> BallotFileError:
        return BallotFileError(self.line, problem, self.source)

    def number(self, expected: str) -> int:
        item = self.next(expected)
        if not _INT.match(item):
            raise self.error(f"expected {expected}, found {shown(item)}")
        if len(item.lstrip("-0")) > _DIGITS:
            raise self.error(f"{shown(item)} is too large for {expected}")
        return int(item)


def _whole_line_ballot(items: list[str]) -> list[int] | None:
    """A line that is exactly one ballot, "weight c1 c2 ... 0", as numbers; else None.

    Anything unusual (a weight of 0 or out of range, an overlong number) is left to
    ``_read_ballot``, which says what is wrong.
    """
    if len(items) < 2 or items[-1] != "0" or items[0] == "0":
        return None
    joined = "".join(items)
    if not (joined.isascii() and joined.isdigit()) or max(map(len, items)) > _DIGITS:
        return None
    numbers = [int(item) for item in items]
    if not 1 <= numbers[0] <= MAX_BALLOTS or 0 in numbers[1:-1]:
        return None
    return numbers


def _read_withdrawn(r: _Reader, count: int) -> list[int]:
    """Withdrawn candidates: a line of negative numbers directly after the header line.

    A negative number anywhere else is an error (in a ballot's place it would once have
    silently withdrawn a candidate and dropped the ballot's weight).
    """
    items = r.line_ahead()
    if not items or not all(_INT.match(item) and item.startswith("-") for item in items):
        return []
    withdrawn = []
    for _ in items:
        number = -r.number("a withdrawn candidate")
        if not 1 <= number <= count:
            raise r.error(f"withdrawn candidate {number} does not exist ({count} candidates)")
        withdrawn.append(number - 1)
    return withdrawn


def _read_ballot(r: _Reader, count: int) -> tuple[int, list[int]] | None:
    """One ballot read item by item, wherever its lines break: (weight, ranking); None at the 0."""
    item = r.next("the next ballot or the lone 0 that ends the ballots")
    if item.startswith("("):
        item = r.next("a ballot weight after the ballot id")
    if _INT.match(item) and item.startswith("-"):
        raise r.error(
            f"{shown(item)} is not a ballot weight ({WEIGHTS}); withdrawn candidates "
            "(negative numbers) go on their own line directly after the candidates and seats"
        )
    if not _WHOLE.match(item):
        hint = "; is the lone 0 that ends the ballots missing?" if item[0] == '"' else ""
        raise r.error(f"expected a ballot weight ({WEIGHTS}), found {shown(item)}{hint}")
    if not item.strip("0"):
        following = r.line_ahead() is None and r.peek()
        if following and _INT.match(following):
            raise r.error(f"a ballot weight must be {WEIGHTS}; a lone 0 ends the ballots")
        return None
    try:
        weight = parse_weight(item)
    except CountingError as error:
        raise r.error(str(error)) from None
    ranking: list[int] = []
    while (item := r.next("the 0 that ends the ballot")) != "0":
        if not _WHOLE.match(item):
            hint = " (equal preferences are not supported)" if "=" in item else ""
            raise r.error(f"expected a candidate number or 0, found {shown(item)}{hint}")
        number = int(item) if len(item.lstrip("0")) <= _DIGITS else None
        if number is None or not 1 <= number <= count:
            shown_number = shown(item) if number is None else number
            raise r.error(f"candidate {shown_number} does not exist ({count} candidates)")
        if number - 1 in ranking:
            raise r.error(f"candidate {number} appears twice on one ballot")
        ranking.append(number - 1)
    return weight, ranking


def _unquote(item: str) -> str:
    return _UNESCAPE.sub(r"\1", item[1:-1])


def parse_blt(text: str, source: str | None = None) -> Election:
    """Read a BLT file's text; ``source`` (a file name) prefixes any error message."""
    r = _Reader(text.lstrip("\ufeff"), source)
    count = r.number("the number of candidates")
    seats = r.number("the number of seats")
    if count < 1 or seats < 1:
        raise r.error("the numbers of candidates and seats must both be 1 or more")
    withdrawn = _read_withdrawn(r, count)
    flat: list[int] = []
    lengths: list[int] = []
    weights: list[int] = []
    total = 0
    while True:
        items = r.line_ahead()
        numbers = _whole_line_ballot(items) if items else None
        if numbers is not None:  # the fast path, for the usual one ballot per line
            r.skip_line()
            weight, ranking = numbers[0], [number - 1 for number in numbers[1:-1]]
            if ranking and max(ranking) >= count:
                raise r.error(f"candidate {max(ranking) + 1} does not exist ({count} candidates)")
            if len(set(ranking)) != len(ranking):
                twice = next(c for c in ranking if ranking.count(c) > 1)
                raise r.error(f"candidate {twice + 1} appears twice on one ballot")
        elif (ballot := _read_ballot(r, count)) is not None:
            weight, ranking = ballot
        else:
            break
        total += weight  # a Python int: it cannot wrap
        if total > MAX_BALLOTS:
            raise r.error(f"the ballot weights add up to {total:,} by this line, {TOO_MANY}")
        flat.extend(ranking)
        lengths.append(len(ranking))
        weights.append(weight)
    names = []
    for number in range(1, count + 1):
        item = r.next(f"the quoted name of candidate {number}")
        if not item.startswith('"'):
            hint = (
                f" (a ballot after the lone 0 that ends the ballots? weights are {WEIGHTS})"
                if _INT.match(item)
                else ""
            )
            raise r.error(
                f"expected the quoted name of candidate {number}, found {shown(item)}{hint}"
            )
        names.append(_unquote(item))
    title = ""
    last = r.maybe_next()
    if last is not None:
        if not last.startswith('"'):
            raise r.error(f"expected the quoted title, found {shown(last)}")
        title = _unquote(last)
        extra = r.maybe_next()
        if extra is not None:
            raise r.error(f"unexpected {shown(extra)} after the title")
    if len(set(names)) != len(names):
        raise BallotFileError(None, "two candidates have the same name", source)
    table = pack(flat, lengths, weights, count)
    return Election(names, table, seats, [names[i] for i in withdrawn], title)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_blt(election: Election, out: TextIO) -> None:
    """Write the ballots as given (not merged), then the names and the title."""
    names = election.candidates
    index = {name: i + 1 for i, name in enumerate(names)}
    out.write(f"{len(names)} {election.seats}\n")
    if election.withdrawn:
        out.write(" ".join(f"-{index[name]}" for name in election.withdrawn) + "\n")
    rows = election.table.rankings.tolist()
    for row, weight in zip(rows, election.table.weights.tolist(), strict=True):
        prefs = " ".join(str(i + 1) for i in row if i >= 0)
        out.write(f"{weight} {prefs} 0\n" if prefs else f"{weight} 0\n")
    out.write("0\n")
    for name in names:
        out.write(_quote(name) + "\n")
    out.write(_quote(election.title) + "\n")
