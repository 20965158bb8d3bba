"""Recording audit entries. The caller's unit of work commits them."""

from collections.abc import Mapping
from typing import Any

from engage import request_ids
from engage.accounts.models import User
from engage.audit import wording
from engage.audit.models import AuditEntry
from engage.extensions import db

DOWNLOAD = wording.DOWNLOAD
API = wording.API
# Callers that record an action named in engage.audit.wording.ACTIONS may pass ADMIN:
# the entry takes the action's own kind.
ADMIN = wording.ADMIN
ACCOUNT = wording.ACCOUNT
QUESTIONNAIRE = wording.QUESTIONNAIRE
BANK = wording.BANK
EVENT = wording.EVENT
PANEL = wording.PANEL
RESULTS = wording.RESULTS


def record(
    kind: str,
    action: str,
    user: User | None,
    filters: Mapping[str, Any] | None = None,
    rows: int | None = None,
    detail: str = "",
    target: str = "",
) -> AuditEntry:
    """Add one entry to the trail and flush it: the user and their agency, the request."""
    entry = AuditEntry(
        kind=wording.kind_of(action, kind),
        action=action,
        user_id=user.id if user is not None else None,
        role=user.role if user is not None else None,
        agency_id=user.agency_id if user is not None else None,
        target=target[:300],
        filters=dict(filters or {}),
        rows=rows,
        detail=detail,
        request_id=request_ids.current(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry
