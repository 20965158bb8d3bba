"""Reading a pool of respondents and the quotas a panel drawn from it must meet."""

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Quota:
    """Between ``minimum`` and ``maximum`` panel members must have ``feature`` in ``category``."""

    category: str
    feature: str
    minimum: int
    maximum: int


@dataclass(frozen=True)
class Pool:
    """The respondents (one mapping of category to feature each) and the quotas."""

    respondents: tuple[dict[str, str], ...]
    quotas: tuple[Quota, ...]
    households: tuple[str, ...] | None = None

    @property
    def size(self) -> int:
        return len(self.respondents)

    def members_with(self, quota: Quota) -> list[int]:
        """Indices of the respondents who count towards ``quota``."""
        return [
            i
            for i, person in enumerate(self.respondents)
            if person[quota.category] == quota.feature
        ]


def _count(text: str, where: str, column: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"{where}: {column} must be a whole number, not {text!r}") from None
    if value < 0:
        raise ValueError(f"{where}: {column} must not be negative, not {value}")
    return value


def new_quota(
    where: str, category: str, feature: str, low: int, high: int, seen: set[tuple[str, str]]
) -> Quota:
    """A quota checked against those read before it (``seen``, which it joins): min no
    more than max, and each (category, feature) once."""
    if low > high:
        raise ValueError(f"{where}: min {low} is greater than max {high} for {category}={feature}")
    if (category, feature) in seen:
        raise ValueError(f"{where}: {category}={feature} appears twice")
    seen.add((category, feature))
    return Quota(category, feature, low, high)


def read_categories(path: str | Path) -> tuple[Quota, ...]:
    """Read ``category,feature,min,max`` rows; every (category, feature) pair once."""
    name = Path(path).name
    quotas: list[Quota] = []
    seen: set[tuple[str, str]] = set()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"category", "feature", "min", "max"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{name}: the header lacks {', '.join(sorted(missing))}")
        for row in reader:
            where = f"{name}, line {reader.line_num}"
            if None in row or any(row[c] is None for c in ("category", "feature", "min", "max")):
                raise ValueError(f"{where}: expected 4 values (category,feature,min,max)")
            category, feature = row["category"].strip(), row["feature"].strip()
            if not category or not feature:
                raise ValueError(f"{where}: the category and the feature must not be empty")
            low, high = _count(row["min"], where, "min"), _count(row["max"], where, "max")
            quotas.append(new_quota(where, category, feature, low, high, seen))
    if not quotas:
        raise ValueError(f"{name}: no quotas")
    return tuple(quotas)


def read_pool(
    categories: str | Path, respondents: str | Path, household_column: str | None = None
) -> Pool:
    """Read the quotas and the respondents; every respondent's features must be known.

    ``household_column``, if given, names a column of respondents.csv holding a
    household id; a panel then has at most one member of each household.
    """
    quotas = read_categories(categories)
    features: dict[str, set[str]] = {}
    for quota in quotas:
        features.setdefault(quota.category, set()).add(quota.feature)
    name = Path(respondents).name
    people: list[dict[str, str]] = []
    households: list[str] = []
    with open(respondents, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        missing = set(features) - columns
        if household_column is not None and household_column not in columns:
            missing.add(household_column)
        if missing:
            raise ValueError(f"{name}: the header lacks the column(s) {', '.join(sorted(missing))}")
        for row in reader:
            where = f"{name}, line {reader.line_num}"
            if None in row or any(value is None for value in row.values()):
                raise ValueError(f"{where}: expected {len(columns)} values, one per column")
            person = {category: row[category].strip() for category in features}
            for category, value in person.items():
                if value not in features[category]:
                    known = ", ".join(sorted(features[category]))
                    raise ValueError(f"{where}: unknown {category} {value!r} (known: {known})")
            people.append(person)
            if household_column is not None:
                households.append(row[household_column].strip())
    if not people:
        raise ValueError(f"{name}: no respondents")
    return Pool(tuple(people), quotas, tuple(households) if household_column is not None else None)
