"""Checking every response's results row against its answer rows, and correcting it.

Results are counted from ``response.coded``, written when each response is stored. This
rebuilds each row from the stored answers through the same rule (``survey.coding``),
a batch of responses at a time so memory stays flat however many there are, and
rewrites any row that differs. A rewrite changes ``results_state.epoch``, so every
process reads the rows afresh.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import sqlalchemy as sa

from engage.extensions import db
from engage.partnership.models import Area
from engage.questionnaire.models import PUBLISHED, Questionnaire, QuestionnaireVersion
from engage.results.models import ResultsState
from engage.survey.coding import coded_row, parsed_from_rows
from engage.survey.models import Answer, Response
from engage.survey.plans import plan_for

BATCH = 2_000
ANSWER_FIELDS = ("question_id", "option_id", "area_id", "number_value", "text_value")


@dataclass
class Recount:
    checked: int = 0
    corrected: list[int] = field(default_factory=list)


def new_epoch() -> None:
    """Tell every process that stored results rows have changed (flushes; caller commits)."""
    state = db.session.get(ResultsState, 1)
    if state is None:
        db.session.add(ResultsState(id=1, epoch=uuid.uuid4().hex))
    else:
        state.epoch = uuid.uuid4().hex
    db.session.flush()


def recount(questionnaire: Questionnaire, progress: Callable[[int], None] | None = None) -> Recount:
    """Check (and correct) every published version's responses; the caller commits."""
    found = Recount()
    areas = db.session.scalars(
        sa.select(Area).where(Area.partnership_id == questionnaire.partnership_id)
    ).all()
    area_ids = {a.code: a.id for a in areas}
    area_codes = {a.id: a.code for a in areas}
    versions = db.session.scalars(
        sa.select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == PUBLISHED,
        )
    ).all()
    for version in versions:
        plan = plan_for(version)
        last = 0
        while True:
            batch = db.session.execute(
                sa.select(Response.id, Response.coded)
                .where(Response.version_id == version.id, Response.id > last)
                .order_by(Response.id)
                .limit(BATCH)
            ).all()
            if not batch:
                break
            last = batch[-1][0]
            answers: dict[int, list[dict]] = {}
            for row in db.session.execute(
                sa.select(Answer.response_id, *[getattr(Answer, f) for f in ANSWER_FIELDS])
                .where(Answer.response_id.between(batch[0][0], last))
                .order_by(Answer.response_id)
            ):
                answers.setdefault(row[0], []).append(
                    dict(zip(ANSWER_FIELDS, row[1:], strict=True))
                )
            fixes: list[dict[str, Any]] = []
            for response_id, stored in batch:
                parsed = parsed_from_rows(plan, answers.get(response_id, []), area_codes)
                expected = coded_row(plan, parsed, area_ids)
                if stored is None or bytes(stored) != expected:
                    fixes.append({"row_id": response_id, "coded": expected})
            if fixes:
                table = cast(sa.Table, Response.__table__)
                db.session.execute(
                    sa.update(table)
                    .where(table.c.id == sa.bindparam("row_id"))
                    .values(coded=sa.bindparam("coded")),
                    fixes,
                )
                found.corrected.extend(int(f["row_id"]) for f in fixes)
            found.checked += len(batch)
            db.session.expire_all()
            if progress:
                progress(found.checked)
    if found.corrected:
        new_epoch()
    return found
