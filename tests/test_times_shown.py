"""Times as pages show them: one format ("18:30, 14 June 2030"), in the partnership's
time zone (ENGAGE_TIME_ZONE, Europe/London by default, summer time included), with the
month in the page's language."""

import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engage import create_app, timeformat
from engage.config import ConfigError
from tests.panel_factories import make_vote

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
JUNE = datetime(2030, 6, 14, 17, 30, tzinfo=UTC)  # 18:30 in London (summer time)
JANUARY = datetime(2030, 1, 10, 18, 0, tzinfo=UTC)  # 18:00 in London (GMT)


def test_one_format_in_the_zone_with_summer_time():
    london = ZoneInfo("Europe/London")

    assert timeformat.when(JUNE, london) == "18:30, 14 June 2030"
    assert timeformat.when(JANUARY, london) == "18:00, 10 January 2030"
    assert timeformat.when(JUNE.replace(tzinfo=None), london) == "18:30, 14 June 2030"  # SQLite
    assert timeformat.when(JUNE, london, "pl") == "18:30, 14 czerwca 2030"
    assert timeformat.day(date(2030, 6, 14), london) == "14 June 2030"
    # 23:30 UTC on 14 June is already the 15th in London.
    assert timeformat.day(datetime(2030, 6, 14, 23, 30, tzinfo=UTC), london) == "15 June 2030"


def test_no_template_formats_a_time_its_own_way():
    """Every time on a page goes through the when and day filters: no template calls
    strftime, and none writes a time as UTC."""
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if "strftime" in text or re.search(r"\}\}\s*UTC", text):
            found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


def test_a_vote_page_shows_times_in_the_configured_zone(db, facilitator_client, partnership):
    vote = make_vote(partnership, facilitator_client.user)
    vote.opens_at, vote.closes_at = JANUARY, JUNE
    db.session.commit()

    page = facilitator_client.get(f"/panels/votes/{vote.id}").get_data(as_text=True)

    assert "18:00, 10 January 2030" in page and "18:30, 14 June 2030" in page
    assert "(UTC)" not in page


class TestAnotherZone:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "ENGAGE_TIME_ZONE": "America/New_York"}

    def test_another_zone_moves_every_time(self, db, facilitator_client, partnership):
        vote = make_vote(partnership, facilitator_client.user)
        vote.closes_at = JUNE
        db.session.commit()

        page = facilitator_client.get(f"/panels/votes/{vote.id}").get_data(as_text=True)

        assert "13:30, 14 June 2030" in page
        assert "America/New_York" in facilitator_client.get(
            f"/panels/votes/{vote.id}/edit"
        ).get_data(as_text=True)


def test_a_zone_that_does_not_exist_stops_the_start_with_the_reason():
    with pytest.raises(ConfigError, match="ENGAGE_TIME_ZONE must be an IANA time zone"):
        create_app({"ENGAGE_TIME_ZONE": "Mars/Olympus", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
