"""Recording audit entries. The caller's unit of work commits them."""

from collections.abc import Mapping
from typing import Any

from engage.accounts.models import User
from engage.audit.models import AuditEntry
from engage.extensions import db

DOWNLOAD = "download"
API = "api"
ADMIN = "admin"


def record(
    kind: str,
    action: str,
    user: User | None,
    filters: Mapping[str, Any] | None = None,
    rows: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add one entry to the trail and flush it."""
    entry = AuditEntry(
        kind=kind,
        action=action,
        user_id=user.id if user is not None else None,
        filters=dict(filters or {}),
        rows=rows,
        detail=detail,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
