"""flask --app engage count FILE [--method irv|stv] [--seats N] [--seed S] [--format text|json]

Counts any BLT or Engage CSV ballot file without touching the database, so a
returning officer (or a sceptic) can recount a published ballot download anywhere.
"""

import click

from engage.counting.errors import CountingError
from engage.counting.files import load_ballot_file
from engage.counting.methods import METHODS, count, default_method
from engage.counting.report import format_report, unfilled_text


@click.command("count")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--method",
    type=click.Choice(METHODS),
    help="Default: stv when more than one seat is to be filled, else irv.",
)
@click.option(
    "--seats",
    type=click.IntRange(min=1),
    help="Seats to fill. Default: a BLT file's own figure; 1 for CSV.",
)
@click.option("--seed", help="Seed for any lot (recorded in the result). Default: a random one.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def count_command(
    path: str, method: str | None, seats: int | None, seed: str | None, fmt: str
) -> None:
    """Count the ranked ballots in PATH (BLT or CSV) and print every stage.

    Exits 1 with a one-line error for a bad file, a count with no valid ballots, or
    (after printing the count) a seat left unfilled.
    """
    if method == "irv" and seats is not None and seats > 1:
        raise click.ClickException("IRV elects one candidate; use --method stv for several seats.")
    try:
        election = load_ballot_file(path, seats)
        chosen = method or default_method(election.seats)
        if chosen == "irv" and election.seats > 1:
            click.echo(f"IRV fills one seat; the file asks for {election.seats}.", err=True)
        result = count(election, chosen, seed)
    except CountingError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        click.echo(result.to_json())
    else:
        click.echo(format_report(result), nl=False)
    if unfilled := unfilled_text(result):
        raise click.ClickException(unfilled + ".")
