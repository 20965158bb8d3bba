"""Breaking ties the Scottish way (rules 49 and 51): look back stage by stage, then by lot.

The lot is drawn with ``random.Random(seed)`` over the tied names in sorted
order, so anyone holding the published seed and ballots can redraw it. Two other
modes (``CountOptions.tie_break``): ``"lot"`` draws straight away, and
``"candidate-order"`` takes the candidate listed last in the ballot (to exclude) or
first (surplus first), as RCTab's ``useCandidateOrder`` does.
"""

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from engage.counting.ballots import UNIT


def new_seed() -> str:
    """A seed for when none was given; it is recorded in the result either way."""
    return secrets.token_hex(8)


def votes_text(units: int) -> str:
    """Units of 1e-5 as a decimal string with five places: 191300000 -> '1913.00000'."""
    sign = "-" if units < 0 else ""
    whole, fraction = divmod(abs(units), UNIT)
    return f"{sign}{whole}.{fraction:05d}"


@dataclass(frozen=True)
class TieBreak:
    """How a tie was resolved, in words a results page can show."""

    purpose: str  # "exclusion" or "surplus"
    tied: tuple[str, ...]
    chosen: str
    resolved_by: str  # "earlier stage N totals" or "lot with seed S"
    stage: int | None
    seed: str | None
    explanation: str

    def to_dict(self) -> dict[str, object]:
        return {
            "purpose": self.purpose,
            "tied": list(self.tied),
            "chosen": self.chosen,
            "resolved_by": self.resolved_by,
            "stage": self.stage,
            "seed": self.seed,
            "explanation": self.explanation,
        }


class TieBreaker:
    """Chooses among tied candidates; one per count, so its lots follow from the seed."""

    def __init__(
        self, names: Sequence[str], seed: str, mode: str = "previous-rounds-then-lot"
    ) -> None:
        self.names = names
        self.seed = seed
        self.mode = mode
        # Deliberately not secret: anyone with the published seed must redraw the same lots.
        self.rng = random.Random(seed)  # noqa: S311  # nosec B311  # lots redrawn from the published seed

    def choose(
        self, tied: list[int], history: Sequence[Sequence[int]], lowest: bool, purpose: str
    ) -> tuple[int, TieBreak | None]:
        """Pick the lowest (to exclude) or highest (surplus first) of the tied candidates.

        ``history`` holds every stage's tallies so far, the current one last. Going
        back a stage at a time, only the candidates at the extreme stay in the
        running, until one is left; if they were level at every stage, it is a lot.
        """
        if len(tied) == 1:
            return tied[0], None
        names = self.names
        level = votes_text(history[-1][tied[0]])
        tied_names = " and ".join(", ".join(names[c] for c in tied).rsplit(", ", 1))
        verb = "is excluded" if purpose == "exclusion" else "has its surplus transferred first"
        if self.mode == "candidate-order":
            chosen = max(tied) if lowest else min(tied)
            where = "last" if lowest else "first"
            explanation = (
                f"{tied_names} were tied on {level} votes. {names[chosen]} is listed {where} "
                f"of them in the candidate order, so {names[chosen]} {verb}."
            )
            return chosen, TieBreak(
                purpose,
                tuple(names[c] for c in tied),
                names[chosen],
                "candidate order",
                None,
                None,
                explanation,
            )
        field = list(tied)
        looking_back = self.mode != "lot"
        for stage in range(len(history) - 2 if looking_back else -1, -1, -1):
            tally = history[stage]
            extreme = min(tally[c] for c in field) if lowest else max(tally[c] for c in field)
            field = [c for c in field if tally[c] == extreme]
            if len(field) == 1:
                chosen = field[0]
                word = "fewest" if lowest else "most"
                explanation = (
                    f"{tied_names} were tied on {level} votes. At the end of stage {stage}, "
                    f"{names[chosen]} had the {word} votes ({votes_text(extreme)}), "
                    f"so {names[chosen]} {verb}."
                )
                return chosen, TieBreak(
                    purpose,
                    tuple(names[c] for c in tied),
                    names[chosen],
                    f"earlier stage {stage} totals",
                    stage,
                    None,
                    explanation,
                )
        drawn = self.rng.choice(sorted(names[c] for c in field))
        chosen = next(c for c in field if names[c] == drawn)
        lot_among = " and ".join(", ".join(sorted(names[c] for c in field)).rsplit(", ", 1))
        if len(field) < len(tied):
            looked_back = f"; looking back stage by stage, {lot_among} stayed level"
        elif len(history) > 1 and looking_back:
            looked_back = " and at every earlier stage"
        else:
            looked_back = ""
        explanation = (
            f"{tied_names} were tied on {level} votes{looked_back}. A lot among {lot_among}, "
            f"drawn with seed {self.seed}, chose {drawn}, so {drawn} {verb}."
        )
        return chosen, TieBreak(
            purpose,
            tuple(names[c] for c in tied),
            drawn,
            f"lot with seed {self.seed}",
            None,
            self.seed,
            explanation,
        )
