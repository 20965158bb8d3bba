"""The results columns hold exactly what counting the stored answers afresh gives, for
every filter and any pair of questions, however the responses arrived (form, kiosk,
seed-synthetic), and whatever order PostgreSQL commits them in."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from engage.demo.synthetic import seed_synthetic
from engage.events import services as events
from engage.partnership.models import Area
from engage.questionnaire import services
from engage.questionnaire.models import Option, Question, QuestionnaireVersion
from engage.results import aggregates, crosstabs, engine
from engage.results.filters import ResultFilter
from engage.survey import services as survey_services
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


def _event(db, partnership):
    found = events.create_event(
        partnership, events.EventFields(name="Market stall", starts_on=date(2026, 1, 10))
    )
    db.session.commit()
    return found


def test_seed_synthetic_rows_match_their_answers(db, runner, questionnaire, partnership):
    _event(db, partnership)
    _responses(db, questionnaire, 5, seed=3)
    seed_synthetic(questionnaire, 700, seed=5, now=datetime(2026, 6, 1, tzinfo=UTC))
    checked = runner.invoke(args=["recount-results"])
    assert "Checked 705 responses" in checked.output
    assert "already matched" in checked.output
    qn = questionnaire.questionnaire
    for code in ("safe_dark", "improve"):
        result = aggregates.question_results(qn, code, ResultFilter(), k=0)
        shown = {o["code"]: o["count"] for o in result["options"] if o["count"]}
        assert shown == _recount(db, code, ResultFilter())


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
    if filters.versions:
        conditions.append(
            Response.version_id.in_(
                sa.select(QuestionnaireVersion.id).where(
                    QuestionnaireVersion.number.in_(filters.versions)
                )
            )
        )
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


FILTERS = (
    ResultFilter(),
    ResultFilter(since=date(2026, 1, 1), until=date(2026, 1, 31)),
    ResultFilter(since=date(2025, 12, 25), until=date(2026, 2, 14)),
    ResultFilter(since=date(2026, 1, 17)),
    ResultFilter(until=date(2026, 2, 2)),
    ResultFilter(since=date(2026, 1, 5), until=date(2026, 1, 5)),
    ResultFilter(wards=("north", "east"), channels=("kiosk",)),
    ResultFilter(since=date(2026, 1, 9), wards=("south",)),
    ResultFilter(versions=(2,), channels=("online",)),
)


def test_every_filter_counts_what_the_answers_say_across_versions(db, partnership, questionnaire):
    event = _event(db, partnership)
    _responses(db, questionnaire, 80, seed=4, event=event)
    qn = questionnaire.questionnaire
    draft = services.start_draft(qn)
    services.publish(draft)
    db.session.commit()
    _responses(db, draft, 50, seed=14, event=event)
    for filters in FILTERS:
        for code in ("safe_dark", "improve"):
            result = aggregates.question_results(qn, code, filters, k=0)
            shown = {o["code"]: o["count"] for o in result["options"] if o["count"]}
            assert shown == _recount(db, code, filters), (code, filters)


def _both(db, row, column, filters):
    """Respondents to both codes, by their two answers, counted from the answers."""
    counts = {}
    for response_id in db.session.scalars(sa.select(Response.id).order_by(Response.id)):
        response = db.session.get(Response, response_id)
        day = response.submitted_at.date()
        if filters.since and day < filters.since or filters.until and day > filters.until:
            continue
        given = {}
        for answer in response.answers:
            key = answer.option.code if answer.option else answer.area.code if answer.area else None
            if key is not None:
                given.setdefault(answer.question.code, []).append(key)
        for r in given.get(row, []):
            for c in given.get(column, []):
                counts[(r, c)] = counts.get((r, c), 0) + 1
    return counts


def test_any_crosstab_under_any_filter_counts_on_first_view_and_writes_nothing(
    db, partnership, questionnaire
):
    _responses(db, questionnaire, 90, seed=6)
    qn = questionnaire.questionnaire
    written = []
    sa.event.listen(
        db.engine,
        "before_cursor_execute",
        lambda *args: (
            written.append(args[2])
            if args[2].split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "CREATE", "LOCK")
            else None
        ),
    )
    january = ResultFilter(since=date(2026, 1, 1), until=date(2026, 1, 31))
    for row, column in (("safe_dark", "improve"), ("improve", "ward"), ("police_agree", "ward")):
        for filters in (ResultFilter(), january):
            table = crosstabs.crosstab(qn, row, column, filters, 0)
            cells = {
                (r["key"], c["key"]): cell["count"]
                for r, cells in zip(table["rows"], table["cells"], strict=True)
                for c, cell in zip(table["columns"], cells, strict=True)
                if cell["count"]
            }
            assert cells == _both(db, row, column, filters), (row, column, filters)
    assert written == []


def test_recount_results_finds_and_corrects_a_row_changed_by_hand(db, runner, questionnaire):
    _responses(db, questionnaire, 12, seed=8)
    qn = questionnaire.questionnaire
    before = aggregates.question_results(qn, "safe_dark", ResultFilter(), k=0)
    first = runner.invoke(args=["recount-results"])
    assert first.exit_code == 0, first.output
    assert "already matched" in first.output
    safe_dark = dict(
        db.session.execute(
            sa.select(Answer.response_id, Option.code)
            .join(Option, Answer.option_id == Option.id)
            .join(Question, Answer.question_id == Question.id)
            .where(Question.code == "safe_dark")
        ).all()
    )
    unlike = next(i for i, code in safe_dark.items() if code != safe_dark[1])
    other = db.session.scalar(sa.select(Response.coded).where(Response.id == unlike))
    db.session.execute(sa.update(Response).where(Response.id == 1).values(coded=other))
    db.session.commit()
    engine.forget()
    changed = aggregates.question_results(qn, "safe_dark", ResultFilter(), k=0)
    assert changed != before
    second = runner.invoke(args=["recount-results"])
    assert "1 results rows differed from the answers and were corrected: responses 1." in (
        second.output
    )
    # The corrected rows reach a process that had read the wrong one (a new epoch).
    assert aggregates.question_results(qn, "safe_dark", ResultFilter(), k=0) == before


def test_a_response_is_stored_with_its_answers_and_row_or_not_at_all(
    db, questionnaire, monkeypatch
):
    def broken(*args):
        raise RuntimeError("the answers could not be written")

    monkeypatch.setattr(survey_services, "_answer_rows", broken)
    rng = random.Random(9)  # noqa: S311 (made-up answers)
    with pytest.raises(RuntimeError):
        _store(db, questionnaire, rng, START)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0


def _copy_response(connection, source_id, key):
    """Store a copy of a response (same row, new key) through ``connection``."""
    connection.execute(
        sa.text(
            "INSERT INTO response (version_id, area_id, channel, event_id, language, "
            "submitted_at, idempotency_key, coded) SELECT version_id, area_id, channel, "
            "event_id, language, submitted_at, :key, coded FROM response WHERE id = :id"
        ),
        {"key": key, "id": source_id},
    )


def test_responses_committed_out_of_id_order_are_each_counted_once(db, questionnaire):
    """PostgreSQL hands out ids when rows are inserted but may commit them in any order;
    SQLite lets one writer at a time, so there the later insert waits instead."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite commits in id order: one writer at a time")
    _responses(db, questionnaire, 3, seed=10)
    qn = questionnaire.questionnaire

    def respondents():
        return aggregates.question_results(qn, "safe_dark", ResultFilter(), k=0)["respondents"]

    assert respondents() == 3
    slow = db.engine.connect()
    slow.begin()
    _copy_response(slow, 1, "slow")  # a lower id, still uncommitted
    with db.engine.begin() as quick:
        _copy_response(quick, 2, "quick-1")
    assert respondents() == 4  # the quick one shows though an older transaction is open
    with db.engine.begin() as quick:
        _copy_response(quick, 3, "quick-2")
    assert respondents() == 5
    slow.commit()
    slow.close()
    assert respondents() == 6  # the lower id, committed last, still counts, once
    assert respondents() == 6


def test_a_server_worker_reads_the_rows_ahead_of_the_first_page(app, db, questionnaire):
    _responses(db, questionnaire, 7, seed=11)
    engine.forget()
    engine.warm_in_background(app).join(timeout=30)
    cached = app.extensions[engine.CACHE][questionnaire.questionnaire_id]
    assert cached.columns.n == 7
    result = aggregates.question_results(
        questionnaire.questionnaire, "safe_dark", ResultFilter(), 0
    )
    assert result["respondents"] == 7
    assert app.extensions[engine.CACHE][questionnaire.questionnaire_id] is cached


def test_a_results_page_reads_the_versions_and_new_rows_once(db, analyst_client, questionnaire):
    _responses(db, questionnaire, 5, seed=12)
    checks = []
    sa.event.listen(
        db.engine,
        "before_cursor_execute",
        lambda *args: checks.append(1) if "FROM results_state" in args[2] else None,
    )
    page = analyst_client.get("/results/")
    assert page.status_code == 200
    assert len(checks) == 1  # the overview and every question share one read
