"""flask --app engage stats [--json]"""

import json

import click

from engage.main.services import headline_stats


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats(as_json: bool) -> None:
    """Figures for the current published questionnaire and its responses."""
    figures = headline_stats()
    if as_json:
        click.echo(json.dumps(figures, sort_keys=True))
        return
    for key, value in figures.items():
        click.echo(f"{key.replace('_', ' ')}: {value}")
