"""flask --app engage tokens create EMAIL [--name NAME] | tokens revoke ID"""

import click

from engage.accounts.services import find_user
from engage.api import tokens
from engage.api.models import ApiToken
from engage.extensions import db


@click.group("tokens")
def tokens_group() -> None:
    """Personal API tokens for agencies' own tools."""


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="Command line", show_default=True, help="What the token is for.")
def create(email: str, name: str) -> None:
    """Create a token for an analyst or admin and print it; it is never shown again."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    try:
        token, plaintext = tokens.create_token(user, name, command_line=True)
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created token {token.id} ‘{token.name}’ for {user.email}.", err=True)
    click.echo("Copy it now: only a hash is kept, so it cannot be shown again.", err=True)
    click.echo(plaintext)


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
def revoke(token_id: int) -> None:
    """Revoke a token by its id; it stops working at once."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"There is no token with id {token_id}.")
    if not tokens.revoke(token, command_line=True):
        raise click.ClickException(f"Token {token_id} was already revoked.")
    db.session.commit()
    click.echo(f"Revoked token {token.id} ‘{token.name}’ of {token.user.email}.")
