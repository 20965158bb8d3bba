"""A counted vote's stored result in the words and figures the results pages show.

Pure: it reads only the result JSON kept on the vote (see engage.counting), never
the ballots, so the page shows exactly the snapshot that was counted and published.
Stages keep the engine's numbers (first preferences are stage 0), as the tie-break
explanations and ``flask --app engage count`` use them too.

Every sentence goes through a ``Words``: the view passes Flask-Babel's gettext and
ngettext and the page's locale in; without one the words are English.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from engage.panels.outcome.wording import (  # noqa: F401  (shared with the pictures)
    ENGLISH,
    NON_TRANSFERABLE,
    UNIT,
    Words,
    method_words,
    names_text,
    shown,
    units,
)

STAGE_IN_WORDS = re.compile(r"\bstage (\d+)\b")


def shown_stage(number: int) -> int:
    """A stage's number as people count: the count's record numbers the first
    preferences 0 (and keeps doing so in its JSON); pages start at stage 1."""
    return number + 1


@dataclass(frozen=True)
class Column:
    """One stage of the count, headed as the table, the charts and the flow picture show it."""

    number: int
    heading: str  # "First preferences", "Surplus of Parks", "Potholes excluded"
    action: str
    source: str | None
    tie_break: Mapping[str, Any] | None
    line: int | None  # the quota (STV) or the votes needed to win at this stage (IRV)
    line_text: str = ""


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
    quota_text: str = ""
    # How marked paper ballots were read, when the vote said (in words), else "".
    paper_rules: str = ""
    words: Words = ENGLISH

    @property
    def order(self) -> list[str]:
        """Options as every view lists them: chosen first, then by how long they lasted."""
        return [row.name for row in self.rows]


def _heading(stage: Mapping[str, Any], words: Words) -> str:
    if stage["action"] == "surplus":
        return words.gettext("Surplus of %(option)s", option=words.name(stage["from"]))
    if stage["action"] == "exclusion":
        return words.gettext("%(option)s excluded", option=words.name(stage["from"]))
    return words.gettext("First preferences")


def _columns(result: Mapping[str, Any], words: Words) -> list[Column]:
    quota = units(result["quota"]) if result.get("quota") else None
    columns = []
    for stage in result["stages"]:
        line = units(stage["majority"]) if stage.get("majority") else quota
        columns.append(
            Column(
                number=shown_stage(stage["stage"]),
                heading=_heading(stage, words),
                action=stage["action"],
                source=stage["from"],
                tie_break=stage.get("tie_break"),
                line=line,
                line_text=words.figure(line) if line is not None else "",
            )
        )
    return columns


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


def _chosen_note(place: int, stage: int, seats: int, words: Words) -> str:
    if seats > 1:
        return words.gettext(
            "Chosen %(place)s at stage %(stage)s", place=words.place(place), stage=stage
        )
    return words.gettext("Chosen at stage %(stage)s", stage=stage)


def _option_row(name: str, result: Mapping[str, Any], words: Words) -> Row:
    cells: list[Cell] = []
    before: int | None = None
    status = note = ""
    for stage in result["stages"]:
        value = units(stage["tally"].get(name))
        moved = words.change(value - before) if before is not None and value != before else ""
        text = words.figure(value)
        if status == "excluded":
            cells.append(Cell("–", status="out"))
        elif name in stage["elected"]:
            status = "elected"
            place = result["elected"].index(name) + 1
            note = _chosen_note(place, shown_stage(stage["stage"]), result["seats"], words)
            cells.append(Cell(text, value, moved, "elected"))
        elif name in stage["excluded"]:
            status = "excluded"
            note = words.gettext("Excluded at stage %(stage)s", stage=shown_stage(stage["stage"]))
            cells.append(Cell(text, value, moved, "excluded"))
        else:
            cells.append(Cell(text, value, moved, "chosen" if status == "elected" else ""))
        before = value
    first = units(result["stages"][0]["tally"].get(name)) if result["stages"] else 0
    return Row(name, status, note, cells, first)


def _running_row(label: str, values: list[int], words: Words, whole: bool = False) -> Row:
    cells = []
    for i, value in enumerate(values):
        moved = value - values[i - 1] if i else 0
        if whole:  # ballot papers, not votes: no fractions
            text, shown_change = words.whole(value // UNIT), f"+{words.whole(moved // UNIT)}"
        else:
            text, shown_change = words.figure(value), words.change(moved)
        cells.append(Cell(text, value, shown_change if moved else ""))
    return Row(label, "", "", cells)


def _extra_rows(result: Mapping[str, Any], words: Words) -> list[Row]:
    """Non-transferable votes (always first: the charts draw it), rounding, exhausted ballots."""
    stages = result["stages"]
    rows = [
        _running_row(
            words.gettext("Non-transferable"),
            [units(s["non_transferable"]) for s in stages],
            words,
        ),
    ]
    losses = [units(s.get("rounding_loss")) for s in stages]
    if any(losses):
        rows.append(_running_row(words.gettext("Lost to rounding"), losses, words))
    exhausted = [int(s.get("exhausted") or 0) * UNIT for s in stages]
    rows.append(_running_row(words.gettext("Exhausted ballots"), exhausted, words, whole=True))
    return rows


def recount_message(
    result: Mapping[str, Any], words: Words = ENGLISH
) -> tuple[str | None, bool | None]:
    """What pyrankvote's independent IRV recount found, in a sentence, and whether it agrees."""
    recount = result.get("recount")
    if not recount:
        return None, None
    by = recount.get("by", "pyrankvote")
    winner = words.name(recount["winner"]) if recount.get("winner") else words.gettext("none")
    if recount.get("problem"):
        message = words.gettext(
            "Checked independently with %(program)s: it could not finish (%(problem)s).",
            program=by,
            problem=recount["problem"],
        )
        return message, None
    if not recount.get("comparable"):
        ties = [s["tie_break"] for s in result["stages"] if s.get("tie_break")]
        if any(t.get("seed") for t in ties):
            message = words.gettext(
                "Checked independently with %(program)s: not comparable, because a tie was "
                "broken by lot, which %(program)s does its own way (its winner: %(winner)s).",
                program=by,
                winner=winner,
            )
        else:
            message = words.gettext(
                "Checked independently with %(program)s: not comparable, because a tie was "
                "broken by looking back at earlier stages, which %(program)s does its own way "
                "(its winner: %(winner)s).",
                program=by,
                winner=winner,
            )
        return message, None
    if recount.get("agrees"):
        message = words.gettext(
            "Checked independently with %(program)s: it agrees (winner %(winner)s).",
            program=by,
            winner=winner,
        )
        return message, True
    message = words.gettext(
        "Checked independently with %(program)s: it does not agree (its winner: %(winner)s). "
        "Please tell the facilitator.",
        program=by,
        winner=winner,
    )
    return message, False


