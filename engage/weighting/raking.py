"""Raking (iterative proportional fitting) of responses to population margins. Pure numpy.

**Algorithm.** Every respondent starts with weight 1 (as R's ``survey::rake`` on an
unweighted design). Respondents with the same category on every margin get the same
weight, so the work is done on the cells of the contingency table (a ``bincount`` of the
respondents' combined codes), never on the respondents: each cell starts at its count.
One pass takes the margins in turn and multiplies every cell of a category by that
category's target over its current weighted total, so that margin holds exactly. Each
respondent then gets its cell's weight over its cell's count. A million respondents on
three margins make a few hundred cells, and a pass over them takes microseconds. The
weights agree with R's ``survey::rake`` to 1e-14 (``tests/test_weighting_raking.py``).

**Convergence.** After each full pass (and after the cap, if any) the error is the
largest ``|weighted total - target| / target`` over every category of every margin (the
``history``). Raking stops when it is at most ``tolerance`` (default 1e-10), or after
``max_iterations`` passes; the report then says it did not converge and by how much
the margins are off (targets some combination the data lack would need, say).

**Cap (trimming, off by default).** With ``cap`` (more than 1), no respondent's weight
may be more than ``cap`` times the mean weight (the population total over the number of
respondents weighted, which raking does not change). After each pass, weights above it
are cut to it; the next pass spreads what was cut over the other respondents by raking
again. This repeats until no weight is above the cap and every margin is within the
tolerance, or the passes run out: a cap too low for the targets (a group that would
need bigger weights than it allows) ends with the margins off and the weights adding
up to less than the population, and the report says by how much. ``capped`` counts the
respondents held at the cap at the end.

**Left out.** A respondent with a blank weighting answer (code -1), or in a category
whose target is 0, is left out: no weight (``nan``), not counted in the margins, and
counted in ``left_out``. A target of 0 says nobody in the population is like them, so
leaving them out (rather than weighting them 0) keeps them visible in the report.

**Totals.** Every margin describes the same population, so their totals must agree;
totals differing by rounding (up to one part in a million) are scaled to their mean,
and the weights add up to it. A category with a target but no respondent cannot be
met and is refused, with what to do about it.

**Why not a library** (measured on 1,000,000 skewed respondents, 3 margins, 280 cells,
one core). Here the passes take 0.3 ms (10 passes, margins within 1e-11) and the whole
call, collapsing included, 0.07 s. ``ipfn`` 1.4.4 takes the table and gets there in
6.7 ms, but has had no release since 2021, prints to stdout from library code, divides
by zero on a zero target and has no hook between passes for the cap. ``samplics`` 0.6.1
rakes the cells with their counts as starting weights (13 ms, 7e-14), but is archived
(a FutureWarning on import), checks its bounds without enforcing them, and pulls in
393 MB (scipy, statsmodels, polars). ``weightipy`` 0.4.2 starts every row at 1.0, so
cannot rake the cells (0.73 s on the million rows), stops on the change in the weights,
not the margins, and pulls in scipy (144 MB). ``svy`` 0.35, samplics's successor, rakes
the cells in 4.8 ms (9e-13), but its trimming bounds would apply to the cells' totals,
not to a respondent's weight, and it pulls in 231 MB (polars).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from engage.percent import percent_text

AGREEMENT = 1e-6  # relative difference allowed between the margins' totals
DENSE_CELLS = 1 << 22  # a table up to this size is counted with bincount, not np.unique


@dataclass(frozen=True)
class RakeReport:
    """What raking did: stored with the weights, shown by ``lines()``."""

    converged: bool
    iterations: int
    max_margin_error: float  # largest |weighted margin - target| / target, at the end
    history: list[float]  # max_margin_error after each full pass
    respondents: int  # raked: every weighting variable known and with a target
    left_out: int  # no weight: a weighting variable blank or with no target
    cap: float | None  # weights at most cap x the mean weight, or None
    capped: int  # respondents held at the cap
    total: float  # sum of the weights: the population total of the targets
    effective_base: float  # Kish: (sum w)^2 / sum w^2
    efficiency: float  # effective_base / respondents
    min_weight: float
    max_weight: float

    def lines(self) -> list[str]:
        """The convergence report in plain English, for the command line and admin page."""
        passes = _plural(self.iterations, "pass", "passes")
        off = _within(self.max_margin_error)
        if self.converged:
            first = f"Converged after {passes}: every margin within {off} of its target"
        else:
            why = (
                "the cap may be too low for these targets"
                if self.cap is not None
                else "the targets may need a combination of answers no respondent gave"
            )
            first = f"Did not converge in {passes}: a margin is {off} off its target ({why})"
        mean = self.total / self.respondents
        lines = [
            first,
            f"{_plural(self.respondents, 'respondent')} weighted, {self.left_out:,} left out"
            " (a weighting answer blank or with no target)",
            f"Weights from {_weight(self.min_weight)} to {_weight(self.max_weight)} "
            f"({self.min_weight / mean:.2f} to {self.max_weight / mean:.2f} times the mean); "
            f"effective base {self.effective_base:,.0f} "
            f"(efficiency {percent_text(self.efficiency * 100)})",
        ]
        if self.cap is None:
            lines.append("No cap on the weights")
        else:
            lines.append(
                f"Weights capped at {self.cap:g} times the mean weight: "
                f"{_plural(self.capped, 'respondent')} held at the cap"
            )
        return lines


def rake(
    codes: np.ndarray,
    targets: Sequence[np.ndarray],
    cap: float | None = None,
    tolerance: float = 1e-10,
    max_iterations: int = 1000,
    *,
    names: Sequence[str] | None = None,
    labels: Sequence[Sequence[str]] | None = None,
) -> tuple[np.ndarray, RakeReport]:
    """codes: int array (n respondents, m margins): each respondent's category index per
    margin, -1 where blank. targets[j]: the population of each category of margin j.
    names and labels (optional) name the margins and their categories in messages.

    Returns the weights (float64, nan for respondents left out) summing to the
    population total, and the report. Raises ValueError, saying what to fix, for
    margins that disagree on the total or a category with a target and no respondent."""
    codes = np.asarray(codes)
    shape, targets = _checked(codes, targets, cap, tolerance, max_iterations, names)
    m = len(shape)
    known = np.ones(len(codes), dtype=bool)
    for j in range(m):
        known &= (codes[:, j] >= 0) & (targets[j][codes[:, j]] > 0)  # -1: masked either way
    raked = codes[known]
    for j, target in enumerate(targets):
        present = np.bincount(raked[:, j], minlength=shape[j])
        for k in np.flatnonzero((present == 0) & (target > 0)):
            raise ValueError(_no_respondent(j, int(k), float(target[k]), names, labels))

    cells, counts, cell_of = _cells(raked, shape)
    total = float(targets[0].sum())
    limit = None if cap is None else cap * total / len(raked) * counts
    weight = counts.astype(np.float64)
    history: list[float] = []
    while len(history) < max_iterations:
        for j, target in enumerate(targets):
            margin = np.bincount(cells[:, j], weights=weight, minlength=shape[j])
            weight *= (target / np.where(margin > 0, margin, 1.0))[cells[:, j]]
        if limit is not None:
            np.minimum(weight, limit, out=weight)
        history.append(_margin_error(cells, weight, targets))
        if history[-1] <= tolerance:
            break

    each = weight / counts
    weights = np.full(len(codes), np.nan)
    weights[known] = each[cell_of]
    total = float(weight.sum())
    capped = 0 if limit is None else int(counts[weight >= limit * (1 - 1e-9)].sum())
    effective = total**2 / float((weight * each).sum())
    report = RakeReport(
        converged=history[-1] <= tolerance,
        iterations=len(history),
        max_margin_error=history[-1],
        history=history,
        respondents=len(raked),
        left_out=len(codes) - len(raked),
        cap=None if cap is None else float(cap),
        capped=capped,
        total=total,
        effective_base=effective,
        efficiency=effective / len(raked),
        min_weight=float(each.min()),
        max_weight=float(each.max()),
    )
    return weights, report


def _checked(
    codes: np.ndarray,
    targets: Sequence[np.ndarray],
    cap: float | None,
    tolerance: float,
    max_iterations: int,
    names: Sequence[str] | None,
) -> tuple[tuple[int, ...], list[np.ndarray]]:
    """The table's shape and the targets as float arrays with one total, or ValueError."""
    if codes.ndim != 2 or not np.issubdtype(codes.dtype, np.integer):
        raise ValueError("Raking needs an integer array of codes with a column per margin.")
    if codes.shape[1] == 0 or not targets:
        raise ValueError("There is nothing to weight to: give targets for at least one margin.")
    if codes.shape[1] != len(targets):
        raise ValueError(f"{codes.shape[1]} columns of codes but {len(targets)} margins.")
    if cap is not None and not cap > 1:
        raise ValueError(
            f"The cap must be more than 1 (times the mean weight), not {cap:g}: "
            "a cap of 1 or less would allow no weight above the mean."
        )
    if not tolerance > 0 or max_iterations < 1:
        raise ValueError("The tolerance must be above 0 and the passes at least 1.")
    targets = [np.asarray(t, dtype=np.float64) for t in targets]
    shape = tuple(len(t) for t in targets)
    for j, target in enumerate(targets):
        if target.ndim != 1 or not np.all(np.isfinite(target)) or np.any(target < 0):
            raise ValueError(f"The targets of {_margin(j, names)} must be numbers, 0 or more.")
        column = codes[:, j]
        if len(column) and (column.min() < -1 or column.max() >= len(target)):
            raise ValueError(
                f"A code of {_margin(j, names)} is outside its {len(target)} categories."
            )
    totals = [float(t.sum()) for t in targets]
    if min(totals) <= 0:
        raise ValueError(f"The targets of {_margin(totals.index(min(totals)), names)} are 0.")
    if max(totals) - min(totals) > AGREEMENT * max(totals):
        listed = ", ".join(f"{_margin(j, names)} {_number(t)}" for j, t in enumerate(totals))
        raise ValueError(
            f"The margins add up to different totals: {listed}: every margin must "
            "describe the same population."
        )
    mean = sum(totals) / len(totals)
    return shape, [t * (mean / s) for t, s in zip(targets, totals, strict=True)]


