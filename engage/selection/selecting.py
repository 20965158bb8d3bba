"""Publishing the pool, fixing the seed, drawing the panel and replacing drop-outs.

Before the draw the pool is published anonymised (``engage.sortition.published``):
each volunteer as a pool number with their quota answers and selection probability,
the LEXIMIN allocation, and the fairness figures. The seed is fixed in public after
that; the draw is then a function of the published file and the seed, so anyone can
repeat it with ``flask --app engage panel-draw``. Replacement draws are recorded with
their own seeds the same way.
"""

import random
import secrets

import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.rules import require_manager
from engage.selection.errors import SelectionError
from engage.selection.models import DROPPED, IN_POOL, SELECTED, Recruitment, Volunteer
from engage.selection.recruitment import categories, note, published
from engage.sortition import published as published_pool
from engage.sortition.leximin import leximin
from engage.sortition.panels import InfeasibleQuotas
from engage.sortition.pool import Pool, Quota
from engage.sortition.replace import replace
from engage.timeutil import utcnow

MAX_SEED = 2**63 - 1


def volunteers(recruitment: Recruitment) -> list[Volunteer]:
    """The pool, in pool-number order once published (else in key order, i.e. random)."""
    return list(
        db.session.scalars(
            sa.select(Volunteer)
            .where(Volunteer.panel_id == recruitment.panel_id)
            .order_by(Volunteer.pool_number, Volunteer.id)
        )
    )


def shuffle(recruitment: Recruitment) -> None:
    """Rewrite the pool's rows with fresh random keys, in a random order, in one
    transaction: afterwards no key, row order or transaction id says who registered
    when. The caller commits and then rewrites the storage (``scrub_storage``).

    The recruitment row is locked first: a registration arriving meanwhile waits to
    mark the pool as needing the next rewrite, so none is left out of it."""
    db.session.refresh(recruitment, with_for_update=True)
    rows = volunteers(recruitment)
    copies = [
        Volunteer(
            panel_id=v.panel_id,
            features=dict(v.features),
            household=v.household,
            contact=v.contact,
            source=v.source,
            status=v.status,
            pool_number=v.pool_number,
        )
        for v in rows
    ]
    for row in rows:
        db.session.delete(row)
    db.session.flush()
    random.SystemRandom().shuffle(copies)
    db.session.add_all(copies)
    recruitment.needs_shuffle = False
    db.session.flush()


def quotas_of(recruitment: Recruitment) -> tuple[Quota, ...]:
    return tuple(
        Quota(q.category, q.feature, q.minimum, q.maximum)
        for _, _, rows in categories(recruitment)
        for q in rows
    )


def check_ready(recruitment: Recruitment) -> list[str]:
    """What stands in the way of publishing the pool, a line each."""
    problems = []
    if published(recruitment):
        problems.append("The pool has been published already.")
    if not recruitment.quotas:
        problems.append("Set the quotas.")
    count = db.session.scalar(
        sa.select(sa.func.count()).where(Volunteer.panel_id == recruitment.panel_id)
    )
    if (count or 0) < recruitment.panel_size:
        problems.append(
            f"The pool has {count or 0} volunteers: at least {recruitment.panel_size} "
            "(the panel size) are needed."
        )
    return problems


def publish(recruitment: Recruitment, user: User | None) -> published_pool.PublishedPool:
    """Close registration, number the pool at random, compute every volunteer's LEXIMIN
    selection probability and store the anonymised pool for the public page. Refused,
    with the explanation and the smallest relaxation, when the quotas cannot be met."""
    problems = check_ready(recruitment)
    if problems:
        raise SelectionError("The pool cannot be published yet.", problems)
    shuffle(recruitment)  # locks the recruitment row first
    recruitment.registration_open = False
    rows = sorted(volunteers(recruitment), key=lambda v: v.id)  # fresh random keys
    for number, volunteer in enumerate(rows, start=1):
        volunteer.pool_number = number
    pool = Pool(
        tuple(dict(v.features) for v in rows),
        quotas_of(recruitment),
        tuple(v.household for v in rows) if recruitment.household_rule else None,
    )
    try:
        allocation = leximin(pool, recruitment.panel_size, households=recruitment.household_rule)
    except InfeasibleQuotas as refused:
        raise SelectionError(str(refused)) from refused
    found = published_pool.publish(
        pool,
        recruitment.panel_size,
        allocation,
        title=recruitment.panel.name,
        households=recruitment.household_rule,
    )
    recruitment.published_pool = published_pool.dumps(found)
    recruitment.published_at = utcnow()
    db.session.flush()
    note(
        "publish",
        user,
        recruitment,
        f"{len(rows)} volunteers; smallest selection probability "
        f"{min(allocation.agent_probabilities):.2%}",
    )
    return found


def withdraw(recruitment: Recruitment, user: User | None) -> None:
    """Take the publication back (before the draw) so quotas or the pool can change."""
    require_manager(user)
    if recruitment.drawn_at is not None:
        raise SelectionError("The panel has been drawn: its publication stays.")
    recruitment.published_pool = None
    recruitment.published_at = None
    recruitment.seed = None
    recruitment.seed_note = ""
    recruitment.seed_fixed_at = None
    db.session.flush()
    note("withdraw", user, recruitment)


def loaded(recruitment: Recruitment) -> published_pool.PublishedPool | None:
    if recruitment.published_pool is None:
        return None
    return published_pool.loads(recruitment.published_pool)


