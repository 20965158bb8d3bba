"""flask --app engage sortition select CATEGORIES RESPONDENTS --panel-size K --seed S

Computes the LEXIMIN selection probabilities of a pool and draws one panel, without
touching the database, so anyone holding the two files and the seed can repeat it.
"""

import click

from engage.sortition.draw import draw_panel
from engage.sortition.fairness import geometric_mean, gini, minimum
from engage.sortition.leximin import leximin
from engage.sortition.panels import InfeasibleQuotas
from engage.sortition.pool import read_pool


@click.group("sortition")
def sortition_group() -> None:
    """Fair selection of citizens' panels from a pool of respondents."""


@sortition_group.command("select")
@click.argument("categories", type=click.Path(exists=True, dir_okay=False))
@click.argument("respondents", type=click.Path(exists=True, dir_okay=False))
@click.option("--panel-size", "k", type=click.IntRange(min=1), required=True)
@click.option(
    "--seed", type=click.IntRange(min=0), required=True, help="Publish it with the panel."
)
@click.option("--household-column", help="Column of RESPONDENTS with a household id.")
def select_command(
    categories: str, respondents: str, k: int, seed: int, household_column: str | None
) -> None:
    """Print the fairness of the LEXIMIN allocation and the panel drawn with SEED.

    Panel members are given by their line number in RESPONDENTS (the header is line 1).
    """
    try:
        pool = read_pool(categories, respondents, household_column)
        allocation = leximin(pool, k)
    except (ValueError, InfeasibleQuotas) as error:
        raise click.ClickException(str(error)) from error
    p = allocation.agent_probabilities
    click.echo(f"Pool: {pool.size}; panel size: {k}; panels used: {len(allocation.panels)}")
    click.echo(f"Smallest selection probability: {minimum(p):.2%}")
    click.echo(f"Gini coefficient: {gini(p):.2%}; geometric mean: {geometric_mean(p):.2%}")
    panel = draw_panel(allocation, seed)
    click.echo(f"Panel drawn with seed {seed} (lines of {click.format_filename(respondents)}):")
    click.echo(" ".join(str(i + 2) for i in panel))
