"""Voter cards to print: each code with its pseudonym, serial and a QR code to sign in.

The plain codes exist only while one response is built (see ``codes``), so the
cards and the mail-merge CSV are made together, for that response alone.
"""

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request, url_for
from markupsafe import Markup
from werkzeug.routing import BuildError

from engage.events.qr import qr_svg
from engage.panels.ballot_box.codes import IssuedCode, codes_csv
from engage.panels.models import PriorityVote

CARDS_PER_SHEET = 8  # two across, four down, on A4


@dataclass(frozen=True)
class Card:
    serial: int
    code: str
    pseudonym: str
    qr: Markup


def entry_url(code: str | None = None) -> str:
    """The members' sign-in page in full, with the code after ``#`` when given: browsers
    do not send what follows ``#``, so the code reaches no server log; enter.js puts it
    in the form."""
    fragment = f"#{urlencode({'code': code})}" if code else ""
    try:
        return url_for("vote.enter", _external=True) + fragment
    except BuildError:  # the members' pages are not registered in this build
        return f"{request.url_root}vote/enter{fragment}"


def make_cards(issued: Sequence[IssuedCode]) -> list[Card]:
    return [
        Card(
            serial=item.serial,
            code=item.code,
            pseudonym=item.pseudonym,
            qr=qr_svg(
                entry_url(item.code),
                f"QR code to open the voting page with card {item.serial}’s code",
                scale=3,
                svg_class="engage-card__qr",
                mask=0,  # up to 2,000 cards at once
            ),
        )
        for item in issued
    ]


def sheets(cards: Sequence[Card]) -> list[Sequence[Card]]:
    """The cards a printed page at a time."""
    return [cards[i : i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]


def csv_href(vote: PriorityVote, issued: Sequence[IssuedCode]) -> str:
    """The mail-merge CSV as a data: link (with a byte-order mark, so Excel reads it as UTF-8)."""
    data = ("\ufeff" + codes_csv(vote, issued)).encode("utf-8")
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(data).decode("ascii")


def csv_filename(vote: PriorityVote, issued: Sequence[IssuedCode]) -> str:
    if not issued:
        return f"voter-codes-{vote.id}.csv"
    return f"voter-codes-{vote.id}-cards-{issued[0].serial}-to-{issued[-1].serial}.csv"
