"""flask --app engage seed-demo"""

import click


@click.command("seed-demo")
def seed_demo() -> None:
    """Seed the demo partnership (idempotent)."""
    raise click.ClickException("TODO")
