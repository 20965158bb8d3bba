"""One row of the change page: a group's figures in two waves, tested. No Flask.

**Disclosure.** The small-number rule (``results.suppression``) still applies to the
unweighted counts behind weighted figures: in each wave, the group's respondents and
the option's choosers pass ``rule.show``. Where either is hidden in either wave the row
shows no figures and no verdict, only that it is hidden.

**Estimates.** Weighted, each wave's percentage and Kish effective base come from its
sums (``weighting.estimates``), rounded as the other results pages round them.
Unweighted, they come from the counts as shown (perturbed), as ``results.estimated``
does, so they give away nothing the counts do not: the percentage is the shown choosers
over the shown respondents, and the effective base is the shown respondents.

**The verdict.** ``weighting.change.compare`` tests the difference. A change is called
real (up or down) only when it is significant: p < 0.05 with both effective bases at
least the minimum. Under the minimum it is "too few to tell", whatever the figures, so
that noise at small samples is never flagged.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

from engage.results.perturbation import Count
from engage.results.suppression import Rule
from engage.weighting.change import compare
from engage.weighting.estimates import Sums, from_sums

HIDDEN, UP, DOWN, NO_CLEAR, TOO_FEW = "hidden", "up", "down", "no_clear", "too_few"
TESTED = (UP, DOWN, NO_CLEAR)
ALPHA = 0.05


@dataclass(frozen=True)
class Side:
    """One wave's respondents in a group, for one option: who answered, who chose it,
    and (weighted) the option's sums over them."""

    respondents: Count
    choosers: Count
    sums: Sums | None = None  # None: unweighted


@dataclass(frozen=True)
class Row:
    """A group's change as shown: percentages, the difference in points and its 95 %
    interval, the effective bases (whole), and the verdict."""

    label: str
    verdict: str
    before: float | None = None
    after: float | None = None
    difference: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    before_base: int | None = None
    after_base: int | None = None
    low_base: bool = False  # an effective base under the minimum: shown greyed
    p_value: float | None = None

    @property
    def tested(self) -> bool:
        """Was a test made (both waves shown, and each with the minimum base)?"""
        return self.verdict in TESTED


def row(label: str, before: Side, after: Side, rule: Rule, minimum: float) -> Row:
    """The row for one group and option, from each wave's side of it."""
    shown = [rule.show(side.respondents) for side in (before, after)]
    chosen = [rule.show(side.choosers) for side in (before, after)]
    if any(isinstance(cell, str) for cell in (*shown, *chosen)):
        return Row(label, HIDDEN)
    p1, n1 = _estimate(before, int(shown[0]), int(chosen[0]))
    p2, n2 = _estimate(after, int(shown[1]), int(chosen[1]))
    bases = {"before_base": round(n1), "after_base": round(n2)}
    low = n1 < minimum or n2 < minimum
    if math.isnan(p1) or math.isnan(p2):
        return Row(label, TOO_FEW, _percent(p1), _percent(p2), low_base=low, **bases)
    found = compare(p1, n1, p2, n2, minimum)
    if found.significant:
        verdict = UP if found.difference > 0 else DOWN
    else:
        verdict = TOO_FEW if found.too_small else NO_CLEAR
    return Row(
        label,
        verdict,
        _percent(p1),
        _percent(p2),
        _percent(found.difference),
        _percent(found.ci_low),
        _percent(found.ci_high),
        low_base=low,
        p_value=None if math.isnan(found.p_value) else found.p_value,
        **bases,
    )


def _estimate(side: Side, respondents: int, choosers: int) -> tuple[float, float]:
    """The proportion and effective base: from the sums weighted, else from the shown
    counts (a perturbed count of choosers can exceed the respondents: capped at all)."""
    if side.sums is not None:
        found = from_sums(side.sums)[0]
        return found.estimate, found.effective_base
    if respondents <= 0:
        return math.nan, 0.0
    return min(choosers / respondents, 1.0), float(respondents)


def _percent(proportion: float) -> float | None:
    """A proportion (or a difference of two) in percent, to one decimal place."""
    return None if math.isnan(proportion) else round(100 * proportion, 1) + 0.0


def by_chance(rows: Iterable[Row]) -> tuple[int, float]:
    """How many rows were tested, and how many of them chance alone would flag if
    nothing had really changed in any (one in twenty at p < 0.05)."""
    tested = sum(1 for r in rows if r.tested)
    return tested, tested * ALPHA
