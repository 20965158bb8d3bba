"""flask --app engage create-user EMAIL --role ROLE [--agency SLUG]
flask --app engage users grant-free-text EMAIL [--revoke]"""

import sys

import click

from engage.accounts.models import ROLES
from engage.accounts.services import AccountError, find_user
from engage.accounts.services import create_user as create_account
from engage.audit.services import ADMIN as ADMIN_ACTION
from engage.audit.services import record
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


@click.group("users")
def users() -> None:
    """Manage staff accounts."""


@users.command("grant-free-text")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the access away instead.")
def grant_free_text(email: str, revoke: bool) -> None:
    """Let a user see free-text answers in downloads (or, with --revoke, stop them)."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No user has the email address {email}.")
    user.free_text_access = not revoke
    action = "users.revoke-free-text" if revoke else "users.grant-free-text"
    record(ADMIN_ACTION, action, None, detail=f"{user.email} (command line)")
    db.session.commit()
    verb = "no longer sees" if revoke else "now sees"
    click.echo(f"{user.email} {verb} free-text answers in downloads.")
