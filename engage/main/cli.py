"""flask --app engage stats [--json]"""

import json

import click

from engage.events.services import kiosk_links
from engage.main.services import headline_stats
from engage.partnership.services import current_partnership


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def stats(as_json: bool) -> None:
    """Figures for the current published questionnaire and its responses, and event links."""
    figures = headline_stats()
    # Absolute links built from ENGAGE_BASE_URL, since there is no request to take a host from.
    figures["events"] = kiosk_links(current_partnership())
    if as_json:
        click.echo(json.dumps(figures, sort_keys=True))
        return
    for key, value in figures.items():
        if key == "events":
            click.echo(f"events: {len(value)}")
            for event in value:
                link = event["kiosk_url"] or "link not shown (issued before links were hashed)"
                click.echo(f"  {event['name']}: {link}")
            continue
        click.echo(f"{key.replace('_', ' ')}: {value}")