def fix_seed(recruitment: Recruitment, seed: int | None, how: str, user: User | None) -> int:
    """Fix the draw's seed in public: numbers drawn at a meeting, or a random one."""
    require_manager(user)
    if not published(recruitment):
        raise SelectionError(
            "Publish the pool first, so the seed is fixed after everyone can see it."
        )
    if recruitment.drawn_at is not None:
        raise SelectionError("The panel has been drawn already.")
    if seed is None:
        seed = secrets.randbelow(10**9)
    if not 0 <= seed <= MAX_SEED:
        raise SelectionError(f"The seed must be a whole number from 0 to {MAX_SEED}.")
    recruitment.seed = seed
    recruitment.seed_note = how.strip()[:500]
    recruitment.seed_fixed_at = utcnow()
    db.session.flush()
    note("seed", user, recruitment, f"seed {seed}: {recruitment.seed_note or 'no note'}")
    return seed


def _by_number(recruitment: Recruitment) -> dict[int, Volunteer]:
    return {v.pool_number: v for v in volunteers(recruitment) if v.pool_number is not None}


def draw(recruitment: Recruitment, user: User | None) -> list[int]:
    """Draw the panel from the published allocation with the public seed."""
    require_manager(user)
    pool = loaded(recruitment)
    if pool is None or recruitment.seed is None:
        raise SelectionError("Publish the pool and fix the seed before the draw.")
    if recruitment.drawn_at is not None:
        raise SelectionError("The panel has been drawn already.")
    chosen = list(published_pool.draw(pool, recruitment.seed))
    members = _by_number(recruitment)
    for number in chosen:
        members[number].status = SELECTED
    recruitment.drawn_at = utcnow()
    recruitment.draws = [
        *recruitment.draws,
        {"kind": "first", "seed": recruitment.seed, "selected": chosen, "at": utcnow().isoformat()},
    ]
    db.session.flush()
    note("draw", user, recruitment, f"seed {recruitment.seed}: pool numbers {_numbers(chosen)}")
    return chosen


def _numbers(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def replace_dropouts(
    recruitment: Recruitment, dropped: list[int], seed: int | None, user: User | None
) -> dict:
    """Mark ``dropped`` (pool numbers of selected members) as dropped out and draw as
    many replacements from the rest of the pool, keeping the quotas as well as
    possible; the record says which quota, if any, it could not keep."""
    require_manager(user)
    pool = loaded(recruitment)
    if pool is None or recruitment.drawn_at is None:
        raise SelectionError("Replacements are drawn after the panel has been drawn.")
    members = _by_number(recruitment)
    wrong = [n for n in dropped if n not in members or members[n].status != SELECTED]
    if not dropped or wrong:
        raise SelectionError(
            "Give the pool numbers of selected members who have dropped out"
            + (
                f" ({_numbers(wrong)} {'is' if len(wrong) == 1 else 'are'} not selected members)."
                if wrong
                else "."
            )
        )
    if seed is None:
        seed = secrets.randbelow(10**9)
    for number in dropped:
        members[number].status = DROPPED
    kept = [n - 1 for n, v in members.items() if v.status == SELECTED]
    unavailable = [n - 1 for n, v in members.items() if v.status == DROPPED]
    sortition_pool = Pool(pool.respondents, pool.quotas, pool.households)
    try:
        found = replace(
            sortition_pool,
            pool.panel_size,
            kept,
            unavailable,
            seed,
            households=pool.households is not None,
        )
    except (InfeasibleQuotas, ValueError) as refused:
        raise SelectionError(f"No replacements could be drawn: {refused}") from refused
    chosen = sorted(i + 1 for i in found.chosen)
    for number in chosen:
        members[number].status = SELECTED
    record = {
        "kind": "replacement",
        "seed": seed,
        "dropped": sorted(dropped),
        "selected": chosen,
        "message": found.message,
        "broken": [
            {
                "category": c.quota.category,
                "feature": c.quota.feature,
                "minimum": c.quota.minimum,
                "maximum": c.quota.maximum,
            }
            for c in found.broken
        ],
        "at": utcnow().isoformat(),
    }
    recruitment.draws = [*recruitment.draws, record]
    db.session.flush()
    note(
        "replace",
        user,
        recruitment,
        f"seed {seed}: {_numbers(sorted(dropped))} dropped out, {_numbers(chosen)} drawn. "
        + found.message,
    )
    return record


def composition(recruitment: Recruitment) -> list[dict]:
    """Each quota with its target, the pool's count and the panel's count."""
    rows = volunteers(recruitment)
    result = []
    for _category, label, quotas in categories(recruitment):
        for quota in quotas:
            have = [v for v in rows if v.features.get(quota.category) == quota.feature]
            selected = sum(1 for v in have if v.status == SELECTED)
            result.append(
                {
                    "category": label,
                    "feature": quota.feature_label,
                    "minimum": quota.minimum,
                    "maximum": quota.maximum,
                    "share": quota.population_share,
                    "pool": sum(1 for v in have if v.status != DROPPED) if rows else 0,
                    "selected": selected,
                    "met": quota.minimum <= selected <= quota.maximum,
                }
            )
    return result


def counts(recruitment: Recruitment) -> dict[str, int]:
    found = dict(
        db.session.execute(
            sa.select(Volunteer.status, sa.func.count())
            .where(Volunteer.panel_id == recruitment.panel_id)
            .group_by(Volunteer.status)
        ).all()
    )
    return {
        "pool": sum(found.values()),
        "selected": found.get(SELECTED, 0),
        "dropped": found.get(DROPPED, 0),
        "waiting": found.get(IN_POOL, 0),
    }
