"""flask --app engage sortition probabilities --categories C --respondents R --panel-size K
flask --app engage sortition draw --categories C --respondents R --panel-size K --seed S

Work on plain files in the layout of the reference pools (``categories.csv``:
``category,feature,min,max``; ``respondents.csv``: a column per category), without
touching the database, so anyone holding the published pool file and the seed can
repeat the allocation and the draw.
"""

import json

import click

from engage.sortition.draw import draw_panel
from engage.sortition.fairness import geometric_mean, gini, minimum
from engage.sortition.leximin import Allocation, leximin
from engage.sortition.panels import InfeasibleQuotas
from engage.sortition.pool import read_pool


@click.group("sortition")
def sortition_group() -> None:
    """Fair selection of citizens' panels from a pool of respondents (LEXIMIN)."""


def _pool_options(command):
    for option in reversed(
        (
            click.option(
                "--categories", type=click.Path(exists=True, dir_okay=False), required=True
            ),
            click.option(
                "--respondents", type=click.Path(exists=True, dir_okay=False), required=True
            ),
            click.option("--panel-size", "k", type=click.IntRange(min=1), required=True),
            click.option("--household-column", help="A column of RESPONDENTS with a household id."),
            click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text"),
        )
    ):
        command = option(command)
    return command


def _allocation(categories: str, respondents: str, k: int, household: str | None) -> Allocation:
    try:
        return leximin(read_pool(categories, respondents, household), k)
    except (ValueError, InfeasibleQuotas) as error:
        raise click.ClickException(str(error)) from error


def _figures(allocation: Allocation) -> dict:
    p = allocation.agent_probabilities
    return {
        "probabilities": [float(x) for x in p],
        "minimum": float(minimum(p)),
        "gini": float(gini(p)),
        "geometric_mean": float(geometric_mean(p)),
    }


@sortition_group.command("probabilities")
@_pool_options
def probabilities(categories, respondents, k, household_column, fmt) -> None:
    """Each respondent's LEXIMIN selection probability, in the order of RESPONDENTS, with
    the smallest, the Gini coefficient and the geometric mean."""
    found = _figures(_allocation(categories, respondents, k, household_column))
    if fmt == "json":
        click.echo(json.dumps(found))
        return
    click.echo(f"Smallest selection probability: {found['minimum']:.2%}")
    click.echo(
        f"Gini coefficient: {found['gini']:.2%}; geometric mean: {found['geometric_mean']:.2%}"
    )
    for index, p in enumerate(found["probabilities"]):
        click.echo(f"{index}\t{p:.6f}")


@sortition_group.command("draw")
@_pool_options
@click.option("--seed", type=click.IntRange(min=0), required=True, help="Published beforehand.")
def draw(categories, respondents, k, household_column, fmt, seed) -> None:
    """The panel drawn with SEED from the LEXIMIN allocation: the selected rows, as 0-based
    indices of RESPONDENTS (its header not counted)."""
    allocation = _allocation(categories, respondents, k, household_column)
    panel = [int(i) for i in draw_panel(allocation, seed)]
    if fmt == "json":
        click.echo(json.dumps({"seed": seed, "selected": panel, **_figures(allocation)}))
        return
    click.echo(f"Panel drawn with seed {seed}: " + " ".join(str(i) for i in panel))
