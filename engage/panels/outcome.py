"""A counted vote's stored result in the words and figures the results pages show.

Pure: it reads only the result JSON kept on the vote (see engage.counting), never
the ballots, so the page shows exactly the snapshot that was counted and published.
Stages keep the engine's numbers (first preferences are stage 0), as the tie-break
explanations and ``flask --app engage count`` use them too.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

UNIT = 100_000
NON_TRANSFERABLE = "Non-transferable"

METHOD_WORDS = {
    "irv": (
        "Instant run-off: the option with the fewest votes is dropped, one at a time, and "
        "its ballots move to each member’s next choice, until one option has more than half "
        "of the votes still in the count."
    ),
    "stv": (
        "Single transferable vote (Scottish rules): an option with at least the quota of "
        "votes is chosen and its spare votes move on to each member’s next choice; when no "
        "option has spare votes, the one with the fewest is dropped and its ballots move on."
    ),
}


def units(text: str | None) -> int:
    """A stored vote figure ("12.34567") as whole units of 1e-5, exactly."""
    if not text:
        return 0
    sign = -1 if text.startswith("-") else 1
    whole, _, fraction = text.lstrip("-").partition(".")
    return sign * (int(whole) * UNIT + int((fraction + "00000")[:5]))


def shown(value: int) -> str:
    """Units as people read them: "1,234" when whole, else all five places "12.34560"."""
    sign = "−" if value < 0 else ""
    whole, fraction = divmod(abs(value), UNIT)
    return f"{sign}{whole:,}" + (f".{fraction:05d}" if fraction else "")


def change(value: int) -> str:
    return ("+" if value > 0 else "") + shown(value)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def names_text(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(names)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Column:
    """One stage of the count, headed as the table, the charts and the flow picture show it."""

    number: int
    heading: str  # "First preferences", "Surplus of Parks", "Potholes excluded"
    action: str
    source: str | None
    tie_break: Mapping[str, Any] | None
    line: int | None  # the quota (STV) or the votes needed to win at this stage (IRV)

    @property
    def line_text(self) -> str:
        return shown(self.line) if self.line is not None else ""


@dataclass(frozen=True)
class Cell:
    """One option's votes at one stage; ``status`` says what happened to it there."""

    text: str
    value: int = 0  # vote units
    change: str = ""
    status: str = ""  # "elected" (this stage), "chosen" (earlier), "excluded", "out"


@dataclass(frozen=True)
class Row:
    name: str
    status: str  # "elected", "excluded" or "" (still continuing when the count ended)
    note: str  # "Chosen 1st", "Dropped at stage 3"
    cells: list[Cell]
    first: int = 0  # first preferences, in units


@dataclass
class Outcome:
    """Everything the results partial shows, read from one stored result."""

    method: str
    method_words: str
    seats: int
    quota: int | None
    ballots: int
    empty: int
    exhausted: int
    seed: str
    elected: list[str]
    columns: list[Column]
    rows: list[Row]
    extra_rows: list[Row] = field(default_factory=list)  # non-transferable, rounding, exhausted
    tie_breaks: list[tuple[Column, str]] = field(default_factory=list)
    recount: str | None = None
    recount_agrees: bool | None = None

    @property
    def quota_text(self) -> str:
        return shown(self.quota) if self.quota is not None else ""

    @property
    def order(self) -> list[str]:
        """Options as every view lists them: chosen first, then by how long they lasted."""
        return [row.name for row in self.rows]


def _heading(stage: Mapping[str, Any]) -> str:
    if stage["action"] == "surplus":
        return f"Surplus of {stage['from']}"
    if stage["action"] == "exclusion":
        return f"{stage['from']} excluded"
    return "First preferences"


def _columns(result: Mapping[str, Any]) -> list[Column]:
    quota = units(result["quota"]) if result.get("quota") else None
    return [
        Column(
            number=stage["stage"],
            heading=_heading(stage),
            action=stage["action"],
            source=stage["from"],
            tie_break=stage.get("tie_break"),
            line=units(stage["majority"]) if stage.get("majority") else quota,
        )
        for stage in result["stages"]
    ]


def _order(result: Mapping[str, Any]) -> list[str]:
    """Chosen in order, then those still in at the end, then the excluded, last out first."""
    stages = result["stages"]
    excluded = [name for stage in stages for name in stage["excluded"]]
    out = set(excluded) | set(result["elected"])
    last = stages[-1]["tally"] if stages else {}
    staying = sorted(
        (name for name in result["candidates"] if name not in out),
        key=lambda name: -units(last.get(name)),
    )
    return list(result["elected"]) + staying + excluded[::-1]


