"""Events and their kiosk credential. Functions flush; the view or command commits.

The kiosk token in an event's link is the only thing a tablet holds: it lets
the tablet submit responses to that event and nothing else. It stays valid for
14 days after the event, so a response queued offline for a week still uploads.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import BuildError

from engage.accounts.models import User
from engage.audit import services as audit
from engage.events import links
from engage.events.models import Event, RetiredKioskToken
from engage.extensions import db
from engage.partnership.models import Area, Partnership
from engage.survey.models import Response
from engage.timeutil import aware, utcnow

KIOSK_GRACE = timedelta(days=14)
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


@dataclass
class EventFields:
    """What a facilitator types in for an event."""

    name: str
    starts_on: date
    place: str = ""
    default_area: Area | None = None
    idle_seconds: int = 120


@dataclass
class EventRow:
    """An event on the events list, with the number of responses taken there."""

    event: Event
    responses: int


def _issue(event: Event) -> None:
    """Give the event a new link: a fresh nonce, and the digest of the token it makes."""
    event.kiosk_nonce = links.new_nonce()
    token = links.token_for(current_app.config["SECRET_KEY"], event.kiosk_nonce)
    event.kiosk_token_hash = links.digest(token)


def kiosk_valid_until(starts_on: date) -> datetime:
    """The end (UTC) of the 14th day after the event."""
    return datetime.combine(starts_on + KIOSK_GRACE, time.max, tzinfo=UTC)


def kiosk_active(event: Any, now: datetime | None = None) -> bool:
    """True while the event's kiosk link may still submit responses."""
    return (now or utcnow()) <= aware(event.kiosk_valid_until)


def _apply(event: Event, fields: EventFields) -> None:
    event.name = fields.name
    event.starts_on = fields.starts_on
    event.place = fields.place
    event.default_area = fields.default_area
    event.idle_seconds = fields.idle_seconds
    event.kiosk_valid_until = kiosk_valid_until(fields.starts_on)


def create_event(partnership: Partnership, fields: EventFields, user: User | None = None) -> Event:
    """A new event with a fresh kiosk token."""
    event = Event(partnership_id=partnership.id, created_by_id=user.id if user else None)
    _issue(event)
    _apply(event, fields)
    db.session.add(event)
    db.session.flush()
    audit.record(audit.EVENT, "events.create", user, target=_named(event))
    return event


def _named(event: Event) -> str:
    return f"Event {event.id} ‘{event.name}’"


def update_event(event: Event, fields: EventFields, user: User | None = None) -> None:
    """Change an event; the kiosk link keeps its token but follows the new date."""
    _apply(event, fields)
    db.session.flush()
    audit.record(audit.EVENT, "events.edit", user, target=_named(event))


def new_kiosk_link(event: Event) -> None:
    """Replace the kiosk token: tablets holding the old link can no longer submit.

    The old token is kept as retired so that a queue file saved under it can still
    be imported by an admin.
    """
    db.session.add(
        RetiredKioskToken(
            token_hash=event.kiosk_token_hash, event=event, issued_at=event.kiosk_issued_at
        )
    )
    _issue(event)
    event.kiosk_issued_at = utcnow()
    event.kiosk_valid_until = kiosk_valid_until(event.starts_on)
    db.session.flush()


def get_event(partnership: Partnership, event_id: int) -> Event | None:
    return db.session.scalar(
        sa.select(Event).where(Event.id == event_id, Event.partnership_id == partnership.id)
    )


def event_by_token(token: str | None, partnership: Partnership | None = None) -> Event | None:
    """The event whose kiosk token this is, expired or not (for deliberate imports)."""
    if not token or not isinstance(token, str):
        return None
    digest = links.digest(token)
    query = sa.select(Event).where(Event.kiosk_token_hash == digest)
    if partnership is not None:
        query = query.where(Event.partnership_id == partnership.id)
    event = db.session.scalar(query)
    # The lookup is by a unique index; compare again in constant time all the same.
    if event is None or not secrets.compare_digest(event.kiosk_token_hash, digest):
        return None
    return event


