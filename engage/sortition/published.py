"""The published pool file: everything anyone needs to re-run a citizens' panel draw.

Pure, with no Flask and no database. A ``PublishedPool`` holds the anonymised pool
(each respondent's features only, known by a pool number: index + 1), the quotas,
the panel size, the LEXIMIN allocation that was computed for it and, once fixed, the
seed. Because the allocation itself is in the file, the panel drawn from a seed does
not depend on the solver or its version; ``--recompute`` on the command line checks
the allocation against a fresh LEXIMIN run.

The JSON file (``dumps``/``loads``) has these fields, in this order::

    {
      "format": "engage-sortition-pool/1",
      "title": "Citizens' panel on ...",
      "panel_size": 20,
      "household_rule": true,             # at most one member of each household
      "quotas": [                         # one line per quota
        {"category": "gender", "feature": "female", "min": 9, "max": 20}
      ],
      "respondents": [                    # pool-number order, one line each
        {"pool_number": 1, "features": {"gender": "female"}, "household": "H1"}
      ],                                  # household: "H1", "H2", ... for households
                                          # of two or more, "" for anyone living alone,
                                          # null throughout when household_rule is false
      "allocation": [                     # the panels with positive probability
        {"members": [1, 4, 9], "probability": 0.25}
      ],                                  # members: pool numbers, ascending
      "probabilities": [                  # each respondent's selection probability
        {"pool_number": 1, "probability": 0.1}
      ],
      "fairness": {"minimum": 0.1, "gini": 0.0, "geometric_mean": 0.1},
      "seed": null                        # a whole number once fixed
    }

Numbers are written in Python's shortest round-trip form, so reading a file back
gives exactly the probabilities that were written.

``respondents_csv`` and ``categories_csv`` give the same pool as the two files of
the reference pools (``respondents.csv`` with a ``pool_number`` column, a column per
category and, under the household rule, a ``household`` column; ``categories.csv``:
``category,feature,min,max``) that ``read_pool`` and ``flask sortition`` read.
"""

import csv
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engage.sortition.draw import draw_panel
from engage.sortition.fairness import geometric_mean, gini, minimum
from engage.sortition.leximin import Allocation
from engage.sortition.pool import Pool, Quota, new_quota

FORMAT = "engage-sortition-pool/1"
TOLERANCE = 1e-9
FIELDS = (
    "format",
    "title",
    "panel_size",
    "household_rule",
    "quotas",
    "respondents",
    "allocation",
    "probabilities",
    "fairness",
    "seed",
)
POOL_NUMBER, HOUSEHOLD = "pool_number", "household"


@dataclass(frozen=True)
class PublishedPool:
    """An anonymised pool, its quotas and the allocation, as published.

    ``respondents`` are in pool-number order (pool number = index + 1); the
    allocation's panels hold 0-based indices into ``respondents``, each panel in
    ascending order. ``households`` holds the anonymised labels ("H1", … or "" for
    anyone alone) or is None when the household rule is off.
    """

    title: str
    panel_size: int
    quotas: tuple[Quota, ...]
    respondents: tuple[dict[str, str], ...]
    households: tuple[str, ...] | None
    allocation: Allocation
    seed: int | None

    @property
    def pool(self) -> Pool:
        """The pool as ``leximin`` takes it."""
        return Pool(self.respondents, self.quotas, self.households)


def _categories(quotas: Sequence[Quota]) -> list[str]:
    """The quotas' categories, in order of first appearance."""
    return list(dict.fromkeys(quota.category for quota in quotas))


def anonymise_households(households: Sequence[str]) -> tuple[str, ...]:
    """ "H1", "H2", … in order of first appearance for households of two or more
    respondents; "" for everyone else (including a blank id)."""
    sizes: dict[str, int] = {}
    for household in households:
        if household:
            sizes[household] = sizes.get(household, 0) + 1
    labels: dict[str, str] = {}
    found = []
    for household in households:
        if household and sizes[household] > 1:
            label = labels.setdefault(household, f"H{len(labels) + 1}")
            found.append(label)
        else:
            found.append("")
    return tuple(found)


