"""flask --app engage export responses --format FORMAT --output PATH [--ward CODE] [--since DATE]

Command-line downloads include free text (whoever runs them can read the database
anyway) and are recorded in the audit trail with no user.
"""

import time

import click

from engage.exports import services, values
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.partnership.services import current_partnership
from engage.questionnaire.services import questionnaire_for
from engage.results.filters import parse_filters


@click.group("export")
def export() -> None:
    """Row-level downloads of the responses."""


@export.command("responses")
@click.option(
    "--format", "fmt", type=click.Choice(list(services.FORMATS)), default="csv", show_default=True
)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--ward", multiple=True, help="An area code; repeat for several wards.")
@click.option("--since", help="Only responses from this date on (YYYY-MM-DD).")
@click.option("--until", help="Only responses up to this date (YYYY-MM-DD).")
@click.option(
    "--values",
    "style",
    type=click.Choice(values.STYLES),
    default=values.DEFAULT,
    show_default=True,
    help="How option answers are written in CSV, JSON Lines and XLSX.",
)
@click.option("--labels", is_flag=True, help="The same as --values labels.")
@click.option(
    "--lang",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The language of question and option labels (English where not translated).",
)
def responses(
    fmt: str,
    output: str,
    ward: tuple[str, ...],
    since: str | None,
    until: str | None,
    style: str,
    labels: bool,
    lang: str,
) -> None:
    """Write every response (or those matching the filters) to OUTPUT."""
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise click.ClickException("There is no questionnaire yet, so nothing to export.")
    filters, errors = parse_filters({"ward": list(ward), "since": since, "until": until})
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    started = time.perf_counter()
    chosen = services.FORMATS[fmt]
    style = services.style_for(chosen, values.LABELS if labels else style)
    download = services.prepare(questionnaire, filters, True, None, style, lang)
    services.record_download(download, chosen, None, style, via="command line")
    db.session.commit()
    services.write_file(download, chosen, output, style)
    seconds = time.perf_counter() - started
    codebook = fmt in services.CODEBOOKS
    what = "questions" if codebook else "responses"
    count = len(download.plan.layout.questions) if codebook else download.rows
    click.echo(f"Wrote {count:,} {what} to {output} in {seconds:.1f} s.")
