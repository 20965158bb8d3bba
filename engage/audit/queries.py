"""Reading the audit trail: the admin's list, its filters and the CSV export of it."""

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from engage.accounts.models import ROLE_LABELS, User
from engage.audit.models import AuditEntry
from engage.audit.wording import KINDS
from engage.dateinput import read_date
from engage.exports.cells import neutralise
from engage.extensions import db
from engage.localtime import to_utc
from engage.partnership.models import Agency

DAY_LABELS = {"from": "From", "to": "To"}
CSV_HEADER = [
    "id",
    "at",
    "request_id",
    "kind",
    "user",
    "role",
    "agency",
    "action",
    "what",
    "target",
    "filters",
    "rows",
    "detail",
]


@dataclass(frozen=True)
class TrailFilter:
    """Which entries to show: by kind, user, agency and days (in the partnership's time
    zone, both ends included)."""

    kind: str | None = None
    user_id: int | None = None
    agency_id: int | None = None
    since: date | None = None
    until: date | None = None

    def conditions(self) -> list[sa.ColumnElement]:
        found: list[sa.ColumnElement] = []
        if self.kind:
            found.append(AuditEntry.kind == self.kind)
        if self.user_id:
            found.append(AuditEntry.user_id == self.user_id)
        if self.agency_id:
            found.append(AuditEntry.agency_id == self.agency_id)
        if self.since:
            found.append(AuditEntry.at >= to_utc(self.since, time.min))
        if self.until:
            found.append(AuditEntry.at < to_utc(self.until + timedelta(days=1), time.min))
        return found

    def query_args(self) -> dict[str, str]:
        """The filter as the page's query string (what the export link and pages carry)."""
        args = {
            "kind": self.kind or "",
            "user": str(self.user_id or ""),
            "agency": str(self.agency_id or ""),
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
        }
        return {k: v for k, v in args.items() if v}


def parse_filter(args: Mapping[str, str]) -> tuple[TrailFilter, dict[str, str]]:
    """The filter asked for, and a message per field that could not be read (the rest
    still applies; nothing is silently dropped)."""
    errors: dict[str, str] = {}
    kind = args.get("kind") or None
    if kind and kind not in KINDS and kind != "admin":
        errors["kind"] = "Choose a kind from the list"
        kind = None
    ids = {}
    for name in ("user", "agency"):
        value = (args.get(name) or "").strip()
        if value and not value.isdigit():
            errors[name] = f"Choose the {name} from the list"
        ids[name] = int(value) if value.isdigit() else None
    days = {}
    for name, label in DAY_LABELS.items():
        days[name], problem, _ = read_date(args, name, label)
        if problem:
            errors[name] = problem
    since, until = days["from"], days["to"]
    if since and until and until < since:
        errors["to"] = "To must be the same day as From or after it"
        until = None
    return TrailFilter(kind, ids["user"], ids["agency"], since, until), errors


def entries(trail: TrailFilter) -> sa.Select:
    """The matching entries, newest first, for ``db.paginate``."""
    return (
        sa.select(AuditEntry)
        .where(*trail.conditions())
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


def agencies_in_trail() -> list[Agency]:
    return list(
        db.session.scalars(
            sa.select(Agency)
            .where(Agency.id.in_(sa.select(AuditEntry.agency_id).distinct()))
            .order_by(Agency.name)
        )
    )


def count(trail: TrailFilter, up_to_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(AuditEntry.id)).where(
                *trail.conditions(), AuditEntry.id <= up_to_id
            )
        )
        or 0
    )


def aware(moment: datetime) -> datetime:
    """The time in UTC; SQLite hands timestamps back without their zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _inert(value: object) -> str:
    return neutralise("" if value is None else str(value))


def csv_lines(trail: TrailFilter, up_to_id: int) -> Iterator[str]:
    """The trail as CSV text, oldest first, a chunk at a time so memory stays flat."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    statement = (
        sa.select(AuditEntry, User.email, Agency.name)
        .outerjoin(User, AuditEntry.user_id == User.id)
        .outerjoin(Agency, AuditEntry.agency_id == Agency.id)
        .where(*trail.conditions(), AuditEntry.id <= up_to_id)
        .order_by(AuditEntry.id)
        .execution_options(yield_per=1000)
    )
    rows = db.session.execute(statement)
    for number, (entry, email, agency) in enumerate(rows, start=1):
        writer.writerow(
            [
                _inert(value)
                for value in (
                    entry.id,
                    aware(entry.at).isoformat(),
                    entry.request_id or "",
                    entry.kind,
                    email or "command line",
                    ROLE_LABELS.get(entry.role or "", entry.role or ""),
                    agency or "",
                    entry.action,
                    entry.words,
                    entry.target,
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
