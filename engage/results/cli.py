"""``flask recount-results``: count every stored response into the results tallies afresh."""

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from engage.extensions import db
from engage.results import tallies
from engage.results.models import AnswerTally, PairTally, ResponseTally


def _snapshot() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for model in (ResponseTally, AnswerTally, PairTally)
    }


def _rows() -> dict[str, list[tuple]]:
    return {
        model.__tablename__: sorted(
            tuple(str(v) for v in row) for row in db.session.execute(sa.select(model.__table__))
        )
        for model in (ResponseTally, AnswerTally, PairTally)
    }


@click.command("recount-results")
@with_appcontext
def recount_results() -> None:
    """Count every stored response into the results tallies afresh, in one transaction.

    The tallies are kept as responses are stored, so this is for checking them, or
    after changing the database by hand. Says whether anything differed.
    """
    before = _rows()
    tallies.rebuild()
    after = _rows()
    db.session.commit()
    changed = [name for name in before if before[name] != after[name]]
    counts = ", ".join(f"{name} {n:,} rows" for name, n in _snapshot().items())
    click.echo(f"Recounted: {counts}.")
    click.echo(
        "The tallies differed from the answers in: " + ", ".join(changed) + "; now corrected."
        if changed
        else "The tallies already matched the stored answers."
    )
