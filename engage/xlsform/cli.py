"""flask --app engage xlsform import FILE --agency SLUG [--user EMAIL] [--tag-matches]
    [--propose-new] [--as-questionnaire | --as-draft [--replace-draft]]
flask --app engage xlsform export --output FILE [--version N]
"""

import os

import click
from flask import current_app

from engage.accounts.services import find_user
from engage.extensions import db
from engage.partnership.services import agency_by_slug, current_partnership
from engage.questionnaire.services import current_version, questionnaire_for, version_by_number
from engage.xlsform import building, exporting, importing, mapping
from engage.xlsform.errors import FormError
from engage.xlsform.reading import read_form


@click.group("xlsform")
def xlsform() -> None:
    """Bring agencies' XLSForms into the question bank; export the questionnaire as one."""


def _not_imported(error: FormError | building.BuildRefused) -> click.ClickException:
    db.session.rollback()
    if isinstance(error, building.BuildRefused):
        lines = "\n".join(f"- {problem}" for problem in error.problems)
        return click.ClickException(f"Nothing was imported:\n{lines}")
    details = f"\n(pyxform said: {error.details})" if error.details else ""
    return click.ClickException(f"Nothing was imported. {error}{details}")


def _echo_report(rows: list[dict], notes: list[str]) -> None:
    for row in rows:
        where = f"Row {row['row']}" if row.get("row") else "Row ?"
        click.echo(
            f"{where:8} {row['name']:24} {row['written_type']:26} {importing.outcome_text(row)}"
        )
        for note in row.get("notes", []):
            click.echo(f"{'':10}{note}")
    for note in notes:
        click.echo(f"Note: {note}")


def _as_questionnaire(data: bytes, agency) -> None:
    try:
        plan = mapping.plan_form(read_form(data))
        version, notes = building.build_questionnaire(plan, agency)
    except (FormError, building.BuildRefused) as error:
        raise _not_imported(error) from error
    db.session.commit()
    click.echo(
        f"Published version {version.number} with {len(version.sections)} sections and "
        f"{len(version.questions)} questions, tagged to {agency.name}."
    )
    for item in plan.unsupported:
        click.echo(f"Not imported: row {item.row}, {item.written_type}: {item.reason}.")
    for question in plan.questions:
        for note in question.notes:
            click.echo(f"Row {question.row} ({question.code}): {note}")
    for note in plan.notes + notes:
        click.echo(f"Note: {note}")


def _as_draft(data: bytes, agency, replace_draft: bool) -> None:
    try:
        draft, notes = building.draft_from_workbook(data, agency, None, replace_draft)
    except (FormError, building.BuildRefused) as error:
        raise _not_imported(error) from error
    db.session.commit()
    click.echo(
        f"Version {draft.number} is now a draft with {len(draft.sections)} sections and "
        f"{len(draft.questions)} questions. Check it, then publish it with "
        "`flask --app engage questionnaire publish`."
    )
    for line in notes or ["No change against the current version."]:
        click.echo(line)


@xlsform.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--agency", "slug", required=True, help="The slug of the agency whose form it is.")
@click.option("--user", "email", help="Who proposes and tags; needed with the two options below.")
@click.option("--tag-matches", is_flag=True, help="Tag the agency onto every matched question.")
@click.option("--propose-new", is_flag=True, help="Propose every new question to the admins.")
@click.option(
    "--as-questionnaire",
    is_flag=True,
    help="Publish the form as the first questionnaire (only when there is none yet).",
)
@click.option(
    "--as-draft",
    is_flag=True,
    help="Make the workbook (an edited export) the next draft of the questionnaire.",
)
@click.option("--replace-draft", is_flag=True, help="With --as-draft: replace an open draft.")
def import_command(
    file: str,
    slug: str,
    email: str | None,
    tag_matches: bool,
    propose_new: bool,
    as_questionnaire: bool,
    as_draft: bool,
    replace_draft: bool,
) -> None:
    """Read an agency's XLSForm and report which questions the questionnaire already asks."""
    partnership = current_partnership()
    agency = agency_by_slug(partnership, slug) if partnership else None
    if agency is None:
        raise click.ClickException(f"There is no agency with the slug ‘{slug}’.")
    with open(file, "rb") as handle:
        data = handle.read()
    if as_questionnaire and as_draft:
        raise click.ClickException("Choose one of --as-questionnaire and --as-draft.")
    if replace_draft and not as_draft:
        raise click.ClickException("--replace-draft goes with --as-draft.")
    if as_questionnaire:
        _as_questionnaire(data, agency)
        return
    if as_draft:
        _as_draft(data, agency, replace_draft)
        return
    user = find_user(email) if email else None
    if email and user is None:
        raise click.ClickException(f"There is no user with the email ‘{email}’.")
    if (tag_matches or propose_new) and user is None:
        raise click.ClickException("--tag-matches and --propose-new need --user EMAIL.")
    threshold = int(current_app.config.get("ENGAGE_MATCH_THRESHOLD", 60))
    try:
        form_import = importing.start_import(agency, user, os.path.basename(file), data, threshold)
    except FormError as error:
        raise _not_imported(error) from error
    except importing.ImportRefused as refused:
        raise click.ClickException(str(refused)) from refused
    tagged = importing.tag_all(form_import, user) if tag_matches and user else 0
    proposed = importing.propose_new(form_import, user) if propose_new and user else 0
    db.session.commit()
    _echo_report(form_import.rows, form_import.report.get("notes", []))
    counts = importing.counts(form_import)
    click.echo(
        f"{counts['asked']} already asked, {counts['new']} new, "
        f"{counts['unsupported']} not supported."
    )
    if tag_matches:
        click.echo(f"Tagged {agency.name} onto {tagged} questions.")
    if propose_new:
        click.echo(f"Proposed {proposed} new questions.")
    base = current_app.config.get("ENGAGE_BASE_URL", "").rstrip("/")
    click.echo(f"The report: {base}/bank/imports/{form_import.id}")


@xlsform.command("export")
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option(
    "--version", "number", type=int, help="A published version; the current one if left out."
)
def export_command(output: str, number: int | None) -> None:
    """Write the published questionnaire as an XLSForm, and check that pyxform converts it."""
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise click.ClickException("There is no questionnaire yet, so nothing to export.")
    version = version_by_number(questionnaire, number) if number else current_version(questionnaire)
    if version is None or version.is_draft:
        raise click.ClickException(
            f"Version {number} is not a published version."
            if number
            else "Nothing is published yet."
        )
    data = exporting.export(version)
    with open(output, "wb") as handle:
        handle.write(data)
    warnings = exporting.conversion_warnings(data)
    click.echo(f"Wrote version {version.number} ({len(version.questions)} questions) to {output}.")
    if warnings:
        click.echo("pyxform warns:\n" + "\n".join(f"- {w}" for w in warnings))
    else:
        click.echo("pyxform converts it to an XForm without warnings.")
