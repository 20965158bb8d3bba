"""Replacing panel members who drop out, as fairly as the first draw and repeatably.

The members who stay are fixed. The smallest relaxation of the quotas that a
completion of the panel needs is found first (the program of ``relax``, with the
staying members fixed on and the unavailable fixed off); usually it is nothing.
The empty seats are then filled by a LEXIMIN draw over the volunteers still
available, whose quotas are the original ones less what the staying members already
count, widened by that relaxation. Anyone can repeat the draw from its seed with
``draw_panel(replacement.allocation, seed)``.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from engage.sortition.draw import draw_panel
from engage.sortition.leximin import Allocation, leximin
from engage.sortition.pool import Pool, Quota
from engage.sortition.relax import QuotaChange, _and, _Model, name


@dataclass(frozen=True)
class Replacement:
    """The replacements drawn, the allocation they were drawn from, and the quotas missed.

    ``chosen`` are the new members' indices in the pool. ``allocation`` is the LEXIMIN
    allocation over the available volunteers, in the pool's indices: its panels are
    sets of replacements and its ``agent_probabilities`` (one per respondent of the
    pool, 0 for staying and unavailable people) each one's chance of being drawn.
    ``broken`` lists every quota the finished panel misses, as the change that would
    accept it; it is empty when every quota is kept.
    """

    chosen: tuple[int, ...]
    allocation: Allocation
    broken: tuple[QuotaChange, ...]
    message: str


def missed(pool: Pool, panel: Collection[int]) -> tuple[QuotaChange, ...]:
    """The quotas ``panel`` misses, each as the change of bounds that would accept it."""
    members = set(panel)
    changes = []
    for quota in pool.quotas:
        count = len(members.intersection(pool.members_with(quota)))
        if not quota.minimum <= count <= quota.maximum:
            changes.append(QuotaChange(quota, min(count, quota.minimum), max(count, quota.maximum)))
    return tuple(changes)


def _check(pool: Pool, k: int, kept: Sequence[int], unavailable: Sequence[int]) -> None:
    for label, people in (("staying", kept), ("unavailable", unavailable)):
        outside = [i for i in people if not 0 <= i < pool.size]
        if outside:
            raise ValueError(
                f"No respondent {outside[0]} among the {pool.size} (the {label} members)"
            )
    both = sorted(set(kept) & set(unavailable))
    if both:
        raise ValueError(f"Respondent {both[0]} is both staying and unavailable")
    if len(set(kept)) != len(kept):
        raise ValueError("A staying member is listed twice")
    if len(kept) > k:
        raise ValueError(f"{len(kept)} members are staying on a panel of {k}")


def _rows(people: Sequence[int]) -> str:
    return _and([str(i) for i in people])


def _shortfall(change: QuotaChange) -> str:
    q = change.quota
    if change.new_minimum < q.minimum:
        return (
            f"{name(q)} has {change.new_minimum}, {q.minimum - change.new_minimum} fewer"
            f" than its minimum of {q.minimum}"
        )
    return (
        f"{name(q)} has {change.new_maximum}, {change.new_maximum - q.maximum} more"
        f" than its maximum of {q.maximum}"
    )


def replace(
    pool: Pool,
    k: int,
    kept: Collection[int],
    unavailable: Collection[int],
    seed: int,
    *,
    households: bool = True,
) -> Replacement:
    """Fill the seats of a panel of ``k`` left by drop-outs.

    ``kept`` are the members staying; ``unavailable`` are the members who dropped out
    and anyone else who must not be drawn. k − len(kept) seats are filled from the
    rest (with the household rule, no one sharing a household with a staying member
    or with another replacement). Raises ``ValueError`` when too few people are left.
    """
    kept_list, unavailable_list = sorted(kept), sorted(unavailable)
    _check(pool, k, kept_list, unavailable_list)
    seats = k - len(kept_list)
    rule = households and pool.households is not None
    out = set(unavailable_list)
    housemates: set[int] = set()
    if rule:
        assert pool.households is not None
        homes = {pool.households[i] for i in kept_list if pool.households[i]}
        housemates = {
            i
            for i, home in enumerate(pool.households)
            if home in homes and i not in kept and i not in out
        }
    out |= housemates
    available = [i for i in range(pool.size) if i not in out and i not in kept]
    if seats == 0:
        allocation = Allocation(((),), (1.0,), tuple(0.0 for _ in range(pool.size)))
        return _finish(pool, k, kept_list, (), allocation)
    changes = _Model(pool, k, households, kept=kept_list, out=out).smallest()
    if changes is None:
        raise ValueError(_too_few(pool, seats, available, unavailable_list, housemates, rule))
    widen = {change.quota: change for change in changes}
    staying = set(kept_list)
    quotas = []
    for q in pool.quotas:
        have = len(staying.intersection(pool.members_with(q)))
        change = widen.get(q)
        low = change.new_minimum if change else q.minimum
        high = change.new_maximum if change else q.maximum
        minimum = max(0, low - have)
        quotas.append(Quota(q.category, q.feature, minimum, max(minimum, min(high - have, seats))))
    sub_pool = Pool(
        tuple(pool.respondents[i] for i in available),
        tuple(quotas),
        tuple(pool.households[i] for i in available) if pool.households is not None else None,
    )
    sub = leximin(sub_pool, seats, households=households)
    probabilities = [0.0] * pool.size
    for j, p in enumerate(sub.agent_probabilities):
        probabilities[available[j]] = p
    # ``available`` is ascending, so the panels keep their order and draw_panel on the
    # mapped allocation picks the same panel as on the sub-pool's.
    allocation = Allocation(
        tuple(tuple(available[j] for j in sorted(panel)) for panel in sub.panels),
        sub.probabilities_of_panels,
        tuple(probabilities),
    )
    return _finish(pool, k, kept_list, draw_panel(allocation, seed), allocation)


def _finish(
    pool: Pool, k: int, kept: Sequence[int], chosen: Sequence[int], allocation: Allocation
) -> Replacement:
    broken = missed(pool, [*kept, *chosen])
    if chosen:
        who = "respondent" if len(chosen) == 1 else "respondents"
        text = f"Chose {who} {_rows(chosen)} for the {len(chosen)} empty seat"
        text += "s" if len(chosen) != 1 else ""
        text += f" beside the {len(kept)} staying member{'s' if len(kept) != 1 else ''}."
    else:
        text = f"No seats to fill: all {k} members are staying."
    if broken:
        text += (
            " No replacements could keep every quota, so the panel of"
            f" {k} misses them by as little as it can:"
            f" {'; '.join(_shortfall(change) for change in broken)}."
        )
    else:
        text += f" The panel of {k} keeps every quota."
    return Replacement(tuple(chosen), allocation, broken, text)


def _too_few(
    pool: Pool,
    seats: int,
    available: Sequence[int],
    unavailable: Sequence[int],
    housemates: Collection[int],
    rule: bool,
) -> str:
    text = (
        f"No replacements can fill the {seats} empty seat{'s' if seats != 1 else ''},"
        f" whatever the quotas: {len(available)} of the {pool.size} volunteers are left"
        f" ({len(unavailable)} unavailable"
    )
    if rule:
        text += f", {len(housemates)} sharing a household with a staying member"
    text += ")"
    if rule and len(available) >= seats:
        assert pool.households is not None
        homes = len({pool.households[i] for i in available if pool.households[i]})
        homes += sum(1 for i in available if not pool.households[i])
        text += f" and they come from only {homes} households"
    return text + "."
