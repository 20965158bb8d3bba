"""Deleting volunteers' contact details on the panel's retention date.

Deleting means the sealed boxes and household hashes are overwritten in the database
(``volunteer.contact`` set to nothing), then the storage is rewritten
(``scrub_storage``: SQLite's ``secure_delete`` and ``VACUUM``, PostgreSQL's ``VACUUM
FULL``) so no old page keeps them. The pool's quota answers and pool numbers stay,
so the published draw can still be checked. A command (``flask selection
delete-contacts``) and the worker's daily job both do it.
"""

import contextlib
from datetime import date

import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.ballot_box.scrub import ScrubError, scrub_storage
from engage.selection.models import Recruitment, Volunteer
from engage.selection.recruitment import note
from engage.timeutil import utcnow

TABLES = ("volunteer",)


def due(today: date) -> list[Recruitment]:
    return list(
        db.session.scalars(
            sa.select(Recruitment)
            .where(
                Recruitment.retention_until.is_not(None),
                Recruitment.retention_until <= today,
                Recruitment.contacts_deleted_at.is_(None),
            )
            .order_by(Recruitment.panel_id)
        )
    )


def delete_contacts(recruitment: Recruitment, user: User | None, why: str) -> int:
    """Delete every contact detail of the panel's volunteers (flushes); the caller
    commits, then calls ``rewrite_storage``."""
    rows = db.session.scalars(
        sa.select(Volunteer).where(Volunteer.panel_id == recruitment.panel_id)
    ).all()
    for volunteer in rows:
        volunteer.contact = None
        volunteer.household = ""
    cleared = len(rows)
    recruitment.contacts_deleted_at = utcnow()
    recruitment.registration_open = False
    db.session.flush()
    note("delete_contacts", user, recruitment, f"{cleared} volunteers' contact details: {why}")
    return cleared


def rewrite_storage(*, whole_file: bool = True) -> None:
    """Overwrite what deleted rows left in the database files; a busy database is left
    for the next run, not an error. ``whole_file=False`` (the hourly rewrite of a pool)
    spares a large SQLite database a full ``VACUUM``: ``secure_delete`` has overwritten
    the old rows already, and the journal is emptied."""
    with contextlib.suppress(ScrubError):
        scrub_storage(db.engine, TABLES, vacuum=whole_file)


def delete_due(today: date) -> list[tuple[Recruitment, int]]:
    """Delete the contact details of every panel whose retention date has come."""
    done = []
    for recruitment in due(today):
        done.append(
            (
                recruitment,
                delete_contacts(recruitment, None, f"retention date {recruitment.retention_until}"),
            )
        )
    db.session.commit()
    if done:
        rewrite_storage()
    return done
