"""Browser tests: the app on a live server (SQLite file, demo seeded) driven by Chromium.

They run only on SQLite, to keep the suite fast; the server-side behaviour they
rely on is also tested on PostgreSQL in tests/test_kiosk.py.
"""

import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from engage import create_app
from engage.events import services as events
from engage.events.models import Event
from engage.extensions import db
from engage.partnership.services import current_partnership
from engage.survey.models import Response
from engage.timeutil import aware, utcnow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = not os.path.exists(CHROMIUM)


def pytest_collection_modifyitems(config, items):
    if not MISSING:
        return
    if os.environ.get("ENGAGE_REQUIRE_BROWSER"):
        raise pytest.UsageError(f"{CHROMIUM} is missing and ENGAGE_REQUIRE_BROWSER is set")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(skip)


@dataclass(frozen=True)
class KioskEvent:
    id: int
    kiosk_token: str


@dataclass(frozen=True)
class Stored:
    """What a test checks about a stored response, read while the session is open."""

    key: str
    channel: str
    language: str
    event_id: int | None
    area_code: str | None
    submitted_at: datetime
    time_flagged: bool


@dataclass
class LiveServer:
    app: object
    url: str

    def new_event(self, idle_seconds: int = 120) -> KioskEvent:
        """A fresh event (so each test counts only its own responses)."""
        with self.app.app_context():
            event = events.create_event(
                current_partnership(),
                events.EventFields(
                    name="Fun day",
                    starts_on=utcnow().date() + timedelta(days=1),
                    idle_seconds=idle_seconds,
                ),
            )
            db.session.commit()
            return KioskEvent(event.id, event.kiosk_token)

    def backdate_link(self, event: KioskEvent, issued_at: datetime) -> None:
        """Say the event's kiosk link was issued at ``issued_at``."""
        with self.app.app_context():
            db.session.get(Event, event.id).kiosk_issued_at = issued_at
            db.session.commit()

    def responses(self, event: KioskEvent) -> list[Stored]:
        with self.app.app_context():
            rows = db.session.scalars(sa.select(Response).where(Response.event_id == event.id))
            return [
                Stored(
                    r.idempotency_key,
                    r.channel,
                    r.language,
                    r.event_id,
                    r.area.code if r.area else None,
                    aware(r.submitted_at),
                    r.time_flagged,
                )
                for r in rows
            ]

    def kiosk(self, event: KioskEvent, path: str = "") -> str:
        return f"{self.url}/kiosk/{event.kiosk_token}/{path}"


def serve(tmp_path_factory, seed):
    """Run the app on a free port in a thread, with tables created and ``seed()`` run."""
    database = tmp_path_factory.mktemp("live") / "engage.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        }
    )
    with app.app_context():
        db.create_all()
        seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


def seed_demo(app) -> None:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo: eight sections, English, Polish and Urdu."""
    yield from serve(tmp_path_factory, seed_demo)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def event(live_server):
    return live_server.new_event()
