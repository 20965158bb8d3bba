"""Time per-question counts over many synthetic responses.

    .venv/bin/python bench/question_counts.py --responses 100000 [--database-url URL]

Builds a fresh database (a temporary SQLite file unless --database-url is
given), seeds the demo questionnaire, bulk-inserts responses that answer every
question, then times the SQL counts for each closed question and prints the figures.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engage import create_app  # noqa: E402
from engage.extensions import db  # noqa: E402
from engage.partnership.services import current_partnership  # noqa: E402
from engage.questionnaire import types  # noqa: E402
from engage.questionnaire.services import current_version, questionnaire_for  # noqa: E402
from engage.survey import counts  # noqa: E402
from engage.survey.models import Answer, Response  # noqa: E402

CHUNK = 5000


def answer_rows(rng, version, areas, response_id):
    """Every answer row carries every column, as one executemany needs."""
    for row in _answers(rng, version, areas, response_id):
        yield {"option_id": None, "area_id": None, "number_value": None, "text_value": None, **row}


def _answers(rng, version, areas, response_id):
    for question in version.questions:
        if question.type in (types.SINGLE, types.AGREEMENT, types.YES_NO):
            yield {
                "response_id": response_id,
                "question_id": question.id,
                "option_id": rng.choice(question.options).id,
            }
        elif question.type == types.MULTIPLE:
            for option in rng.sample(question.options, k=min(2, len(question.options))):
                yield {
                    "response_id": response_id,
                    "question_id": question.id,
                    "option_id": option.id,
                }
        elif question.type == types.RATING:
            yield {
                "response_id": response_id,
                "question_id": question.id,
                "number_value": rng.randint(0, 10),
            }
        elif question.type == types.NUMBER:
            yield {
                "response_id": response_id,
                "question_id": question.id,
                "number_value": rng.randint(question.min_value or 0, question.max_value or 99),
            }
        elif question.type == types.AREA:
            yield {
                "response_id": response_id,
                "question_id": question.id,
                "area_id": rng.choice(areas).id,
            }
        elif rng.random() < 0.2:
            yield {
                "response_id": response_id,
                "question_id": question.id,
                "text_value": "Synthetic comment",
            }


def fill(version, areas, total, seed):
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    answers = 0
    for start in range(1, total + 1, CHUNK):
        ids = range(start, min(start + CHUNK, total + 1))
        db.session.execute(
            sa.insert(Response),
            [
                {
                    "id": i,
                    "version_id": version.id,
                    "area_id": rng.choice(areas).id,
                    "channel": "online",
                    "idempotency_key": uuid.UUID(int=rng.getrandbits(128)).hex,
                }
                for i in ids
            ],
        )
        rows = [row for i in ids for row in answer_rows(rng, version, areas, i)]
        db.session.execute(Answer.__table__.insert(), rows)
        answers += len(rows)
    db.session.commit()
    return answers


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="engage-bench-")
    url = args.database_url or f"sqlite:///{os.path.join(folder, 'bench.sqlite3')}"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        app.test_cli_runner().invoke(args=["seed-demo"])
        partnership = current_partnership()
        questionnaire = questionnaire_for(partnership)
        version = current_version(questionnaire)
        areas = list(partnership.areas)
        started = time.perf_counter()
        answers = fill(version, areas, args.responses, args.seed)
        fill_seconds = time.perf_counter() - started
        print(f"database: {db.engine.dialect.name}")
        print(
            f"responses: {args.responses:,}  answers: {answers:,}  "
            f"({answers / args.responses:.1f} per response), inserted in {fill_seconds:.1f} s"
        )
        timings = []
        for question in version.questions:
            if question.type not in types.CHOICE_TYPES + (types.RATING,):
                continue
            started = time.perf_counter()
            if question.type == types.RATING:
                result = counts.number_counts(questionnaire.id, question.code)
            else:
                result = counts.option_counts(questionnaire.id, question.code)
            timings.append(time.perf_counter() - started)
            assert sum(result.values()) > 0
        print(
            f"per-question counts over {len(timings)} closed questions: "
            f"median {statistics.median(timings) * 1000:.1f} ms, "
            f"max {max(timings) * 1000:.1f} ms"
        )
        db.session.remove()
        if args.database_url:
            db.drop_all()


if __name__ == "__main__":
    main()
