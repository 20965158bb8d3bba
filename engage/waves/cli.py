"""flask --app engage waves add NAME --since DATE --until DATE (or --event ID ...)
flask --app engage waves list
flask --app engage areas load-attributes FILE.csv"""

from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from engage.extensions import db
from engage.partnership.services import areas, current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results import engine
from engage.waves import attribute_file, attributes, services
from engage.waves.comparison import wave_rows


def _questionnaire() -> Questionnaire:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise click.ClickException("There is no questionnaire yet, so no waves.")
    return questionnaire


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise click.ClickException(
            f"{option} ‘{text}’ is not a date: write it as YYYY-MM-DD, such as 2026-03-01."
        ) from error


@click.group("waves")
def waves_group() -> None:
    """Waves of the survey: named date ranges or sets of events, to compare."""


@waves_group.command("add")
@click.argument("name")
@click.option("--since", help="The wave's first day (YYYY-MM-DD).")
@click.option("--until", help="The wave's last day (YYYY-MM-DD).")
@click.option("--event", "events", type=int, multiple=True, help="An event's id (repeatable).")
@with_appcontext
def add(name: str, since: str | None, until: str | None, events: tuple[int, ...]) -> None:
    """Add the wave NAME: the responses from --since to --until, or those of --event."""
    questionnaire = _questionnaire()
    fields = services.WaveFields(
        name, _date(since, "--since"), _date(until, "--until"), list(events)
    )
    try:
        wave = services.create_wave(questionnaire, fields)
    except services.WaveError as refused:
        db.session.rollback()
        raise click.ClickException(
            "The wave was not added:\n" + "\n".join(f"  {p}." for p in refused.problems.values())
        ) from refused
    db.session.commit()
    click.echo(f"Added the wave ‘{wave.name}’: {_described(questionnaire, wave)}.")


@waves_group.command("list")
@with_appcontext
def list_waves() -> None:
    """Each wave: what it covers, and how many responses it has."""
    questionnaire = _questionnaire()
    found = services.waves(questionnaire)
    if not found:
        click.echo("No waves yet.")
        return
    view = engine.view(questionnaire)
    for wave in found:
        count = len(wave_rows(view, wave))
        click.echo(
            f"{wave.id}  {wave.name}: {_described(questionnaire, wave)}; {count:,} responses"
        )


def _described(questionnaire: Questionnaire, wave) -> str:
    return services.describe(wave, services.events_of(questionnaire))


@click.group("areas")
def areas_group() -> None:
    """Facts about the wards (area attributes) that results can be grouped by."""


@areas_group.command("load-attributes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_attributes(file: Path) -> None:
    """Load FILE (a CSV with the header area,attribute,value), replacing the values of
    each attribute it names."""
    partnership = current_partnership()
    if partnership is None:
        raise click.ClickException("There is no partnership yet, so no wards.")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file} is not UTF-8 text: save it as CSV UTF-8.") from error
    try:
        found = attribute_file.read(text, [area.code for area in areas(partnership)])
    except attribute_file.AttributeFileError as refused:
        raise click.ClickException(
            "Nothing was loaded:\n" + "\n".join(f"  {p}" for p in refused.problems)
        ) from refused
    attributes.load(partnership, found)
    db.session.commit()
    for name, values in found.values.items():
        click.echo(f"Loaded {name} for {len(values)} ward{'s' if len(values) != 1 else ''}.")
