"""Weighted percentages with their standard error, 95 % interval and effective base.

Pure numpy, no Flask. The results engine hands over sums over the respondents who
answered the question (the *base*); ``sums_of`` and ``proportions`` build the same sums
from arrays, for tests and small jobs.

The estimator agrees with R's survey package::

    d <- respondents who answered the question
    des <- svydesign(ids = ~1, weights = ~w, data = d)
    svymean(~factor(y), des)       # single choice
    svymean(~o1 + o2 + o3, des)    # multiple choice, one 0/1 column per option

Three choices are made, and they are the usual ones:

* **The base is treated as the sample.** The design is built on the respondents who
  answered, not on everyone with a domain (``subset``) estimate; the two differ only by
  the factor n/(n-1) taken over the base rather than over all respondents.
* **The final weights are treated as fixed.** Raking is not re-estimated in the variance
  (that would need calibration-aware linearisation, ``calibrate`` in R). This is what
  SPSS without Complex Samples and most council reports do, and for the raking
  variables themselves it is conservative: raking pins their margins, so their true
  sampling variance is smaller than the one given here.
* **With-replacement linearisation** (survey's default for ``ids = ~1``). With ``y_i``
  the 0/1 indicator of the option::

      p      = sum(w y) / sum(w)
      var(p) = n/(n-1) * sum(w_i^2 (y_i - p)^2) / sum(w)^2
             = n/(n-1) * ((1-p)^2 * w2y + p^2 * (w2 - w2y)) / w^2     (in sums)

  Unweighted (all w = 1) this is p(1-p)/(n-1). Scaling all weights by a constant
  changes nothing.

The interval is p ± Z95·se (normal, as survey's ``confint``), clipped to [0, 1].
A base of one respondent (or none) has no variance to speak of: its se and interval are
nan (``None`` in ``as_dict``), and with no respondents the estimate is nan too.

A multiple-choice question works the same way, each option with its own indicator;
options can overlap, so the estimates need not add up to 1.

The effective base is Kish's (sum w)^2 / sum w^2 over the base: the number of
unweighted respondents that would give the same precision.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Sums:
    """Sums over the base (the respondents who answered), and per option over choosers."""

    n: int  # unweighted base
    w: float  # sum of weights
    w2: float  # sum of squared weights
    wy: Sequence[float] | npt.NDArray[np.float64]  # per option: sum of weights of choosers
    w2y: Sequence[float] | npt.NDArray[np.float64]  # per option: sum of their squared weights

    def __post_init__(self) -> None:
        if len(self.wy) != len(self.w2y):
            raise ValueError("wy and w2y must have one entry per option")
        if self.n < 0:
            raise ValueError("the base cannot be negative")


@dataclass(frozen=True)
class Estimate:
    """One option's share of the base, with its uncertainty."""

    estimate: float  # proportion 0..1
    se: float
    ci_low: float
    ci_high: float
    base: int  # unweighted base
    effective_base: float  # Kish

    def as_dict(self) -> dict[str, Any]:
        """The six figures; nan (nothing to compute) becomes None, so JSON stays valid."""
        return {
            "estimate": _or_none(self.estimate),
            "se": _or_none(self.se),
            "ci_low": _or_none(self.ci_low),
            "ci_high": _or_none(self.ci_high),
            "base": self.base,
            "effective_base": _or_none(self.effective_base),
        }


def _or_none(value: float) -> float | None:
    return None if math.isnan(value) else value


def from_sums(sums: Sums) -> list[Estimate]:
    """One estimate per option, from sums over the base."""
    n, w, w2 = sums.n, float(sums.w), float(sums.w2)
    wy = np.asarray(sums.wy, dtype=float)
    w2y = np.asarray(sums.w2y, dtype=float)
    effective = w * w / w2 if w2 > 0 else 0.0
    p = np.full(wy.shape, math.nan) if n == 0 or w <= 0 else wy / w
    if n <= 1 or w <= 0:
        se = np.full(wy.shape, math.nan)
    else:
        # Sums of floats can leave w2 - w2y a hair below zero when p is 1.
        spread = (1 - p) ** 2 * w2y + p**2 * np.maximum(w2 - w2y, 0.0)
        se = np.sqrt(np.maximum(n / (n - 1) * spread / (w * w), 0.0))
    low = np.clip(p - Z95 * se, 0.0, 1.0)
    high = np.clip(p + Z95 * se, 0.0, 1.0)
    return [
        Estimate(float(p[i]), float(se[i]), float(low[i]), float(high[i]), n, effective)
        for i in range(len(wy))
    ]


def sums_of(chosen: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> Sums:
    """The sums for a base of n respondents: ``chosen`` is (n, k) bool, one column per option.

    ``weights`` None means unweighted (every weight 1).
    """
    y = np.asarray(chosen, dtype=bool)
    if y.ndim != 2:
        raise ValueError("chosen must be a (respondents, options) array")
    n = y.shape[0]
    w = _weights(weights, n)
    w2 = w * w
    return Sums(
        n=n,
        w=float(w.sum()),
        w2=float(w2.sum()),
        wy=w @ y,
        w2y=w2 @ y,
    )


def proportions(chosen: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> list[Estimate]:
    """One estimate per column of ``chosen`` (n, k) bool; unweighted when weights is None."""
    return from_sums(sums_of(chosen, weights))


def kish(weights: npt.ArrayLike) -> float:
    """Kish's effective base, (sum w)^2 / sum w^2; 0 for no respondents."""
    w = np.asarray(weights, dtype=float)
    w2 = float((w * w).sum())
    return float(w.sum()) ** 2 / w2 if w2 > 0 else 0.0


def efficiency(n: int, effective_base: float) -> float:
    """The share of the unweighted base the weighting keeps (1 = no loss); nan for n = 0."""
    return effective_base / n if n > 0 else math.nan


def _weights(weights: npt.ArrayLike | None, n: int) -> npt.NDArray[np.float64]:
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise ValueError("weights must have one entry per respondent")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError("weights must be finite and not negative")
    return w
