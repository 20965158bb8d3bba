"""flask --app engage weights load-targets FILE.csv [--scheme NAME] [--describes DATE]
flask --app engage weights compute [--scheme NAME] [--background]
flask --app engage weights list"""

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from engage.extensions import db
from engage.jobs.cli import finish
from engage.partnership.services import current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results import weight_jobs, weights
from engage.weighting import services as stored
from engage.weighting import targets as target_files
from engage.weighting.models import DEFAULT_SCHEME


def _questionnaire() -> Questionnaire:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise click.ClickException("There is no questionnaire yet, so nothing to weight.")
    return questionnaire


@click.group("weights")
def weights_group() -> None:
    """Weighting the responses to the population: targets and weights."""


@weights_group.command("load-targets")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--scheme", "name", default=DEFAULT_SCHEME, show_default=True)
@click.option(
    "--describes",
    help="The date the population figures describe (YYYY-MM-DD; ONS mid-year: 30 June). "
    "Default: today.",
)
@click.option("--cap", type=float, help="Trim weights to at most this many times the mean.")
@with_appcontext
def load_targets(file: Path, name: str, describes: str | None, cap: float | None) -> None:
    """Replace a scheme's population targets with those in FILE (a CSV with the header
    variable,value,population, or the variables' codes then population)."""
    questionnaire = _questionnaire()
    when = None
    if describes:
        try:
            when = date.fromisoformat(describes)
        except ValueError as error:
            raise click.ClickException(
                f"‘{describes}’ is not a date: write it as YYYY-MM-DD, such as 2025-06-30."
            ) from error
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file} is not UTF-8 text: save it as CSV UTF-8.") from error
    try:
        found = target_files.read(text)
        target_set = weights.load_targets(questionnaire, found, name, when, file.name, cap=cap)
    except target_files.TargetsError as refused:
        db.session.rollback()
        raise click.ClickException(
            "Nothing was loaded:\n" + "\n".join(f"  {p}" for p in refused.problems)
        ) from refused
    db.session.commit()
    margins = ", ".join(
        f"{variable} ({len(values)} values)" for variable, values in found.margins.items()
    )
    total = next(iter(found.totals().values()))
    click.echo(
        f"Loaded the targets of ‘{name}’, describing {target_set.describes:%-d %B %Y}: "
        f"{total:,.0f} residents by {margins}. Run `flask --app engage weights compute"
        + ("" if name == DEFAULT_SCHEME else f" --scheme {name}")
        + "` to rake the responses to them."
    )


@weights_group.command("compute")
@click.option("--scheme", "name", default=DEFAULT_SCHEME, show_default=True)
@click.option("--background", is_flag=True, help="Queue it for the job worker and return at once.")
@with_appcontext
def compute(name: str, background: bool) -> None:
    """Rake the responses to the scheme's newest targets, store each response's weight
    and print the convergence report."""
    questionnaire = _questionnaire()
    scheme = stored.scheme_named(questionnaire, name)
    if scheme is None:
        known = ", ".join(s.name for s in stored.schemes(questionnaire)) or "none yet"
        raise click.ClickException(
            f"There is no weighting scheme ‘{name}’ (schemes: {known}). Load its targets "
            "first with `flask --app engage weights load-targets FILE.csv`."
        )
    job = weight_jobs.request_compute(scheme, None)
    db.session.commit()
    finish(job, weight_jobs.weights_job, weight_jobs.work, background)


@weights_group.command("list")
@with_appcontext
def list_schemes() -> None:
    """Each scheme: its targets, when its weights were computed, and the last report."""
    questionnaire = _questionnaire()
    found = stored.schemes(questionnaire)
    if not found:
        click.echo("No weighting schemes yet.")
    for scheme in found:
        current = scheme.current
        dated = f"targets describing {current.describes:%-d %B %Y}" if current else "no targets"
        computed = (
            f"weights computed {scheme.computed_at:%Y-%m-%d %H:%M}"
            if scheme.computed_at
            else "no weights yet"
        )
        out_of_date = " (out of date)" if weights.stale(scheme, questionnaire) else ""
        click.echo(f"{scheme.name}: {dated}; {computed}{out_of_date}")
        for line in scheme.report.get("lines", []) + scheme.report.get("problems", []):
            click.echo(f"  {line}")