def _option_row(name: str, result: Mapping[str, Any]) -> Row:
    cells: list[Cell] = []
    before: int | None = None
    status = note = ""
    for stage in result["stages"]:
        value = units(stage["tally"].get(name))
        moved = change(value - before) if before is not None and value != before else ""
        if status == "excluded":
            cells.append(Cell("–", status="out"))
        elif name in stage["elected"]:
            status = "elected"
            place = result["elected"].index(name) + 1
            nth = f" {ordinal(place)}" if result["seats"] > 1 else ""
            note = f"Chosen{nth} at stage {stage['stage']}"
            cells.append(Cell(shown(value), value, moved, "elected"))
        elif name in stage["excluded"]:
            status, note = "excluded", f"Excluded at stage {stage['stage']}"
            cells.append(Cell(shown(value), value, moved, "excluded"))
        else:
            cells.append(Cell(shown(value), value, moved, "chosen" if status == "elected" else ""))
        before = value
    first = units(result["stages"][0]["tally"].get(name)) if result["stages"] else 0
    return Row(name, status, note, cells, first)


def _running_row(label: str, values: list[int], whole: bool = False) -> Row:
    cells = []
    for i, value in enumerate(values):
        moved = value - values[i - 1] if i else 0
        text = f"{value // UNIT:,}" if whole else shown(value)
        shown_change = (f"+{moved // UNIT:,}" if whole else change(moved)) if moved else ""
        cells.append(Cell(text, value, shown_change))
    return Row(label, "", "", cells)


def _extra_rows(result: Mapping[str, Any]) -> list[Row]:
    stages = result["stages"]
    rows = [
        _running_row(NON_TRANSFERABLE, [units(s["non_transferable"]) for s in stages]),
    ]
    losses = [units(s.get("rounding_loss")) for s in stages]
    if any(losses):
        rows.append(_running_row("Lost to rounding", losses))
    exhausted = [int(s.get("exhausted") or 0) * UNIT for s in stages]
    rows.append(_running_row("Exhausted ballots", exhausted, whole=True))
    return rows


def recount_message(result: Mapping[str, Any]) -> tuple[str | None, bool | None]:
    """What pyrankvote's independent IRV recount found, in a sentence, and whether it agrees."""
    recount = result.get("recount")
    if not recount:
        return None, None
    by = recount.get("by", "pyrankvote")
    if recount.get("problem"):
        return f"Checked independently with {by}: it could not finish ({recount['problem']}).", None
    if not recount.get("comparable"):
        ties = [s["tie_break"] for s in result["stages"] if s.get("tie_break")]
        how = "by lot" if any(t.get("seed") for t in ties) else "by looking back at earlier stages"
        return (
            f"Checked independently with {by}: not comparable, because a tie was broken {how}, "
            f"which {by} does its own way (its winner: {recount.get('winner') or 'none'}).",
            None,
        )
    if recount.get("agrees"):
        return f"Checked independently with {by}: it agrees (winner {recount['winner']}).", True
    return (
        f"Checked independently with {by}: it does not agree (its winner: "
        f"{recount.get('winner') or 'none'}). Please tell the facilitator.",
        False,
    )


def read_outcome(result: Mapping[str, Any]) -> Outcome:
    """The stored count as the results pages show it."""
    columns = _columns(result)
    rows = [_option_row(name, result) for name in _order(result)]
    message, agrees = recount_message(result)
    return Outcome(
        method=result["method"],
        method_words=METHOD_WORDS.get(result["method"], result["method"]),
        seats=result["seats"],
        quota=units(result["quota"]) if result.get("quota") else None,
        ballots=result["ballots"],
        empty=result.get("empty_ballots", 0),
        exhausted=result.get("exhausted", 0),
        seed=str(result["seed"]),
        elected=list(result["elected"]),
        columns=columns,
        rows=rows,
        extra_rows=_extra_rows(result) if result["stages"] else [],
        tie_breaks=[(c, c.tie_break["explanation"]) for c in columns if c.tie_break],
        recount=message,
        recount_agrees=agrees,
    )


class PublishedBallot(Protocol):
    """What a published ballot carries (``results.AnonymisedBallot``)."""

    @property
    def receipt(self) -> str: ...
    @property
    def paper(self) -> bool: ...
    @property
    def ranking(self) -> tuple[str, ...]: ...


def receipt_words(ballot: PublishedBallot | None) -> str | None:
    """A found ballot's ranking as a member wrote it: "1 Parks, 2 Potholes"."""
    if ballot is None:
        return None
    ranking = ", ".join(f"{rank} {title}" for rank, title in enumerate(ballot.ranking, 1))
    return (ranking or "no options ranked") + (" (a paper ballot)" if ballot.paper else "")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ballots_blt(
    candidates: Sequence[str], seats: int, title: str, ballots: Iterable[PublishedBallot]
) -> str:
    """The ballots as a BLT file, each led by its receipt in brackets (which counting
    programs skip) and paper ones marked by a comment, so members can find theirs."""
    index = {name: number for number, name in enumerate(candidates, 1)}
    lines = [
        f"# {title}: the ballots, one a line: (receipt) weight, options by number, 0.",
        "# Count them with: flask --app engage count ballots.blt",
        f"{len(candidates)} {seats}",
    ]
    for ballot in ballots:
        numbers = "".join(f"{index[name]} " for name in ballot.ranking)
        lines.append(f"({ballot.receipt}) 1 {numbers}0" + ("  # paper" if ballot.paper else ""))
    lines.append("0")
    lines += [_quote(name) for name in candidates]
    lines.append(_quote(title))
    return "\n".join(lines) + "\n"
