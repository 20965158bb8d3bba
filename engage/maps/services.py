"""Storing the partnership's ward boundaries, and reading them back for the map."""

import json
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db
from engage.maps import checking
from engage.maps.drawing import Ward
from engage.maps.models import WardBoundary
from engage.partnership.models import Area, Partnership
from engage.partnership.services import areas
from engage.timeutil import utcnow


@dataclass
class Boundaries:
    """The wards the map can draw, in the partnership's ward order, and where they came from."""

    wards: list[Ward]
    missing: list[Area]  # the partnership's wards with no boundary
    source_name: str = ""
    source_system: str = ""
    loaded_by: User | None = None
    loaded_at: datetime | None = None
    stored_bytes: int = 0


def load_file(
    partnership: Partnership, data: bytes, source_name: str, user: User | None
) -> checking.CheckedFile:
    """Check ``data`` and, if it passes, replace the partnership's boundaries with it.

    Raises checking.BoundaryError before writing anything; otherwise deletes the old
    rows and adds the new ones in the caller's transaction (the view commits once),
    so the stored boundaries are always one whole file.
    """
    by_code = {area.code: area for area in areas(partnership)}
    checked = checking.check_file(data, {code: area.name for code, area in by_code.items()})
    ids = [area.id for area in by_code.values()]
    db.session.execute(sa.delete(WardBoundary).where(WardBoundary.area_id.in_(ids)))
    now = utcnow()
    for ward in checked.shapes:
        db.session.add(
            WardBoundary(
                area_id=by_code[ward.code].id,
                geometry=json.dumps(ward.geometry, separators=(",", ":")),
                source_name=source_name[:200],
                source_system=checked.system,
                loaded_by_id=user.id if user else None,
                loaded_at=now,
            )
        )
    db.session.flush()
    return checked


def boundaries(partnership: Partnership) -> Boundaries:
    """The stored boundaries; ``wards`` is empty when none have been loaded."""
    rows = {
        row.area_id: row
        for row in db.session.scalars(
            sa.select(WardBoundary)
            .join(Area, Area.id == WardBoundary.area_id)
            .where(Area.partnership_id == partnership.id)
        )
    }
    wards, missing = [], []
    for area in areas(partnership):
        row = rows.get(area.id)
        if row is None:
            missing.append(area)
        else:
            wards.append(Ward(area.code, area.name, json.loads(row.geometry)))
    found = Boundaries(wards, missing)
    if rows:
        first = next(iter(rows.values()))
        found.source_name, found.source_system = first.source_name, first.source_system
        found.loaded_at = first.loaded_at
        found.loaded_by = db.session.get(User, first.loaded_by_id) if first.loaded_by_id else None
        found.stored_bytes = sum(len(row.geometry.encode()) for row in rows.values())
    return found
