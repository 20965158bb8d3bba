"""Looking up the partnership this installation serves."""

import sqlalchemy as sa
from flask import g

from engage.extensions import db
from engage.partnership.models import Agency, Area, Partnership


def current_partnership() -> Partnership | None:
    """The partnership this installation serves (the first one created), cached per request."""
    if "partnership" not in g:
        g.partnership = db.session.scalar(sa.select(Partnership).order_by(Partnership.id).limit(1))
    return g.partnership


def agencies(partnership: Partnership) -> list[Agency]:
    return list(
        db.session.scalars(
            sa.select(Agency).where(Agency.partnership_id == partnership.id).order_by(Agency.name)
        )
    )


def areas(partnership: Partnership) -> list[Area]:
    return list(
        db.session.scalars(
            sa.select(Area).where(Area.partnership_id == partnership.id).order_by(Area.name)
        )
    )


def agency_by_slug(partnership: Partnership, slug: str) -> Agency | None:
    return db.session.scalar(
        sa.select(Agency).where(Agency.partnership_id == partnership.id, Agency.slug == slug)
    )
