"""flask --app engage questionnaire publish | status

Publishing from the command line goes through the same checks as the button on
the draft page, and prints every problem when it refuses.
"""

import click

from engage.audit import services as audit
from engage.extensions import db
from engage.partnership.services import current_partnership
from engage.questionnaire import services
from engage.questionnaire.models import DRAFT
from engage.questionnaire.services import PublishRefused


def _questionnaire():
    partnership = current_partnership()
    questionnaire = services.questionnaire_for(partnership) if partnership else None
    if questionnaire is None:
        raise click.ClickException("There is no questionnaire yet.")
    return questionnaire


@click.group("questionnaire")
def questionnaire_group() -> None:
    """The joint questionnaire: its versions, and publishing the draft."""


@questionnaire_group.command("status")
def status_command() -> None:
    """List the versions: published ones with their responses, and the draft."""
    questionnaire = _questionnaire()
    counts = services.response_counts(questionnaire)
    for version in sorted(questionnaire.versions, key=lambda v: v.number):
        if version.status == DRAFT:
            click.echo(f"Version {version.number}: draft, {len(version.questions)} questions")
        else:
            click.echo(
                f"Version {version.number}: published, {len(version.questions)} questions, "
                f"{counts.get(version.id, 0):,} responses"
            )


@questionnaire_group.command("publish")
def publish_command() -> None:
    """Publish the draft, as the draft page's button does; every problem if it cannot."""
    questionnaire = _questionnaire()
    draft = services.draft_version(questionnaire)
    if draft is None:
        raise click.ClickException("There is no draft to publish.")
    try:
        services.publish(draft)
    except PublishRefused as refusal:
        db.session.rollback()
        lines = "\n".join(f"- {problem}" for problem in refusal.problems)
        raise click.ClickException(
            f"Version {draft.number} was not published. Fix these in the draft:\n{lines}"
        ) from refusal
    audit.record(
        audit.ADMIN, "questionnaire.publish", None, detail=f"Version {draft.number} (command line)"
    )
    db.session.commit()
    click.echo(f"Version {draft.number} is published. Residents now answer it.")
