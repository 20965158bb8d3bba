"""Counting options: the choices RCTab offers beyond the ballot rules, named in every result.

The defaults are Engage's own rules (Scottish STV, IRV one exclusion at a time), so
``count(election)`` gives the same result with or without ``CountOptions()``.

- ``batch_elimination``: exclude together every candidate whose votes, added to those
  of everyone below them, are fewer than the next candidate's (none of them could
  overtake anyone), as RCTab's batch elimination does. A batch of one is an ordinary
  exclusion, ties broken as usual.
- ``continue_until_two``: IRV only. After a candidate wins a majority, keep excluding
  until two candidates are left, so the final round shows the runoff; the winner stays
  in the count and can receive transfers. The winner does not change.
- ``threshold``: ``"whole"``: floor(votes / (seats + 1)) + 1, whole votes (Scottish rule
  46; IRV: more than half); ``"fractional"``: votes / (seats + 1) truncated to
  ``decimals`` places, plus the smallest unit (RCTab's ``nonIntegerWinningThreshold``).
- ``decimals``: places kept in transfer values and tallies, 0 to 5 (RCTab's
  ``decimalPlacesForVoteArithmetic``); every value is truncated, never rounded up.
- ``tie_break``: ``"previous-rounds-then-lot"`` (the candidate with the fewest, or most,
  votes at the latest earlier stage where they differed, else a lot), ``"lot"`` (a lot
  straight away) or ``"candidate-order"`` (the candidate listed last in the ballot is
  excluded; the one listed first goes first: RCTab's ``useCandidateOrder``).
- ``exclude_undeclared_write_ins``: candidates standing for undeclared write-ins (given
  to ``count``) are excluded together before anything else, as RCTab does; off, they
  are counted like any other candidate.
- ``surplus_transfer``: STV only. ``"scottish"``: one surplus a stage, the largest first,
  each paper passing on at value * surplus / votes truncated once (rule 48), and the
  count ends when the last seat is filled. ``"rctab"``: the surpluses of everyone
  elected at one stage are all transferred before anyone else can be elected, the
  fraction surplus / votes is truncated to ``decimals`` places before each paper's value
  is multiplied by it (truncated again), and the surpluses of the last winners are
  still transferred after the last seat is filled, to show where they would go
  (RCTab's multi-winner rounds).
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from engage.counting.errors import CountingError

THRESHOLDS = ("whole", "fractional")
TIE_BREAKS = ("previous-rounds-then-lot", "lot", "candidate-order")
SURPLUS_TRANSFERS = ("scottish", "rctab")
MAX_DECIMALS = 5  # the count's unit is 1e-5 of a vote

# RCTab's tiebreakMode values Engage can follow; the interactive ones cannot be.
_RCTAB_TIE_BREAKS = {
    "random": "lot",
    "previousRoundCountsThenRandom": "previous-rounds-then-lot",
    "useCandidateOrder": "candidate-order",
}


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise CountingError(f"{name} {value!r}: expected one of {', '.join(allowed)}")


@dataclass(frozen=True)
class CountOptions:
    """How a count runs, beyond the method and the ballot rules; see the module docstring."""

    batch_elimination: bool = False
    continue_until_two: bool = False
    threshold: str = "whole"  # or "fractional"
    decimals: int = 5
    tie_break: str = "previous-rounds-then-lot"  # or "lot", "candidate-order"
    exclude_undeclared_write_ins: bool = True
    surplus_transfer: str = "scottish"  # or "rctab"

    def __post_init__(self) -> None:
        for name in ("batch_elimination", "continue_until_two", "exclude_undeclared_write_ins"):
            if not isinstance(getattr(self, name), bool):
                raise CountingError(f"{name} {getattr(self, name)!r}: expected true or false")
        _choice("threshold", self.threshold, THRESHOLDS)
        _choice("tie_break", self.tie_break, TIE_BREAKS)
        _choice("surplus_transfer", self.surplus_transfer, SURPLUS_TRANSFERS)
        decimals = self.decimals
        if not isinstance(decimals, int) or isinstance(decimals, bool):
            raise CountingError(f"decimals {decimals!r}: expected a whole number")
        if not 0 <= decimals <= MAX_DECIMALS:
            raise CountingError(f"decimals {decimals}: expected 0 to {MAX_DECIMALS}")

    @property
    def step(self) -> int:
        """The smallest value kept, in the count's units of 1e-5: 10 for four places."""
        return 10 ** (MAX_DECIMALS - self.decimals)

    def describe(self, method: str | None = None) -> list[str]:
        """Each option in a sentence, for the text report and results pages; with a
        ``method`` ("irv" or "stv"), only the options that apply to it."""
        lines = []
        if self.batch_elimination:
            lines.append(
                "Batch elimination: candidates who together have fewer votes than the "
                "next candidate are excluded together."
            )
        else:
            lines.append("One candidate is excluded at a time.")
        if self.continue_until_two and method != "stv":
            lines.append("IRV continues until two candidates remain.")
        if self.threshold == "whole":
            lines.append("Threshold: whole votes, floor(votes / (seats + 1)) + 1.")
        else:
            lines.append(
                f"Threshold: votes / (seats + 1) to {self.decimals} decimal places, "
                "plus the smallest unit."
            )
        lines.append(f"Transfer values and tallies kept to {self.decimals} decimal places.")
        lines.append(
            {
                "previous-rounds-then-lot": "Ties: earlier stage totals, then a lot.",
                "lot": "Ties: a lot.",
                "candidate-order": (
                    "Ties: by candidate order (the one listed last is excluded first; "
                    "the one listed first has its surplus transferred first)."
                ),
            }[self.tie_break]
        )
        if self.exclude_undeclared_write_ins:
            lines.append("Undeclared write-ins, if any, are excluded before the first transfer.")
        else:
            lines.append("Undeclared write-ins are counted like any other candidate.")
        if method == "irv":
            pass
        elif self.surplus_transfer == "rctab":
            lines.append(
                "Surpluses (STV): all surpluses of one stage transfer before further "
                "elections, at the truncated fraction surplus / votes, and the last "
                "winners' surpluses are transferred too (RCTab)."
            )
        else:
            lines.append(
                "Surpluses (STV): one at a time, largest first, at value x surplus / votes "
                "(Scottish rule 48)."
            )
        return lines

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "CountOptions":
        """Options from ``to_dict()``'s output; unknown keys raise ``CountingError``."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise CountingError(f"unknown counting option {unknown[0]!r}")
        return cls(**dict(data))

    @classmethod
    def from_rctab(cls, rules: Mapping[str, Any]) -> "CountOptions":
        """The counting options of an RCTab configuration's ``rules`` object.

        Multi-winner contests take RCTab's surplus transfers (``surplus_transfer="rctab"``).
        Settings Engage cannot follow (interactive tie-breaks, a Hare quota, a minimum
        vote threshold, bottoms-up or sequential modes) raise ``CountingError``.
        """
        mode = str(rules.get("tiebreakMode", "random"))
        tie_break = _RCTAB_TIE_BREAKS.get(mode)
        if tie_break is None:
            raise CountingError(f"RCTab tiebreakMode {mode!r} is not supported")
        if rules.get("hareQuota"):
            raise CountingError("RCTab's Hare quota is not supported")
        if str(rules.get("minimumVoteThreshold", "0") or "0") not in ("0", ""):
            raise CountingError("RCTab's minimum vote threshold is not supported")
        election_mode = str(rules.get("winnerElectionMode", "singleWinnerMajority"))
        if election_mode not in ("singleWinnerMajority", "multiWinnerAllowMultipleWinnersPerRound"):
            raise CountingError(f"RCTab winnerElectionMode {election_mode!r} is not supported")
        if rules.get("doesFirstRoundDetermineThreshold"):
            raise CountingError("RCTab's doesFirstRoundDetermineThreshold is not supported")
        decimals = int(str(rules.get("decimalPlacesForVoteArithmetic", "4") or "4"))
        multi = election_mode == "multiWinnerAllowMultipleWinnersPerRound"
        return cls(
            batch_elimination=bool(rules.get("batchElimination", False)),
            continue_until_two=bool(rules.get("continueUntilTwoCandidatesRemain", False)),
            threshold="fractional" if rules.get("nonIntegerWinningThreshold") else "whole",
            decimals=decimals,
            tie_break=tie_break,
            exclude_undeclared_write_ins=True,
            surplus_transfer="rctab" if multi else "scottish",
        )
