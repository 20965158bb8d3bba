"""Is a change between two waves real? A z-test of two weighted proportions. No Flask.

Each wave is an independent sample with its own weights. The standard error of the
difference is unpooled, sqrt(p1(1-p1)/n1 + p2(1-p2)/n2), with each wave's own estimate
and its Kish effective base as n: the loss of precision from weighting is counted, and
the se is the usual one for an interval around the difference. Kish's effective base is
exact for the variance when the weights are unrelated to the answer, and an
approximation otherwise.

No flag is given where either wave's effective base is under the minimum (default 50):
the normal approximation is poor there, and a flag would be read as a finding.
"""

import math
from dataclasses import dataclass
from statistics import NormalDist

from engage.weighting.estimates import Z95

MINIMUM_BASE = 50.0

HOW_TESTED = (
    "A change is flagged when it is unlikely to be chance alone. We compare the two "
    "waves' weighted percentages with a two-sided z-test of the difference between two "
    "independent proportions, at the 95% level. Each wave's standard error is "
    "sqrt(p(1 - p) / n), where p is that wave's own weighted proportion and n is its "
    "effective base (Kish's), not the number of respondents: weighting makes a survey "
    "less precise, and the effective base counts that loss. The interval shown is the "
    "difference plus or minus 1.96 standard errors. Where either wave's effective base "
    "is under the minimum (50 unless set otherwise) no flag is given, whatever the "
    "figures, because the test is unreliable on so few. Read many rows with care: when "
    "many comparisons are made, for example ward by ward, about 1 in 20 of the rows "
    "where nothing really changed will be flagged by chance."
)


@dataclass(frozen=True)
class Change:
    """The change from one wave to the next, with its test."""

    before: float
    after: float
    difference: float  # after - before
    se: float
    ci_low: float  # 95 % interval of the difference
    ci_high: float
    z: float
    p_value: float  # two-sided
    significant: bool  # p < 0.05 and both effective bases at least the minimum
    too_small: bool  # an effective base under the minimum: no flag, whatever the figures


def compare(
    before: float,
    before_effective_base: float,
    after: float,
    after_effective_base: float,
    minimum_base: float = MINIMUM_BASE,
) -> Change:
    """Test the change from ``before`` to ``after`` (proportions 0..1).

    A wave with no effective base (or no estimate, nan) leaves se, interval, z and p nan.
    When both waves are unanimous (se 0) the same answer gives z 0 and p 1, and opposite
    answers give an infinite z and p 0.
    """
    for p in (before, after):
        if not math.isnan(p) and not 0.0 <= p <= 1.0:
            raise ValueError(f"a proportion must be between 0 and 1, not {p}")
    if before_effective_base < 0 or after_effective_base < 0:
        raise ValueError("an effective base cannot be negative")
    difference = after - before
    too_small = not (before_effective_base >= minimum_base and after_effective_base >= minimum_base)
    if before_effective_base == 0 or after_effective_base == 0 or math.isnan(difference):
        se = z = p_value = low = high = math.nan
    else:
        se = math.sqrt(
            before * (1 - before) / before_effective_base
            + after * (1 - after) / after_effective_base
        )
        if se > 0:
            z = difference / se
        else:
            z = 0.0 if difference == 0 else math.copysign(math.inf, difference)
        p_value = math.erfc(abs(z) / math.sqrt(2))
        low = max(difference - Z95 * se, -1.0)
        high = min(difference + Z95 * se, 1.0)
    return Change(
        before=before,
        after=after,
        difference=difference,
        se=se,
        ci_low=low,
        ci_high=high,
        z=z,
        p_value=p_value,
        significant=bool(p_value < 0.05) and not too_small,
        too_small=too_small,
    )


def power(p1: float, p2: float, n_eff1: float, n_eff2: float, alpha: float = 0.05) -> float:
    """The chance that ``compare`` flags a true change from p1 to p2 (normal approximation).

    Under the alternative the estimated difference is taken as normal about p2 - p1 with
    the se worked out from the true p's (the test itself uses the estimated ones; for
    bases of a few hundred the two are close). Both tails count, as the test is
    two-sided; the minimum base is not applied.
    """
    sigma = math.sqrt(p1 * (1 - p1) / n_eff1 + p2 * (1 - p2) / n_eff2)
    critical = NormalDist().inv_cdf(1 - alpha / 2)
    if sigma == 0:
        return 1.0 if p1 != p2 else 0.0
    shift = abs(p2 - p1) / sigma
    return _phi(shift - critical) + _phi(-shift - critical)


def _phi(x: float) -> float:
    """The standard normal CDF."""
    return 0.5 * math.erfc(-x / math.sqrt(2))
