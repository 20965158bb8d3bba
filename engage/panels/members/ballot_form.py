"""The ballot as a plain form: one numbered select per option, named ``rank-<option id>``.

This is the form that works everywhere; ballot.js only rearranges how it is
filled in, and posts the same selects. ``ballots.check_ranks`` decides what is
acceptable; the helpers here say which select a refusal points at and build
the select, confirmation and script parameters in the member's language.
"""

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import get_locale, gettext

from engage.panels.models import PriorityVote, VoteOption


def field_name(option: VoteOption) -> str:
    return f"rank-{option.id}"


def submitted_ranks(vote: PriorityVote, form: Mapping[str, str]) -> dict[int, str]:
    """Option id → the rank chosen (blank when not ranked), for every option on the ballot."""
    return {o.id: (form.get(field_name(o)) or "").strip() for o in vote.active_options}


def _whole(value: str) -> int | None:
    # Read as ballots.check_ranks reads it; "²" passes isdigit() but int() refuses it.
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if number >= 1 else None


def problem_options(vote: PriorityVote, ranks: Mapping[int, str]) -> list[int]:
    """The options whose ranks were refused (repeated, or not a rank), in ballot order.

    With none of those, the refusal was an empty ballot: the first option is meant.
    """
    given = {oid: _whole(value) for oid, value in ranks.items() if value}
    counts = Counter(rank for rank in given.values() if rank is not None)
    wrong = [
        o.id
        for o in vote.active_options
        if o.id in given and ((rank := given[o.id]) is None or counts[rank] > 1)
    ]
    return wrong or [vote.active_options[0].id]


def place(number: int) -> str:
    """A place in the ranking: "1st", "2nd" in English; the number in other languages,
    whose messages put it in their own words."""
    if str(get_locale() or "en") != "en":
        return str(number)
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def select_params(
    vote: PriorityVote, ranks: Mapping[int, str], problems: list[int] | None = None
) -> list[dict]:
    """govukSelect parameters for each option: blank for not ranked, then 1 to n."""
    count = len(vote.active_options)
    problems = problems or []
    params = []
    for option in vote.active_options:
        chosen = ranks.get(option.id, "")
        items = [{"value": "", "text": gettext("Not ranked"), "selected": not chosen}]
        items += [
            {"value": str(n), "text": str(n), "selected": chosen == str(n)}
            for n in range(1, count + 1)
        ]
        item = {
            "id": field_name(option),
            "name": field_name(option),
            "label": {
                "text": gettext("Rank for ‘%(title)s’", title=option.title),
                "classes": "govuk-label--s",
            },
            "hint": {"text": option.description} if option.description else None,
            "items": items,
            "attributes": {"data-ballot-option": option.title},
        }
        if option.id in problems:
            item["errorMessage"] = {"text": gettext("Choose a different rank for this option")}
        params.append(item)
    return params


@dataclass(frozen=True)
class Ranked:
    place: str
    rank: int
    option: VoteOption


def confirmation(vote: PriorityVote, ranking: list[int]) -> tuple[list[Ranked], list[VoteOption]]:
    """The checked ranking as the member reads it back: ranked options, then the rest."""
    options = {o.id: o for o in vote.active_options}
    ranked = [Ranked(place(n), n, options[oid]) for n, oid in enumerate(ranking, 1)]
    unranked = [o for o in vote.active_options if o.id not in ranking]
    return ranked, unranked


def closed_up(ranking: list[int]) -> dict[int, str]:
    """The ranks to carry forward once gaps are closed: option id → "1", "2", …"""
    return {option_id: str(n) for n, option_id in enumerate(ranking, 1)}


def places_json(vote: PriorityVote) -> str:
    """Every place a ranking can have, for ballot.js's announcements."""
    return json.dumps([place(n) for n in range(1, len(vote.active_options) + 1)])