def publish(
    pool: Pool,
    k: int,
    allocation: Allocation,
    *,
    title: str = "",
    seed: int | None = None,
    households: bool = True,
) -> PublishedPool:
    """The publishable form of ``pool`` and its ``allocation`` of panels of ``k``.

    Only the quotas' categories of each respondent are kept, and household ids are
    replaced by "H1", "H2", … (see ``anonymise_households``), so nothing of an
    address survives. ``households=False`` (or a pool without household ids) turns
    the household rule off, as it is for ``leximin(..., households=False)``.
    """
    if len(allocation.agent_probabilities) != pool.size:
        raise ValueError(
            f"The allocation gives {len(allocation.agent_probabilities)} probabilities"
            f" for a pool of {pool.size}"
        )
    categories = _categories(pool.quotas)
    respondents = tuple({c: person[c] for c in categories} for person in pool.respondents)
    labels = (
        anonymise_households(pool.households)
        if households and pool.households is not None
        else None
    )
    normalised = Allocation(
        tuple(tuple(sorted(int(i) for i in panel)) for panel in allocation.panels),
        tuple(float(p) for p in allocation.probabilities_of_panels),
        tuple(float(p) for p in allocation.agent_probabilities),
    )
    return PublishedPool(title, k, tuple(pool.quotas), respondents, labels, normalised, seed)


def _figures(probabilities: Sequence[float]) -> dict[str, float]:
    return {
        "minimum": float(minimum(probabilities)),
        "gini": float(gini(probabilities)),
        "geometric_mean": float(geometric_mean(probabilities)),
    }


def _records(records: Sequence[Any]) -> str:
    """A JSON list with one record per line."""
    if not records:
        return "[]"
    lines = ",\n".join("    " + json.dumps(r, ensure_ascii=False) for r in records)
    return "[\n" + lines + "\n  ]"


def dumps(published: PublishedPool) -> str:
    """The published pool as JSON in the documented format (see the module's text)."""
    rule = published.households is not None
    allocation = published.allocation
    values: dict[str, str] = {
        "format": json.dumps(FORMAT),
        "title": json.dumps(published.title, ensure_ascii=False),
        "panel_size": json.dumps(published.panel_size),
        "household_rule": json.dumps(rule),
        "quotas": _records(
            [
                {"category": q.category, "feature": q.feature, "min": q.minimum, "max": q.maximum}
                for q in published.quotas
            ]
        ),
        "respondents": _records(
            [
                {
                    POOL_NUMBER: i + 1,
                    "features": person,
                    HOUSEHOLD: published.households[i]
                    if published.households is not None
                    else None,
                }
                for i, person in enumerate(published.respondents)
            ]
        ),
        "allocation": _records(
            [
                {"members": [int(i) + 1 for i in sorted(panel)], "probability": float(p)}
                for panel, p in zip(
                    allocation.panels, allocation.probabilities_of_panels, strict=True
                )
            ]
        ),
        "probabilities": _records(
            [
                {POOL_NUMBER: i + 1, "probability": float(p)}
                for i, p in enumerate(allocation.agent_probabilities)
            ]
        ),
        "fairness": json.dumps(_figures(allocation.agent_probabilities)),
        "seed": json.dumps(published.seed),
    }
    body = ",\n".join(f"  {json.dumps(field)}: {values[field]}" for field in FIELDS)
    return "{\n" + body + "\n}\n"


# Reading -----------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _list(data: dict, field: str) -> list:
    value = data[field]
    if not isinstance(value, list):
        raise ValueError(f"{field} must be a list")
    return value


