"""Percentages with one rule: one decimal place wherever a result is shown, in the
page's language."""

import re
from pathlib import Path

from engage.percent import percent_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
RESULT_PAGES = ("results", "public", "panels")


def test_one_decimal_place_in_the_pages_language():
    assert percent_text(28) == "28.0%"
    assert percent_text(29.14) == "29.1%"
    assert percent_text(29.15) in ("29.1%", "29.2%")
    assert percent_text(7.5, "pl") == "7,5%"
    assert percent_text(None) == "–"
    assert percent_text(None, missing="") == ""


def test_no_result_page_writes_a_percentage_its_own_way():
    """Every percentage of a result goes through the percent filter."""
    found = []
    for folder in RESULT_PAGES:
        for path in (TEMPLATES / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            # (A drawing's width="40%" is geometry, not a figure.)
            if re.search(r"\}\}%(?!\")|%g%%|\|round\|int \}\}%", text):
                found.append(str(path.relative_to(TEMPLATES)))
    assert found == []


def test_the_dashboard_shows_one_decimal_place(db, analyst_client, questionnaire):
    from tests.test_aggregates import many

    many(db, questionnaire, 30, ward=["north"], safe_dark=["fairly"])
    many(db, questionnaire, 15, ward=["north"], safe_dark=["very"])
    db.session.commit()

    dashboard = analyst_client.get("/results/").get_data(as_text=True)

    assert re.search(r"\d+\.\d%", dashboard)
    assert not re.search(r">\d+%<", dashboard)
