"""The record of a count: every stage, every tie, in the JSON the CLI prints and the app stores.

Votes are held as integer units of 1e-5 and shown as decimal strings with five
places ("1913.00000"), so the published figures are exactly the counted ones.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from engage.counting.options import CountOptions
from engage.counting.ties import TieBreak, votes_text


@dataclass
class Stage:
    """One stage: the first preferences, or one transfer (a surplus or an exclusion)."""

    number: int
    action: str  # "first preferences", "surplus" or "exclusion"
    source: str | None  # whose ballots moved
    tally: dict[str, int]  # every standing candidate's votes after the stage
    transfers: dict[str, int] = field(default_factory=dict)  # gained by each recipient
    non_transferable: int = 0  # running total of votes that went nowhere
    exhausted: int = 0  # running total of ballot papers with no continuing preference left
    rounding_loss: int = 0  # running total lost to truncating transfer values
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    tie_break: TieBreak | None = None
    majority: int | None = None  # IRV only: the votes needed to win at this stage
    # With the ballot rules' reasons: running totals of inactive votes, by reason.
    inactive: dict[str, int] | None = None
    # Candidates excluded together (a batch, or undeclared write-ins), this one among them.
    batch: list[str] = field(default_factory=list)
    note: str | None = None  # why the stage happened, when it is not the usual rule

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "stage": self.number,
            "action": self.action,
            "from": self.source,
            "tally": {name: votes_text(units) for name, units in self.tally.items()},
            "non_transferable": votes_text(self.non_transferable),
            "exhausted": self.exhausted,
            "rounding_loss": votes_text(self.rounding_loss),
            "elected": list(self.elected),
            "excluded": list(self.excluded),
            "transfers": {name: votes_text(units) for name, units in self.transfers.items()},
            "tie_break": self.tie_break.to_dict() if self.tie_break else None,
        }
        if self.majority is not None:
            data["majority"] = votes_text(self.majority)
        if self.inactive is not None:
            data["inactive"] = {name: votes_text(units) for name, units in self.inactive.items()}
        if self.batch:
            data["batch"] = list(self.batch)
        if self.note:
            data["note"] = self.note
        return data


@dataclass
class CountResult:
    """Who was elected, and how: the full stage-by-stage record of one count."""

    method: str  # "irv" or "stv"
    seats: int
    quota: int | None  # STV: the Droop quota; IRV: None (see Stage.majority)
    ballots: int  # valid ballot papers (each ranks at least one standing candidate)
    empty: int  # ballot papers with no standing candidate on them, left out of the count
    seed: str
    title: str
    candidates: tuple[str, ...]  # standing candidates, in ballot order
    withdrawn: tuple[str, ...]
    elected: list[str] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    options: CountOptions = field(default_factory=CountOptions)

    @property
    def excluded(self) -> list[str]:
        """Candidates excluded during the count, in order."""
        return [name for stage in self.stages for name in stage.excluded]

    @property
    def exhausted(self) -> int:
        """Ballot papers that ended the count with no continuing preference."""
        return self.stages[-1].exhausted if self.stages else 0

    @property
    def unfilled(self) -> int:
        """Seats nobody filled: STV runs out of candidates when fewer stand than seats."""
        return max(0, self.seats - len(self.elected))

    @property
    def tie_breaks(self) -> list[TieBreak]:
        return [stage.tie_break for stage in self.stages if stage.tie_break]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "title": self.title,
            "seats": self.seats,
            "quota": None if self.quota is None else votes_text(self.quota),
            "ballots": self.ballots,
            "empty_ballots": self.empty,
            "exhausted": self.exhausted,
            "seed": self.seed,
            "options": self.options.to_dict(),
            "candidates": list(self.candidates),
            "withdrawn": list(self.withdrawn),
            "elected": list(self.elected),
            "unfilled_seats": self.unfilled,
            "stages": [stage.to_dict() for stage in self.stages],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
