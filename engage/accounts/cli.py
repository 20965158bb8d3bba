"""flask --app engage create-user EMAIL --role ROLE [--agency SLUG]"""

import sys

import click

from engage.accounts.models import ROLES
from engage.accounts.services import AccountError
from engage.accounts.services import create_user as create_account
from engage.extensions import db
from engage.partnership.services import agencies, agency_by_slug, current_partnership


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The account's role.")
@click.option("--agency", "agency_slug", help="Slug of the user's agency (see the error list).")
@click.option("--name", default="", help="The person's name.")
def create_user(email: str, role: str, agency_slug: str | None, name: str) -> None:
    """Create a staff account. The password is read from a prompt, or from stdin when piped."""
    partnership = current_partnership()
    if partnership is None:
        raise click.ClickException(
            "No partnership exists yet. Run 'flask --app engage seed-demo' first."
        )
    members = agencies(partnership)
    if agency_slug:
        agency = agency_by_slug(partnership, agency_slug)
    elif len(members) == 1:
        agency = members[0]
    else:
        agency = None
    if agency is None:
        slugs = ", ".join(a.slug for a in members)
        raise click.ClickException(f"Give --agency as one of: {slugs}.")
    password = _read_password()
    try:
        user = create_account(email, password, role, agency, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} ({agency.name}).")
