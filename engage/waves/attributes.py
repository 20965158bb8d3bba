"""Area attributes as stored: loading a file's values, and reading them back as groups.

A file replaces the values of each attribute it names (every ward's, so a ward the new
file leaves out has none), and leaves other attributes alone. Loading flushes in the
caller's transaction, after the whole file has been checked (``attribute_file``).
"""

import math
from dataclasses import dataclass

import sqlalchemy as sa

from engage.extensions import db
from engage.partnership.models import Area, Partnership
from engage.partnership.services import areas
from engage.waves.attribute_file import AttributeFile
from engage.weighting.models import AreaAttribute


@dataclass
class Loaded:
    """One attribute: each ward's value (None: none given), in the wards' order."""

    name: str
    values: list[tuple[Area, str | None]]

    @property
    def label(self) -> str:
        return label(self.name)

    @property
    def missing(self) -> list[Area]:
        return [area for area, value in self.values if value is None]


def label(name: str) -> str:
    """An attribute's name as a heading reads it: "deprivation decile"."""
    return name.replace("_", " ").replace("-", " ")


def load(partnership: Partnership, found: AttributeFile) -> None:
    """Replace the values of each attribute in ``found`` (flushes)."""
    wards = {area.code: area for area in areas(partnership)}
    ids = [area.id for area in wards.values()]
    db.session.execute(
        sa.delete(AreaAttribute).where(
            AreaAttribute.area_id.in_(ids), AreaAttribute.name.in_(list(found.values))
        )
    )
    for name, values in found.values.items():
        for code, value in values.items():
            db.session.add(AreaAttribute(area_id=wards[code].id, name=name, value=value))
    db.session.flush()


def loaded(partnership: Partnership) -> list[Loaded]:
    """Every attribute loaded for the partnership's wards, by name."""
    wards = areas(partnership)
    rows = db.session.scalars(
        sa.select(AreaAttribute).where(AreaAttribute.area_id.in_([a.id for a in wards]))
    )
    by_name: dict[str, dict[int, str]] = {}
    for row in rows:
        by_name.setdefault(row.name, {})[row.area_id] = row.value
    return [
        Loaded(name, [(area, by_name[name].get(area.id)) for area in wards])
        for name in sorted(by_name)
    ]


def groups(found: Loaded) -> list[tuple[str, list[Area]]]:
    """The wards grouped by their value, in the values' order (numbers as numbers)."""
    by_value: dict[str, list[Area]] = {}
    for area, value in found.values:
        if value is not None:
            by_value.setdefault(value, []).append(area)
    return [(value, by_value[value]) for value in sorted(by_value, key=_order)]


def _order(value: str) -> tuple[int, float, str]:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return (0, number, value)
    return (1, 0.0, value.lower())