def _cells(raked: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The occupied cells (their codes, one row each), their counts, each respondent's cell."""
    size = math.prod(shape)
    if size < 2**62:
        flat = np.ravel_multi_index(tuple(raked.T), shape)
        if size <= max(DENSE_CELLS, 4 * len(raked)):
            table = np.bincount(flat, minlength=size)
            occupied = np.flatnonzero(table)
            position = np.zeros(size, dtype=np.intp)
            position[occupied] = np.arange(len(occupied))
            cells = np.column_stack(np.unravel_index(occupied, shape))
            return cells, table[occupied], position[flat]
        occupied, cell_of, counts = np.unique(flat, return_inverse=True, return_counts=True)
        return np.column_stack(np.unravel_index(occupied, shape)), counts, cell_of
    cells, cell_of, counts = np.unique(raked, axis=0, return_inverse=True, return_counts=True)
    return cells, counts, cell_of.ravel()


def _margin_error(cells: np.ndarray, weight: np.ndarray, targets: list[np.ndarray]) -> float:
    worst = 0.0
    for j, target in enumerate(targets):
        margin = np.bincount(cells[:, j], weights=weight, minlength=len(target))
        wanted = target > 0
        worst = max(worst, float(np.max(np.abs(margin[wanted] / target[wanted] - 1))))
    return worst


def _no_respondent(
    j: int,
    k: int,
    target: float,
    names: Sequence[str] | None,
    labels: Sequence[Sequence[str]] | None,
) -> str:
    category = labels[j][k] if labels is not None else f"category {k}"
    return (
        f"No respondent has {_margin(j, names)} = {category}, which has a population "
        f"target of {_number(target)}: merge it with a neighbouring category or drop "
        "the target."
    )


def _margin(j: int, names: Sequence[str] | None) -> str:
    return names[j] if names is not None else f"margin {j}"


def _number(value: float) -> str:
    """152,300 for a whole number, else six significant figures (0.499998)."""
    return f"{round(value):,}" if value == round(value) else f"{value:,.6g}"


def _weight(value: float) -> str:
    """390, 3.90, 0.0412: whole above 100, else to two places or three figures."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value >= 1 else f"{value:.3g}"


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _within(error: float) -> str:
    """The error as a percentage rounded up, to its first significant figure (two to ten
    places): "2.35%", "0.0000001%"."""
    percent = error * 100
    if percent == 0:
        return "0%"
    places = min(10, max(2, -math.floor(math.log10(percent))))
    return f"{math.ceil(percent * 10**places) / 10**places:.{places}f}%"
