"""seed-synthetic: many valid responses, fast, and the same ones for the same seed."""

from collections import defaultdict
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from engage.demo import bulk
from engage.demo.synthetic import seed_synthetic
from engage.survey.answers import check_answers
from engage.survey.models import Answer, Response
from engage.survey.services import new_key, store_response

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _snapshot(db):
    responses = db.session.execute(
        sa.select(
            Response.area_id, Response.channel, Response.language, Response.submitted_at
        ).order_by(Response.id)
    ).all()
    answers = db.session.execute(
        sa.select(
            Answer.response_id,
            Answer.question_id,
            Answer.option_id,
            Answer.area_id,
            Answer.number_value,
            Answer.text_value,
        ).order_by(Answer.id)
    ).all()
    return responses, answers


def _submitted(version, answers):
    """The stored answers of one response as the raw values a form would post."""
    by_id = {q.id: q for q in version.questions}
    areas = {a.id: a.code for a in version.questionnaire.partnership.areas}
    options = {o.id: o.code for q in version.questions for o in q.options}
    values = defaultdict(list)
    for answer in answers:
        question = by_id[answer.question_id]
        if answer.option_id is not None:
            values[question.code].append(options[answer.option_id])
        elif answer.area_id is not None:
            values[question.code].append(areas[answer.area_id])
        elif answer.number_value is not None:
            values[question.code].append(str(answer.number_value))
        else:
            values[question.code].append(answer.text_value)
    return values


def test_seed_synthetic_adds_valid_responses(db, runner, questionnaire):
    result = runner.invoke(args=["seed-synthetic", "--responses", "300", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "responses per second" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 300
    stored = defaultdict(list)
    for answer in db.session.scalars(sa.select(Answer)):
        stored[answer.response_id].append(answer)
    area_codes = [a.code for a in questionnaire.questionnaire.partnership.areas]
    texts = 0
    for response in db.session.scalars(sa.select(Response)):
        submitted = _submitted(questionnaire, stored[response.id])
        checked = check_answers(questionnaire.questions, submitted, area_codes)
        assert checked.ok, (submitted, checked.errors)
        # Nothing was dropped as hidden by a condition: every stored answer was shown.
        assert set(checked.answers) == set(submitted)
        assert response.area.code == submitted["ward"][0]
        texts += any(q in submitted for q in ("street", "why_unsafe"))
    assert texts > 0  # some free text
    languages = set(db.session.scalars(sa.select(Response.language).distinct()))
    assert len(languages) > 1


def test_seed_synthetic_spreads_over_wards_and_the_last_year(db, questionnaire):
    seed_synthetic(questionnaire, 600, seed=2, now=NOW)
    db.session.commit()
    wards = db.session.scalars(sa.select(Response.area_id).distinct()).all()
    assert len(wards) == 3
    first, last = db.session.execute(
        sa.select(sa.func.min(Response.submitted_at), sa.func.max(Response.submitted_at))
    ).one()
    assert (last.replace(tzinfo=None) - first.replace(tzinfo=None)).days > 300


def test_same_seed_gives_same_data(db, questionnaire):
    seed_synthetic(questionnaire, 200, seed=9, now=NOW)
    db.session.commit()
    first = _snapshot(db)
    db.session.execute(sa.delete(Answer))
    db.session.execute(sa.delete(Response))
    db.session.commit()
    seed_synthetic(questionnaire, 200, seed=9, now=NOW)
    db.session.commit()
    assert _snapshot(db) == first
    db.session.execute(sa.delete(Answer))
    db.session.execute(sa.delete(Response))
    db.session.commit()
    seed_synthetic(questionnaire, 200, seed=10, now=NOW)
    db.session.commit()
    assert _snapshot(db) != first


def test_seeding_twice_adds_more_and_the_app_can_still_store(db, questionnaire):
    seed_synthetic(questionnaire, 50, seed=1, now=NOW)
    seed_synthetic(questionnaire, 50, seed=1, now=NOW)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 100
    # Ids handed out by the database afterwards do not collide with the seeded ones.
    areas = {a.code: a for a in questionnaire.questionnaire.partnership.areas}
    checked = check_answers(
        questionnaire.questions, {"ward": ["north"], "safe_dark": ["very"]}, areas
    )
    response, created = store_response(questionnaire, checked.answers, new_key(), areas)
    db.session.commit()
    assert created and response.id == 101


def test_a_large_seed_rebuilds_the_answer_indexes_and_keeps_foreign_keys_on(db, questionnaire):
    answers = seed_synthetic(questionnaire, bulk.REINDEX_FROM, seed=3, now=NOW)
    db.session.commit()
    engine = db.engine
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("answer")}
    assert {"ix_answer_response_id", "ix_answer_text_question"} <= indexes
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == answers
    if engine.dialect.name == "sqlite":
        for _ in range(3):  # every pooled connection checks foreign keys again
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_failed_seed_leaves_nothing_behind(db, questionnaire, monkeypatch):
    def broken(self, first, areas):
        raise RuntimeError("disk full")

    monkeypatch.setattr("engage.demo.synthetic._Generator.answers", broken)
    with pytest.raises(RuntimeError):
        seed_synthetic(questionnaire, bulk.REINDEX_FROM, seed=3, now=NOW)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0
    indexes = {i["name"] for i in sa.inspect(db.engine).get_indexes("answer")}
    assert {"ix_answer_response_id", "ix_answer_text_question"} <= indexes