def _record(value: object, where: str, keys: Sequence[str]) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be an object")
    missing = [key for key in keys if key not in value]
    if missing:
        raise ValueError(f"{where} lacks {', '.join(repr(key) for key in missing)}")
    extra = sorted(set(value) - set(keys))
    if extra:
        raise ValueError(f"{where} has unknown field(s) {', '.join(repr(key) for key in extra)}")
    return value


def _quotas(data: dict) -> tuple[Quota, ...]:
    quotas = []
    seen: set[tuple[str, str]] = set()
    for number, value in enumerate(_list(data, "quotas"), start=1):
        where = f"quota {number}"
        row = _record(value, where, ("category", "feature", "min", "max"))
        category, feature, low, high = row["category"], row["feature"], row["min"], row["max"]
        if (
            not isinstance(category, str)
            or not category
            or not isinstance(feature, str)
            or not feature
        ):
            raise ValueError(f"{where}: the category and the feature must be non-empty text")
        if not _is_int(low) or not _is_int(high) or low < 0 or high < 0:
            raise ValueError(
                f"{where} ({category}={feature}): min and max must be whole numbers ≥ 0"
            )
        quotas.append(new_quota(where, category, feature, low, high, seen))
    if not quotas:
        raise ValueError("quotas: there are none")
    return tuple(quotas)


def _respondents(
    data: dict, quotas: Sequence[Quota], rule: bool
) -> tuple[tuple[dict[str, str], ...], tuple[str, ...] | None]:
    features: dict[str, set[str]] = {}
    for quota in quotas:
        features.setdefault(quota.category, set()).add(quota.feature)
    people: list[dict[str, str]] = []
    households: list[str] = []
    for index, value in enumerate(_list(data, "respondents")):
        where = f"respondent {index + 1}"
        row = _record(value, where, (POOL_NUMBER, "features", HOUSEHOLD))
        if not _is_int(row[POOL_NUMBER]) or row[POOL_NUMBER] != index + 1:
            raise ValueError(
                f"respondents: entry {index + 1} has pool_number {row[POOL_NUMBER]!r};"
                " pool numbers must run 1, 2, 3, … in order"
            )
        person = row["features"]
        if not isinstance(person, dict):
            raise ValueError(f"{where}: features must be an object")
        if set(person) != set(features):
            raise ValueError(
                f"{where}: features must give exactly the categories"
                f" {', '.join(sorted(features))}, not {', '.join(sorted(person)) or 'none'}"
            )
        for category, feature in person.items():
            if feature not in features[category]:
                known = ", ".join(sorted(features[category]))
                raise ValueError(f"{where}: unknown {category} {feature!r} (known: {known})")
        people.append({category: person[category] for category in features})
        household = row[HOUSEHOLD]
        if rule and not isinstance(household, str):
            raise ValueError(f"{where}: household must be text under the household rule")
        if not rule and household is not None:
            raise ValueError(f"{where}: household must be null when household_rule is false")
        if rule:
            households.append(household)
    if not people:
        raise ValueError("respondents: there are none")
    return tuple(people), tuple(households) if rule else None


def _allocation(data: dict, n: int) -> Allocation:
    panels: list[tuple[int, ...]] = []
    weights: list[float] = []
    for number, value in enumerate(_list(data, "allocation"), start=1):
        where = f"allocation: panel {number}"
        row = _record(value, where, ("members", "probability"))
        members = row["members"]
        if not isinstance(members, list):
            raise ValueError(f"{where}: members must be a list of pool numbers")
        for member in members:
            if not _is_int(member) or not 1 <= member <= n:
                raise ValueError(
                    f"{where} names pool number {member!r}, but the pool numbers run 1–{n}"
                )
        if not _is_number(row["probability"]):
            raise ValueError(f"{where}: probability must be a number, not {row['probability']!r}")
        panels.append(tuple(sorted(member - 1 for member in members)))
        weights.append(float(row["probability"]))
    if not panels:
        raise ValueError("allocation: there are no panels")
    probabilities: list[float] = []
    listed = _list(data, "probabilities")
    if len(listed) != n:
        raise ValueError(f"probabilities: {len(listed)} listed for {n} respondents")
    for index, value in enumerate(listed):
        row = _record(value, f"probabilities: entry {index + 1}", (POOL_NUMBER, "probability"))
        if not _is_int(row[POOL_NUMBER]) or row[POOL_NUMBER] != index + 1:
            raise ValueError(
                f"probabilities: entry {index + 1} has pool_number {row[POOL_NUMBER]!r};"
                " pool numbers must run 1, 2, 3, … in order"
            )
        if not _is_number(row["probability"]):
            raise ValueError(
                f"probabilities: pool number {index + 1}'s probability must be a number,"
                f" not {row['probability']!r}"
            )
        probabilities.append(float(row["probability"]))
    return Allocation(tuple(panels), tuple(weights), tuple(probabilities))


