"""``flask recount-results [--background]``: check every response's results row;
``flask results estimate CODE``: a question's estimates with their uncertainty."""

import json

import click
from flask.cli import with_appcontext

from engage.extensions import db
from engage.jobs.cli import finish
from engage.partnership.services import current_partnership
from engage.questionnaire.services import questionnaire_for
from engage.results import jobs, weights


@click.command("recount-results")
@click.option("--background", is_flag=True, help="Queue it for the job worker and return at once.")
@with_appcontext
def recount_results(background: bool) -> None:
    """Rebuild each response's results row from its stored answers and correct any that
    differ, a batch at a time. Rows are written as responses are stored, so this is for
    checking them, or after changing the database by hand. Says what differed."""
    job = jobs.request_recount(None)
    if job is None:
        click.echo("There is no questionnaire yet, so nothing to recount.")
        return
    db.session.commit()
    finish(job, jobs.recount_job, jobs.work, background)


@click.group("results")
def results_group() -> None:
    """Results for scripts and for checking."""


@results_group.command("estimate")
@click.argument("code")
@click.option("--scheme", "name", help="The weighting scheme (default: the default one).")
@click.option("--unweighted", is_flag=True, help="The figures as answered, every weight 1.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@with_appcontext
def estimate(code: str, name: str | None, unweighted: bool, fmt: str) -> None:
    """Each option of question CODE: the estimate (a share of 0 to 1), its standard error
    and 95 % interval, the base and the effective base. Exact, from every response: the
    command line reads the database itself, so no small-number rule is applied."""
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise click.ClickException("There is no questionnaire yet, so no results.")
    if unweighted and name:
        raise click.ClickException("Give --scheme or --unweighted, not both.")
    try:
        found = weights.exact_estimates(questionnaire, code, None if unweighted else name or "")
    except weights.NotEstimable as refused:
        raise click.ClickException(str(refused)) from refused
    if fmt == "json":
        click.echo(json.dumps(found, indent=2, ensure_ascii=False))
        return
    how = f"weighted by ‘{found['scheme']}’" if found["weighted"] else "unweighted"
    click.echo(
        f"{found['question']} ({how}): base {found['base']:,}, effective base "
        f"{found['effective_base']:,.1f}, efficiency {found['efficiency']:.1%}"
        + (f"; {found['left_out']:,} left out (no weight)" if found["left_out"] else "")
    )
    for option in found["options"]:
        if option["estimate"] is None:
            click.echo(f"  {option['code']:<24} no estimate")
            continue
        low, high = option["ci_low"], option["ci_high"]
        interval = "" if low is None else f"  95 % CI {low:.1%} to {high:.1%}"
        click.echo(f"  {option['code']:<24} {option['estimate']:7.1%}{interval}")
