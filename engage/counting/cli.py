"""flask --app engage count FILE [options]

Counts any ballot file without the database or the web app (the command is registered
as a Flask plugin command, so Flask does not build the app to run it): BLT, Engage's
CSV, and cast vote records as counting offices publish them (the long CSV of
Burlington 2009, NIST's Common Data Format, ES&S spreadsheets, a wide CSV), read by the
ballot rules given. A returning officer (or a sceptic) can recount a published ballot
download, or another tabulator's result, anywhere.
"""

import json

import click

from engage.counting.errors import CountingError
from engage.counting.methods import METHODS, count, default_method
from engage.counting.options import SURPLUS_TRANSFERS, THRESHOLDS, TIE_BREAKS, CountOptions
from engage.counting.report import format_report, unfilled_text
from engage.counting.rules import BallotRules
from engage.counting.sources import FORMATS, Columns, Source, read_source


def _skipped(value: str | None) -> int | None:
    if value is None or value == "any":
        return None
    if value.isdigit():
        return int(value)
    raise click.BadParameter(
        "give a whole number of blank ranks, or 'any'", param_hint="--skipped-ranks"
    )


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
    help="Seats to fill. Default: a BLT file's own figure; 1 otherwise.",
)
@click.option("--seed", help="Seed for any lot (recorded in the result). Default: a random one.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--input-format",
    type=click.Choice(FORMATS),
    help="The file's format. Default: recognised from its content.",
)
@click.option(
    "--rank-column",
    "rank_columns",
    multiple=True,
    help="A wide CSV's rank columns, in order (repeat it). Default: every column whose "
    "header starts with 'rank' or reads like '1st choice'.",
)
@click.option("--weight-column", help="A wide CSV's column of ballot weights.")
@click.option("--id-column", help="A wide CSV's column of ballot ids (checked distinct).")
@click.option(
    "--overvote",
    type=click.Choice(["exhaust", "skip"]),
    default="exhaust",
    show_default=True,
    help="Cast vote records: two or more candidates at one rank end the ballot, or are "
    "passed over.",
)
@click.option(
    "--skipped-ranks",
    default="any",
    show_default=True,
    help="Cast vote records: blank ranks passed over before the next mark ('any', or N: "
    "more than N blank ranks in a row end the ballot).",
)
@click.option(
    "--repeated",
    type=click.Choice(["skip", "exhaust"]),
    default="skip",
    show_default=True,
    help="Cast vote records: a candidate ranked again is passed over, or ends the ballot.",
)
@click.option(
    "--batch-elimination",
    is_flag=True,
    help="Exclude together every candidate who cannot catch up.",
)
@click.option(
    "--continue-until-two", is_flag=True, help="IRV: go on excluding until two candidates remain."
)
@click.option("--threshold", type=click.Choice(THRESHOLDS), default="whole", show_default=True)
@click.option("--decimals", type=click.IntRange(0, 5), default=5, show_default=True)
@click.option(
    "--tie-break", type=click.Choice(TIE_BREAKS), default=TIE_BREAKS[0], show_default=True
)
@click.option(
    "--surplus-transfer",
    type=click.Choice(SURPLUS_TRANSFERS),
    default="scottish",
    show_default=True,
    help="STV: one surplus a stage (Scottish rules) or every surplus of a round (RCTab).",
)
def count_command(
    path: str,
    method: str | None,
    seats: int | None,
    seed: str | None,
    fmt: str,
    input_format: str | None,
    rank_columns: tuple[str, ...],
    weight_column: str | None,
    id_column: str | None,
    overvote: str,
    skipped_ranks: str,
    repeated: str,
    batch_elimination: bool,
    continue_until_two: bool,
    threshold: str,
    decimals: int,
    tie_break: str,
    surplus_transfer: str,
) -> None:
    """Count the ranked ballots in PATH and print every stage.

    Exits 1 with a one-line error for a bad file, a count with no valid ballots, or
    (after printing the count) a seat left unfilled.
    """
    if method == "irv" and seats is not None and seats > 1:
        raise click.ClickException("IRV elects one candidate; use --method stv for several seats.")
    try:
        rules = BallotRules(overvote=overvote, skipped=_skipped(skipped_ranks), repeated=repeated)
        options = CountOptions(
            batch_elimination=batch_elimination,
            continue_until_two=continue_until_two,
            threshold=threshold,
            decimals=decimals,
            tie_break=tie_break,
            surplus_transfer=surplus_transfer,
        )
        columns = Columns(rank_columns, weight_column, id_column)
        source = read_source(path, input_format, seats, rules, columns)
        election = source.election
        chosen = method or default_method(election.seats)
        if chosen == "irv" and election.seats > 1:
            click.echo(f"IRV fills one seat; the file asks for {election.seats}.", err=True)
        result = count(
            election,
            chosen,
            seed,
            options,
            source.ends,
            undervote=source.undervote,
            undeclared=source.undeclared,
        )
    except CountingError as error:
        raise click.ClickException(str(error)) from error
    if fmt == "json":
        data = result.to_dict()
        data.update(_reading(source))
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(_reading_text(source), nl=False)
        click.echo(format_report(result), nl=False)
        if result.empty:
            left = result.empty + result.exhausted
            click.echo(
                f"Ballot papers not counted at the end: {left:,} = {result.empty:,} that "
                "ranked no standing candidate before the ballot rules stopped them (left out "
                f"of the count) + {result.exhausted:,} exhausted."
            )
    if unfilled := unfilled_text(result):
        raise click.ClickException(unfilled + ".")


def _reading(source: Source) -> dict:
    """How a cast vote record was read, for the JSON: its format, the rules and what they
    did. Nothing for BLT or Engage's CSV, so a recount of a published ballot file gives
    exactly the JSON the published count has."""
    if source.rules is None and not source.notes:
        return {}
    found: dict = {"input_format": source.format}
    if source.rules is not None:
        found["ballot_rules"] = {**source.rules.to_dict(), "description": source.rules.describe()}
        found["inactive_by_reason"] = source.inactive
    if source.notes:
        found["notes"] = list(source.notes)
    return found


def _reading_text(source: Source) -> str:
    """Before the report: how a cast vote record was read (nothing for a clean file
    without notes, whose report starts with its title as it always has)."""
    if source.rules is None and not source.notes:
        return ""
    lines = [f"Read as {source.format}."]
    if source.rules is not None:
        lines.append(f"Ballot rules: {source.rules.describe()}")
        reasons = ", ".join(f"{name} {count:,}" for name, count in source.inactive.items() if count)
        if reasons:
            lines.append(f"Ballot papers by how their ranking ends: {reasons}.")
    lines += source.notes
    return "\n".join(lines) + "\n\n"
