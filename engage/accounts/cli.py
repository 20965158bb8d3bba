"""Staff accounts on the command line, for setting up and for incidents.

flask --app engage create-user EMAIL --role ROLE [--agency SLUG] [--name NAME]
flask --app engage users list
flask --app engage users set-password EMAIL
flask --app engage users deactivate EMAIL
flask --app engage users reactivate EMAIL
flask --app engage users set-role EMAIL ROLE
flask --app engage users grant-free-text EMAIL [--revoke]

Passwords are read from a prompt, or from stdin when piped. Every change is on the
audit trail as a command-line action.
"""

import sys

import click

from engage.accounts import services
from engage.accounts.models import ROLE_LABELS, ROLES, User
from engage.accounts.services import AccountError, find_user
from engage.audit.services import ADMIN as ADMIN_ACTION
from engage.audit.services import record
from engage.extensions import db
from engage.partnership.services import agencies, agency_by_slug, current_partnership


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _user(email: str) -> User:
    user = find_user(email)
    if user is None:
        raise click.ClickException(
            f"No user has the email address {email}. 'flask users list' shows every account."
        )
    return user


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
    if find_user(email) is not None:
        raise click.ClickException(
            f"An account for {services.normalise_email(email)} already exists. To change its "
            f"password, run 'flask users set-password {services.normalise_email(email)}'."
        )
    password = _read_password()
    try:
        user = services.create_user(email, password, role, agency, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    record(ADMIN_ACTION, "users.create", None, detail=f"{user.email} (command line)")
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} ({agency.name}).")


@click.group("users")
def users() -> None:
    """Manage staff accounts."""


@users.command("list")
def list_users() -> None:
    """Every account: email, role, agency, active or not, free-text access."""
    for user in services.all_users():
        state = "active" if user.active else "deactivated"
        free_text = ", free text" if user.free_text_access else ""
        click.echo(
            f"{user.email}\t{ROLE_LABELS[user.role]}\t{user.agency.name}\t{state}{free_text}"
        )


@users.command("set-password")
@click.argument("email")
def set_password(email: str) -> None:
    """Set a new password (from a prompt, or stdin when piped); every session and token ends."""
    user = _user(email)
    password = _read_password()
    try:
        services.set_password(user, password, None)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"New password set for {user.email}. Their sessions and API tokens have ended.")


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop an account working at once: its sessions and API tokens end."""
    user = _user(email)
    try:
        changed = services.deactivate(user, None)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if changed:
        click.echo(f"{user.email} is deactivated. Their sessions and API tokens have ended.")
    else:
        click.echo(f"{user.email} was already deactivated.")


@users.command("reactivate")
@click.argument("email")
def reactivate(email: str) -> None:
    """Let an account sign in again. Its old sessions and API tokens stay ended."""
    user = _user(email)
    changed = services.reactivate(user, None)
    db.session.commit()
    if changed:
        click.echo(f"{user.email} can sign in again; old sessions and API tokens stay ended.")
    else:
        click.echo(f"{user.email} was already active.")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role(email: str, role: str) -> None:
    """Change an account's role; its sessions and API tokens end."""
    user = _user(email)
    try:
        changed = services.set_role(user, role, None)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if changed:
        click.echo(f"{user.email} is now {ROLE_LABELS[role].lower()}; sessions and tokens ended.")
    else:
        click.echo(f"{user.email} already had the role {ROLE_LABELS[role].lower()}.")


@users.command("grant-free-text")
@click.argument("email")
@click.option("--revoke", is_flag=True, help="Take the access away instead.")
def grant_free_text(email: str, revoke: bool) -> None:
    """Let a user see free-text answers in downloads (or, with --revoke, stop them)."""
    user = _user(email)
    user.free_text_access = not revoke
    action = "users.revoke-free-text" if revoke else "users.grant-free-text"
    record(ADMIN_ACTION, action, None, detail=f"{user.email} (command line)")
    db.session.commit()
    verb = "no longer sees" if revoke else "now sees"
    click.echo(f"{user.email} {verb} free-text answers in downloads.")
