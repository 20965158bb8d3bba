"""Reading the audit trail: the admin's list and the CSV export of it."""

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import sqlalchemy as sa

from engage.accounts.models import User
from engage.audit.models import AuditEntry
from engage.audit.services import ADMIN, API, DOWNLOAD
from engage.exports.cells import neutralise
from engage.extensions import db

KINDS = (DOWNLOAD, API, ADMIN)
CSV_HEADER = ["id", "at", "kind", "user", "action", "filters", "rows", "detail"]


def conditions(kind: str | None = None, user_id: int | None = None) -> list[sa.ColumnElement]:
    found: list[sa.ColumnElement] = []
    if kind:
        found.append(AuditEntry.kind == kind)
    if user_id:
        found.append(AuditEntry.user_id == user_id)
    return found


def entries(kind: str | None = None, user_id: int | None = None) -> sa.Select:
    """The matching entries, newest first, for ``db.paginate``."""
    return (
        sa.select(AuditEntry)
        .where(*conditions(kind, user_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def users_in_trail() -> list[User]:
    """Everyone with at least one entry, for the 'who' filter."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.id.in_(sa.select(AuditEntry.user_id).distinct()))
            .order_by(User.email)
        )
    )


def count(kind: str | None, user_id: int | None, up_to_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                *conditions(kind, user_id), AuditEntry.id <= up_to_id
            )
        )
        or 0
    )


def aware(moment: datetime) -> datetime:
    """The time in UTC; SQLite hands timestamps back without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _inert(value: object) -> str:
    return neutralise("" if value is None else str(value))


def csv_lines(kind: str | None, user_id: int | None, up_to_id: int) -> Iterator[str]:
    """The trail as CSV text, oldest first, a chunk at a time so memory stays flat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    statement = (
        sa.select(AuditEntry, User.email)
        .outerjoin(User, AuditEntry.user_id == User.id)
        .where(*conditions(kind, user_id), AuditEntry.id <= up_to_id)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=1000)
    )
    for number, (entry, email) in enumerate(db.session.execute(statement), start=1):
        writer.writerow(
            [
                _inert(value)
                for value in (
                    entry.id,
                    aware(entry.at).isoformat(),
                    entry.kind,
                    email or "",
                    entry.action,
                    json.dumps(entry.filters or {}, sort_keys=True, ensure_ascii=False),
                    "" if entry.rows is None else entry.rows,
                    entry.detail,
                )
            ]
        )
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
