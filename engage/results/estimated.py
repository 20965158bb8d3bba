"""Each shown percentage as an estimate, with its standard error, 95 % interval, base
and effective base: weighted by a scheme, or unweighted.

- **Unweighted** estimates are worked out from the counts as shown (perturbed), so they
  give away nothing the counts do not: the estimate is the shown percentage, the base
  and effective base the shown base, and the standard error p(1-p)/(n-1).
- **Weighted** results count only the respondents with a weight (``only_weighted``): every
  count, base and hidden cell is then the usual small-number rules applied to those
  respondents' unweighted counts, and an option's weighted estimate is shown only where
  its count is. The estimate comes from ``engage.weighting.estimates`` (see there for
  the variance estimator and why). Weighted figures are not perturbed: they are rounded
  (``DECIMALS``), and the effective base to a whole respondent.

A result whose effective base is under the minimum (``ENGAGE_MIN_EFFECTIVE_BASE``,
default 50) is marked ``low_base``: the pages show it greyed, with a warning, not hidden.
"""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engage.results.columns import Selection, View, WeightedSums
from engage.weighting.estimates import Estimate, Sums, efficiency, from_sums

DECIMALS = 4  # of a proportion: 0.1234 is 12.34 %
MIN_EFFECTIVE_BASE = 50
FIELDS = ("estimate", "se", "ci_low", "ci_high", "effective_base")


@dataclass(frozen=True)
class Weighting:
    """Weighted results asked for: the scheme and each row of the view's weight."""

    scheme: str
    weights: np.ndarray  # per row of the view, NaN: no weight
    min_effective_base: int = MIN_EFFECTIVE_BASE

    def only_weighted(self, view: View, selection: Selection) -> Selection:
        """The selected rows that have a weight."""
        has = ~np.isnan(self.weights[: view.n])
        if selection is None:
            return np.flatnonzero(has)
        return selection[has[selection]]


@dataclass
class ShownSums:
    """``WeightedSums`` by the keys results show (option, ward or band codes)."""

    n: int
    w: float
    w2: float
    wy: dict[str, float]
    w2y: dict[str, float]
    bases: dict[str, tuple[int, float, float]]

    @classmethod
    def of(cls, sums: WeightedSums, shown) -> "ShownSums":
        """``shown(key)``: the shown key of an internal key (None: not shown)."""
        wy: dict[str, float] = {}
        w2y: dict[str, float] = {}
        for key, value in sums.wy.items():
            if (name := shown(key)) is not None:
                wy[name] = wy.get(name, 0.0) + value
                w2y[name] = w2y.get(name, 0.0) + sums.w2y[key]
        bases = {name: base for key, base in sums.bases.items() if (name := shown(key))}
        return cls(sums.n, sums.w, sums.w2, wy, w2y, bases)

    def banded(self, band_of) -> "ShownSums":
        """The sums of a number question in the bands its counts are shown in."""
        wy: dict[str, float] = {}
        w2y: dict[str, float] = {}
        for key, value in self.wy.items():
            band = band_of(int(key))
            wy[band] = wy.get(band, 0.0) + value
            w2y[band] = w2y.get(band, 0.0) + self.w2y[key]
        return ShownSums(self.n, self.w, self.w2, wy, w2y, {})

    def estimate(self, key: str) -> Estimate:
        n, w, w2 = self.bases.get(key, (self.n, self.w, self.w2))
        return from_sums(Sums(n, w, w2, [self.wy.get(key, 0.0)], [self.w2y.get(key, 0.0)]))[0]

    def mean(self) -> float | None:
        """The weighted mean of a rating or number (keys are the values)."""
        if self.w <= 0:
            return None
        return sum(float(key) * value for key, value in self.wy.items()) / self.w


def _rounded(value: float, digits: int = DECIMALS) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def _fields(found: Estimate | None) -> dict[str, Any]:
    if found is None:
        return dict.fromkeys(FIELDS)
    return {
        "estimate": _rounded(found.estimate),
        "se": _rounded(found.se),
        "ci_low": _rounded(found.ci_low),
        "ci_high": _rounded(found.ci_high),
        "effective_base": _rounded(found.effective_base, 1),
    }


def _shown(value: Any) -> bool:
    return not isinstance(value, str) and value is not None


def unweighted(result: dict[str, Any], min_effective_base: int = MIN_EFFECTIVE_BASE) -> None:
    """Add each option's estimate fields, from the shown counts."""
    for option in result["options"]:
        count, base = option["count"], option["base"]
        found = None
        if _shown(count) and _shown(base) and base:
            found = from_sums(Sums(int(base), base, base, [count], [count]))[0]
        option.update(_fields(found))
    respondents = result["respondents"]
    base = respondents if _shown(respondents) else None
    result["weighting"] = {
        "weighted": False,
        "scheme": None,
        "base": respondents,
        "effective_base": base,
        "efficiency": 1.0 if base else None,
        # As answered, a small base has the dashboard's own "Small base" warning.
        "low_base": False,
        "min_effective_base": min_effective_base,
    }


def weighted(
    result: dict[str, Any], sums: ShownSums, weighting: Weighting, mean: float | None = None
) -> None:
    """Add each option's weighted estimate (hidden where its count is), make the shown
    percentage the weighted one and the mean the weighted ``mean`` (a rating's or a
    number's, worked out before any banding), and say how the weighting went."""
    for option in result["options"]:
        found = None
        if _shown(option["count"]) and _shown(option["base"]) and option["base"]:
            found = sums.estimate(option["code"])
        option.update(_fields(found))
        option["percent"] = None if found is None else round(100 * found.estimate, 1)
    effective = sums.w * sums.w / sums.w2 if sums.w2 > 0 else 0.0
    respondents = result["respondents"]
    hidden = not _shown(respondents) or not respondents
    if result.get("mean") is not None:  # shown only where no count is hidden
        result["mean"] = None if mean is None else round(mean, 2)
    result["weighting"] = {
        "weighted": True,
        "scheme": weighting.scheme,
        "base": result["respondents"],
        "effective_base": None if hidden else round(effective),
        # Of the shown base: the raw base could be worked back from a precise ratio.
        "efficiency": None if hidden else round(min(efficiency(respondents, effective), 1.0), 2),
        "low_base": effective < weighting.min_effective_base,
        "min_effective_base": weighting.min_effective_base,
    }
