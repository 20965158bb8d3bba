"""The results tallies hold exactly what counting the stored answers afresh gives, for
every filter, however the responses arrived (form, kiosk, seed-synthetic)."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.demo.synthetic import seed_synthetic
from engage.events import services as events
from engage.partnership.models import Area
from engage.questionnaire import services
from engage.questionnaire.models import Option, Question
from engage.results import aggregates, crosstabs, pairs, tallies
from engage.results.filters import ResultFilter
from engage.results.models import AnswerTally, CrosstabPair, PairTally, ResponseTally
from engage.survey.answers import check_answers
from engage.survey.models import Answer, Response
from engage.survey.services import new_key, store_response

START = datetime(2025, 12, 20, 9, tzinfo=UTC)


def _store(db, version, rng, when, channel="online", event=None):
    values = {
        "ward": [rng.choice(["north", "south", "east"])],
        "safe_dark": [rng.choice(["very", "fairly", "unsafe"])],
        "improve": rng.sample(["parks", "lighting", "litter"], rng.randint(1, 2)),
        "police_agree": [rng.choice(["agree", "disagree", "strongly_agree"])],
        "household": [str(rng.randint(1, 6))],
    }
    if rng.random() < 0.7:
        values["satisfied"] = [str(rng.randint(0, 10))]
    areas = {a.code: a for a in version.questionnaire.partnership.areas}
    checked = check_answers(version.questions, values, areas)
    assert checked.ok, checked.errors
    store_response(
        version, checked.answers, new_key(), areas, channel, event=event, submitted_at=when
    )


def _responses(db, version, n, seed, event=None):
    rng = random.Random(seed)  # noqa: S311 (made-up answers)
    for _ in range(n):
        when = START + timedelta(days=rng.randint(0, 100), hours=rng.randint(0, 14))
        kiosk = event is not None and rng.random() < 0.4
        _store(db, version, rng, when, "kiosk" if kiosk else "online", event if kiosk else None)
    db.session.commit()


def _snapshot(db):
    return {
        model.__tablename__: sorted(
            tuple(str(v) for v in row) for row in db.session.execute(sa.select(model.__table__))
        )
        for model in (ResponseTally, AnswerTally, PairTally)
    }


def _event(db, partnership):
    found = events.create_event(
        partnership, events.EventFields(name="Market stall", starts_on=date(2026, 1, 10))
    )
    db.session.commit()
    return found


def test_span_ranges_cover_whole_months_from_month_rows_and_edges_from_days():
    assert tallies.span_ranges(None, None) == [("month", None, None)]
    assert tallies.span_ranges(date(2026, 1, 15), date(2026, 4, 10)) == [
        ("month", date(2026, 2, 1), date(2026, 3, 31)),
        ("day", date(2026, 1, 15), date(2026, 1, 31)),
        ("day", date(2026, 4, 1), date(2026, 4, 10)),
    ]
    assert tallies.span_ranges(date(2026, 2, 1), date(2026, 2, 28)) == [
        ("month", date(2026, 2, 1), date(2026, 2, 28))
    ]
    assert tallies.span_ranges(date(2026, 2, 3), date(2026, 2, 20)) == [
        ("day", date(2026, 2, 3), date(2026, 2, 20))
    ]
    assert tallies.span_ranges(date(2026, 2, 3), None) == [
        ("month", date(2026, 3, 1), None),
        ("day", date(2026, 2, 3), date(2026, 2, 28)),
    ]
    assert tallies.span_ranges(None, date(2026, 2, 3)) == [
        ("month", None, date(2026, 1, 31)),
        ("day", date(2026, 2, 1), date(2026, 2, 3)),
    ]


def test_kept_tallies_match_a_recount_across_versions_channels_and_pairs(
    db, partnership, questionnaire
):
    event = _event(db, partnership)
    _responses(db, questionnaire, 40, seed=1, event=event)
    for row, column in (("improve", "ward"), ("safe_dark", "ward"), ("safe_dark", "improve")):
        crosstabs.crosstab(questionnaire.questionnaire, row, column, ResultFilter(), 1)
    draft = services.start_draft(questionnaire.questionnaire)
    services.publish(draft)
    db.session.commit()
    _responses(db, draft, 30, seed=2, event=event)
    kept = _snapshot(db)
    assert len(kept["pair_tally"]) > 0
    tallies.rebuild()
    db.session.commit()
    assert _snapshot(db) == kept


def test_seed_synthetic_tallies_match_a_recount(db, questionnaire, partnership):
    _event(db, partnership)
    _responses(db, questionnaire, 5, seed=3)
    pairs.pair_for(questionnaire.questionnaire_id, "safe_dark", "improve")
    seed_synthetic(questionnaire, 700, seed=5, now=datetime(2026, 6, 1, tzinfo=UTC))
    kept = _snapshot(db)
    assert sum(int(row[-1]) for row in kept["response_tally"]) == 705
    tallies.rebuild()
    db.session.commit()
    assert _snapshot(db) == kept


def _recount(db, code, filters):
    """Respondents per option of a choice question, counted from the answers themselves."""
    conditions = [Question.code == code]
    if filters.since:
        conditions.append(
            Response.submitted_at >= datetime.combine(filters.since, datetime.min.time(), UTC)
        )
    if filters.until:
        end = datetime.combine(filters.until + timedelta(days=1), datetime.min.time(), UTC)
        conditions.append(Response.submitted_at < end)
    if filters.wards:
        conditions.append(
            Response.area_id.in_(sa.select(Area.id).where(Area.code.in_(filters.wards)))
        )
    if filters.channels:
        conditions.append(Response.channel.in_(filters.channels))
    rows = db.session.execute(
        sa.select(Option.code, sa.func.count(sa.distinct(Response.id)))
        .select_from(Answer)
        .join(Question, Answer.question_id == Question.id)
        .join(Option, Answer.option_id == Option.id)
        .join(Response, Answer.response_id == Response.id)
        .where(*conditions)
        .group_by(Option.code)
    )
    return dict(rows.all())


def test_every_filter_counts_what_the_answers_say(db, partnership, questionnaire):
    event = _event(db, partnership)
    _responses(db, questionnaire, 120, seed=4, event=event)
    qn = questionnaire.questionnaire
    for filters in (
        ResultFilter(),
        ResultFilter(since=date(2026, 1, 1), until=date(2026, 1, 31)),
        ResultFilter(since=date(2025, 12, 25), until=date(2026, 2, 14)),
        ResultFilter(since=date(2026, 1, 17)),
        ResultFilter(until=date(2026, 2, 2)),
        ResultFilter(since=date(2026, 1, 5), until=date(2026, 1, 5)),
        ResultFilter(wards=("north", "east"), channels=("kiosk",)),
        ResultFilter(since=date(2026, 1, 9), wards=("south",)),
    ):
        for code in ("safe_dark", "improve"):
            result = aggregates.question_results(qn, code, filters, k=0)
            shown = {o["code"]: o["count"] for o in result["options"] if o["count"]}
            assert shown == _recount(db, code, filters), (code, filters)


def test_a_crosstab_counts_its_pair_once_then_keeps_it_up_to_date(db, questionnaire):
    qn = questionnaire.questionnaire
    _responses(db, questionnaire, 30, seed=6)
    first = crosstabs.crosstab(qn, "safe_dark", "improve", ResultFilter(), 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CrosstabPair)) == 1
    _responses(db, questionnaire, 25, seed=7)
    later = crosstabs.crosstab(qn, "safe_dark", "improve", ResultFilter(), 0)
    assert later["total"] == 55 and first["total"] == 30
    kept = _snapshot(db)
    tallies.rebuild()
    db.session.commit()
    assert _snapshot(db) == kept
    january = ResultFilter(since=date(2026, 1, 1), until=date(2026, 1, 31))
    table = crosstabs.crosstab(qn, "safe_dark", "improve", january, 0)
    in_january = db.session.scalar(
        sa.select(sa.func.count(Response.id)).where(
            Response.submitted_at >= datetime(2026, 1, 1, tzinfo=UTC),
            Response.submitted_at < datetime(2026, 2, 1, tzinfo=UTC),
        )
    )
    assert table["total"] == in_january


def test_recount_results_finds_and_corrects_a_tally_changed_by_hand(db, runner, questionnaire):
    _responses(db, questionnaire, 12, seed=8)
    first = runner.invoke(args=["recount-results"])
    assert first.exit_code == 0, first.output
    assert "already matched" in first.output
    db.session.execute(sa.update(AnswerTally).values(respondents=AnswerTally.respondents + 5))
    db.session.commit()
    second = runner.invoke(args=["recount-results"])
    assert "differed from the answers in: answer_tally" in second.output
    qn = questionnaire.questionnaire
    result = aggregates.question_results(qn, "safe_dark", ResultFilter(), k=0)
    assert result["respondents"] == 12


def test_a_response_is_stored_with_its_answers_and_tallies_or_not_at_all(
    db, questionnaire, monkeypatch
):
    def broken(*args):
        raise RuntimeError("the tallies could not be written")

    monkeypatch.setattr(tallies, "record", broken)
    rng = random.Random(9)  # noqa: S311 (made-up answers)
    with pytest.raises(RuntimeError):
        _store(db, questionnaire, rng, START)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
