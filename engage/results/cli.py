"""``flask recount-results``: check every response's results row against its answers."""

import click
from flask.cli import with_appcontext

from engage.extensions import db
from engage.partnership.services import current_partnership
from engage.questionnaire.services import questionnaire_for
from engage.results.recount import recount


@click.command("recount-results")
@with_appcontext
def recount_results() -> None:
    """Rebuild each response's results row from its stored answers and correct any that
    differ, a batch at a time. Rows are written as responses are stored, so this is for
    checking them, or after changing the database by hand. Says what differed."""
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        click.echo("There is no questionnaire yet, so nothing to recount.")
        return
    found = recount(questionnaire)
    db.session.commit()
    click.echo(f"Checked {found.checked:,} responses against their stored answers.")
    if found.corrected:
        shown = ", ".join(str(i) for i in found.corrected[:20])
        more = f" and {len(found.corrected) - 20:,} more" if len(found.corrected) > 20 else ""
        click.echo(
            f"{len(found.corrected):,} results rows differed from the answers and were "
            f"corrected: responses {shown}{more}."
        )
    else:
        click.echo("Every results row already matched the stored answers.")