def event_for_import(token: str | None, partnership: Partnership) -> Event | None:
    """The event a queue file belongs to, by its current or any retired kiosk token."""
    event = event_by_token(token, partnership)
    if event is not None or not isinstance(token, str) or not token:
        return event
    retired = db.session.get(RetiredKioskToken, links.digest(token))
    if retired is None or retired.event.partnership_id != partnership.id:
        return None
    return retired.event


def link_issued_at(event: Event, token: str) -> datetime:
    """When ``token``, the event's current or a retired kiosk token, was issued."""
    digest = links.digest(token)
    if secrets.compare_digest(event.kiosk_token_hash, digest):
        return aware(event.kiosk_issued_at)
    retired = db.session.get(RetiredKioskToken, digest)
    if retired is None or retired.event_id != event.id:
        raise ValueError("not a kiosk token of this event")
    return aware(retired.issued_at)


# The event's columns as a plain row (attribute access as on an Event): a kiosk request
# needs no ORM object for it.
_EVENT_ROW = sa.select(*cast(sa.Table, Event.__table__).columns).where(
    cast(sa.Table, Event.__table__).c.kiosk_token_hash == sa.bindparam("digest")
)


def event_for_token(token: str | None) -> Any:
    """The event a kiosk token may submit to, only while the token is current and
    unexpired: its row (the columns of an Event, read-only), or None.

    Read on every kiosk request, so a link replaced or expired in any process stops
    working at once."""
    if not token or not isinstance(token, str):
        return None
    digest = links.digest(token)
    event = db.session.connection().execute(_EVENT_ROW, {"digest": digest}).first()
    # The lookup is by a unique index; compare again in constant time all the same.
    if event is None or not secrets.compare_digest(event.kiosk_token_hash, digest):
        return None
    return event if kiosk_active(event) else None


def events_with_counts(partnership: Partnership, today: date) -> tuple[list, list]:
    """(upcoming, past) events with their response counts, from one grouped query."""
    counts = (
        sa.select(Response.event_id, sa.func.count(Response.id).label("n"))
        .where(Response.event_id.is_not(None))
        .group_by(Response.event_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Event, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.event_id == Event.id)
        .where(Event.partnership_id == partnership.id)
        .order_by(Event.starts_on, Event.id)
    ).all()
    upcoming = [EventRow(e, n) for e, n in rows if e.starts_on >= today]
    past = [EventRow(e, n) for e, n in reversed(rows) if e.starts_on < today]
    return upcoming, past


def response_count(event: Event) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Response.id)).where(Response.event_id == event.id)
        )
        or 0
    )


def kiosk_path(event: Event) -> str | None:
    """The path of the event's kiosk start page: the one place that builds it. None when
    the link cannot be shown (``Event.kiosk_token``)."""
    token = event.kiosk_token
    if token is None:
        return None
    try:
        if has_request_context():
            return url_for("kiosk.start", token=token)
        adapter = current_app.url_map.bind("localhost")
        return adapter.build("kiosk.start", {"token": token})
    except BuildError:
        return f"/kiosk/{token}/"


def kiosk_url(event: Event) -> str | None:
    """The absolute kiosk link: this request's host, or ENGAGE_BASE_URL outside a request.
    None when the link cannot be shown (``Event.kiosk_token``)."""
    path = kiosk_path(event)
    if path is None:
        return None
    if has_request_context():
        base = request.host_url
    else:
        base = current_app.config.get("ENGAGE_BASE_URL") or DEFAULT_BASE_URL
    return base.rstrip("/") + path


def kiosk_links(partnership: Partnership | None) -> list[dict[str, str | None]]:
    """Every event's name and absolute kiosk link, by date (for `stats --json`); the link
    is None where it cannot be shown (issue a new link to show one)."""
    if partnership is None:
        return []
    events = db.session.scalars(
        sa.select(Event)
        .where(Event.partnership_id == partnership.id)
        .order_by(Event.starts_on, Event.id)
    )
    return [{"name": event.name, "kiosk_url": kiosk_url(event)} for event in events]