def loads(text: str) -> PublishedPool:
    """Read a published pool file, saying what is wrong with it (``ValueError``).

    This checks the file's form and its fairness figures; ``check`` then checks the
    allocation against the quotas and the probabilities.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"The pool file is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise ValueError("The pool file must hold a JSON object")
    if data.get("format") != FORMAT:
        raise ValueError(
            f"The pool file's format is {data.get('format')!r}, not {FORMAT!r}"
            if "format" in data
            else f"The pool file has no format field (expected {FORMAT!r})"
        )
    missing = [field for field in FIELDS if field not in data]
    if missing:
        raise ValueError(f"The pool file lacks the field(s) {', '.join(missing)}")
    extra = sorted(set(data) - set(FIELDS))
    if extra:
        raise ValueError(f"The pool file has unknown field(s) {', '.join(extra)}")
    title, k, rule, seed = data["title"], data["panel_size"], data["household_rule"], data["seed"]
    if not isinstance(title, str):
        raise ValueError("title must be text")
    if not _is_int(k) or k < 1:
        raise ValueError(f"panel_size must be a whole number ≥ 1, not {k!r}")
    if not isinstance(rule, bool):
        raise ValueError(f"household_rule must be true or false, not {rule!r}")
    if seed is not None and (not _is_int(seed) or seed < 0):
        raise ValueError(f"seed must be null or a whole number ≥ 0, not {seed!r}")
    quotas = _quotas(data)
    respondents, households = _respondents(data, quotas, rule)
    allocation = _allocation(data, len(respondents))
    figures = data["fairness"]
    if not isinstance(figures, dict):
        raise ValueError("fairness must be an object")
    for name, value in _figures(allocation.agent_probabilities).items():
        if name not in figures:
            raise ValueError(f"fairness lacks {name!r}")
        if not _is_number(figures[name]) or abs(figures[name] - value) > TOLERANCE:
            raise ValueError(
                f"fairness: {name} is listed as {figures[name]!r},"
                f" but the listed probabilities give {value!r}"
            )
    return PublishedPool(title, k, quotas, respondents, households, allocation, seed)


# Checking and drawing ----------------------------------------------------------------


def check(published: PublishedPool) -> None:
    """Raise ``ValueError`` naming the first problem unless every panel of the
    allocation has ``panel_size`` distinct members, meets every quota and the
    household rule, the panels' probabilities are ≥ 0 and sum to 1, and each
    respondent's listed probability is the allocation's marginal (within 1e-9)."""
    n, k = len(published.respondents), published.panel_size
    allocation = published.allocation
    if not allocation.panels:
        raise ValueError("The allocation has no panels")
    if len(allocation.panels) != len(allocation.probabilities_of_panels):
        raise ValueError(
            f"The allocation has {len(allocation.panels)} panels"
            f" but {len(allocation.probabilities_of_panels)} panel probabilities"
        )
    if len(allocation.agent_probabilities) != n:
        raise ValueError(
            f"{len(allocation.agent_probabilities)} respondents' probabilities are listed"
            f" for a pool of {n}"
        )
    members_with = [
        {i for i, person in enumerate(published.respondents) if person.get(q.category) == q.feature}
        for q in published.quotas
    ]
    marginals = [0.0] * n
    for number, (panel, p) in enumerate(
        zip(allocation.panels, allocation.probabilities_of_panels, strict=True), start=1
    ):
        where = f"Panel {number} of the allocation"
        outside = [i for i in panel if not 0 <= i < n]
        if outside:
            raise ValueError(f"{where} names pool number {outside[0] + 1}, outside 1–{n}")
        chosen = set(panel)
        if len(chosen) != len(panel):
            twice = next(i for i in panel if panel.count(i) > 1)
            raise ValueError(f"{where} names pool number {twice + 1} twice")
        if len(chosen) != k:
            raise ValueError(f"{where} has {len(chosen)} members, not the panel size {k}")
        for quota, members in zip(published.quotas, members_with, strict=True):
            count = len(chosen & members)
            if count < quota.minimum:
                raise ValueError(
                    f"{where} has {count} with {quota.category}={quota.feature},"
                    f" fewer than the quota's minimum {quota.minimum}"
                )
            if count > quota.maximum:
                raise ValueError(
                    f"{where} has {count} with {quota.category}={quota.feature},"
                    f" more than the quota's maximum {quota.maximum}"
                )
        if published.households is not None:
            seen: dict[str, int] = {}
            for i in sorted(panel):
                label = published.households[i]
                if label and label in seen:
                    raise ValueError(
                        f"{where} has two members of household {label}"
                        f" (pool numbers {seen[label] + 1} and {i + 1})"
                    )
                seen[label] = i
        if not math.isfinite(p) or p < 0:
            raise ValueError(f"{where} has probability {p!r}, which is not a number ≥ 0")
        for i in panel:
            marginals[i] += p
    total = math.fsum(allocation.probabilities_of_panels)
    if abs(total - 1.0) > TOLERANCE:
        raise ValueError(f"The panels' probabilities sum to {total!r}, not 1")
    for i, (listed, found) in enumerate(
        zip(allocation.agent_probabilities, marginals, strict=True)
    ):
        if not abs(listed - found) <= TOLERANCE:
            raise ValueError(
                f"Pool number {i + 1} is listed with probability {listed!r},"
                f" but the allocation's panels give {found!r}"
            )


def draw(published: PublishedPool, seed: int) -> tuple[int, ...]:
    """The pool numbers (1-based, ascending) of the panel drawn with ``seed`` from the
    file's allocation, by ``draw_panel``; no solver is run."""
    return tuple(sorted(int(i) + 1 for i in draw_panel(published.allocation, seed)))


# The reference-pool layout -----------------------------------------------------------


def _csv(rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(rows)
    return buffer.getvalue()


def categories_csv(published: PublishedPool) -> str:
    """``categories.csv``: ``category,feature,min,max``, one row per quota."""
    return _csv(
        [("category", "feature", "min", "max")]
        + [(q.category, q.feature, q.minimum, q.maximum) for q in published.quotas]
    )


def respondents_csv(published: PublishedPool) -> str:
    """``respondents.csv``: ``pool_number``, a column per category and, under the
    household rule, ``household`` (read it with ``household_column="household"``)."""
    categories = _categories(published.quotas)
    clash = {POOL_NUMBER, HOUSEHOLD} & set(categories)
    if clash:
        raise ValueError(f"A category is called {clash.pop()!r}, a column name the file needs")
    header: list[object] = [POOL_NUMBER, *categories]
    if published.households is not None:
        header.append(HOUSEHOLD)
    rows: list[list[object]] = [header]
    for i, person in enumerate(published.respondents):
        row: list[object] = [i + 1, *(person[c] for c in categories)]
        if published.households is not None:
            row.append(published.households[i])
        rows.append(row)
    return _csv(rows)
