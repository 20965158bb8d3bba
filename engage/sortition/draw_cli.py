"""flask --app engage panel-draw POOL_FILE [--seed S] [--recompute] [--format text|json]

Re-run a citizens' panel draw from the published pool file (see
``engage.sortition.published``) without touching the database: the file is read and
checked, and the panel is drawn from the allocation it holds, so the result does not
depend on the solver. ``--recompute`` also runs LEXIMIN again on the file's pool and
quotas and compares each respondent's probability with the published one.
"""

import json

import click

from engage.sortition.leximin import leximin
from engage.sortition.panels import InfeasibleQuotas
from engage.sortition.published import PublishedPool, check, draw, loads

RECOMPUTE_TOLERANCE = 1e-6
SHOWN = 5  # mismatches named in the error


def _read(path: str) -> PublishedPool:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{path}: cannot be read: {error}") from error
    try:
        published = loads(text)
        check(published)
    except ValueError as error:
        raise click.ClickException(f"{path}: {error}") from error
    return published


def recompute(published: PublishedPool) -> dict:
    """LEXIMIN run again on the file's pool: the largest difference from the published
    probabilities and every respondent whose probability differs by more than 1e-6."""
    try:
        fresh = leximin(
            published.pool, published.panel_size, households=published.households is not None
        )
    except (ValueError, InfeasibleQuotas) as error:
        raise click.ClickException(f"LEXIMIN could not be recomputed: {error}") from error
    listed = published.allocation.agent_probabilities
    differences = [abs(a - b) for a, b in zip(listed, fresh.agent_probabilities, strict=True)]
    mismatches = [
        {"pool_number": i + 1, "published": listed[i], "recomputed": fresh.agent_probabilities[i]}
        for i, difference in enumerate(differences)
        if not difference <= RECOMPUTE_TOLERANCE
    ]
    return {
        "matches": not mismatches,
        "tolerance": RECOMPUTE_TOLERANCE,
        "largest_difference": max(differences),
        "mismatches": mismatches,
    }


@click.command("panel-draw")
@click.argument("pool_file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    help="The published seed; by default the one in POOL_FILE.",
)
@click.option(
    "--recompute",
    "recompute_flag",
    is_flag=True,
    help="Also run LEXIMIN again and compare each probability with the published one.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def panel_draw_command(pool_file: str, seed: int | None, recompute_flag: bool, fmt: str) -> None:
    """Re-run a citizens' panel draw from its published pool file: the selected pool
    numbers, drawn with SEED (or the file's seed) from the allocation in the file."""
    published = _read(pool_file)
    if seed is None:
        seed = published.seed
    if seed is None:
        raise click.ClickException(
            f'{pool_file} has no seed yet ("seed": null): give one with --seed'
        )
    selected = list(draw(published, seed))
    report = recompute(published) if recompute_flag else None
    if fmt == "json":
        found: dict = {"seed": seed, "selected": selected}
        if report is not None:
            found["recomputed"] = report
        click.echo(json.dumps(found))
    else:
        title = f" from {published.title}" if published.title else ""
        own = published.seed
        note = f"; the file's seed is {own}" if own is not None and own != seed else ""
        click.echo(f"Panel drawn with seed {seed}{title} (pool numbers{note}):")
        click.echo(" ".join(str(number) for number in selected))
        if report is not None and report["matches"]:
            click.echo(
                "Recomputed LEXIMIN: every respondent's probability matches the published one"
                f" within {RECOMPUTE_TOLERANCE:g}"
                f" (largest difference {report['largest_difference']:.1e})."
            )
    if report is not None and not report["matches"]:
        shown = "; ".join(
            f"pool number {m['pool_number']} published {m['published']:.6f},"
            f" recomputed {m['recomputed']:.6f}"
            for m in report["mismatches"][:SHOWN]
        )
        more = len(report["mismatches"]) - SHOWN
        raise click.ClickException(
            f"Recomputed LEXIMIN probabilities differ from the published ones by more than"
            f" {RECOMPUTE_TOLERANCE:g} for {len(report['mismatches'])} respondent(s): {shown}"
            + (f"; and {more} more" if more > 0 else "")
        )