def tie_break_words(tie: Mapping[str, Any], words: Words = ENGLISH) -> str:
    """How a tie was broken. English keeps the count's own sentence, which also gives the
    tied figure and the totals looked back at; other languages say it from the facts."""
    if words.locale == "en":
        # The count's record numbers stages from 0; the page numbers them from 1.
        return STAGE_IN_WORDS.sub(
            lambda found: f"stage {shown_stage(int(found.group(1)))}", tie["explanation"]
        )
    facts = {"tied": names_text(tie["tied"], words), "chosen": words.name(tie["chosen"])}
    surplus = tie["purpose"] == "surplus"
    if tie.get("seed"):
        if surplus:
            return words.gettext(
                "%(tied)s were tied, so a lot was drawn with seed %(seed)s. It chose "
                "%(chosen)s, so the surplus of %(chosen)s is transferred first.",
                seed=tie["seed"],
                **facts,
            )
        return words.gettext(
            "%(tied)s were tied, so a lot was drawn with seed %(seed)s. It chose %(chosen)s, "
            "so %(chosen)s is excluded.",
            seed=tie["seed"],
            **facts,
        )
    if surplus:
        return words.gettext(
            "%(tied)s were tied. At the end of stage %(stage)s, %(chosen)s had the most votes "
            "of them, so the surplus of %(chosen)s is transferred first.",
            stage=shown_stage(tie["stage"]),
            **facts,
        )
    return words.gettext(
        "%(tied)s were tied. At the end of stage %(stage)s, %(chosen)s had the fewest votes "
        "of them, so %(chosen)s is excluded.",
        stage=shown_stage(tie["stage"]),
        **facts,
    )


def read_outcome(result: Mapping[str, Any], words: Words = ENGLISH) -> Outcome:
    """The stored count as the results pages show it, in ``words``."""
    columns = _columns(result, words)
    rows = [_option_row(name, result, words) for name in _order(result)]
    message, agrees = recount_message(result, words)
    quota = units(result["quota"]) if result.get("quota") else None
    return Outcome(
        method=result["method"],
        method_words=method_words(result["method"], words),
        seats=result["seats"],
        quota=quota,
        ballots=result["ballots"],
        empty=result.get("empty_ballots", 0),
        exhausted=result.get("exhausted", 0),
        seed=str(result["seed"]),
        elected=list(result["elected"]),
        columns=columns,
        rows=rows,
        extra_rows=_extra_rows(result, words) if result["stages"] else [],
        tie_breaks=[(c, tie_break_words(c.tie_break, words)) for c in columns if c.tie_break],
        recount=message,
        recount_agrees=agrees,
        quota_text=words.figure(quota) if quota is not None else "",
        paper_rules=paper_rules_words(result.get("paper_rules"), words),
        words=words,
    )


def paper_rules_words(rules: Mapping[str, Any] | None, words: Words = ENGLISH) -> str:
    """How the count read marked paper ballots, in the page's language; "" for none."""
    if not rules:
        return ""
    sentences = [
        words.gettext("Two or more options at one rank end the ballot.")
        if rules.get("overvote") == "exhaust"
        else words.gettext("Two or more options at one rank are passed over.")
    ]
    skipped = rules.get("skipped")
    if skipped is None:
        sentences.append(words.gettext("Blank ranks are passed over."))
    elif skipped == 0:
        sentences.append(words.gettext("A blank rank before a marked one ends the ballot."))
    else:
        sentences.append(
            words.gettext(
                "Up to %(num)s blank ranks in a row are passed over; more end the ballot.",
                num=skipped,
            )
        )
    sentences.append(
        words.gettext("An option ranked again lower down is passed over.")
        if rules.get("repeated") == "skip"
        else words.gettext("An option ranked a second time ends the ballot there.")
    )
    return " ".join(sentences)


class PublishedBallot(Protocol):
    """What a published ballot carries (``results.AnonymisedBallot``)."""

    @property
    def receipt(self) -> str: ...
    @property
    def paper(self) -> bool: ...
    @property
    def ranking(self) -> tuple[str, ...]: ...


def receipt_words(ballot: PublishedBallot | None, words: Words = ENGLISH) -> str | None:
    """A found ballot's ranking as a member wrote it: "1 Parks, 2 Potholes"."""
    if ballot is None:
        return None
    ranked = [f"{rank} {words.name(title)}" for rank, title in enumerate(ballot.ranking, 1)]
    ranking = words.series(ranked) if ranked else words.gettext("no options ranked")
    if ballot.paper:
        return words.gettext("%(ranking)s (a paper ballot)", ranking=ranking)
    return ranking


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
