"""Single-use voter codes: who may propose, comment and cast one ballot.

A code is 12 characters from a 31-character alphabet with no look-alikes
(no 0/O, 1/I/L), printed in groups: ``K7QD-M2XH-9RTF``. That is about 59 bits of
chance, too many to guess even with the hash in hand for the life of a vote.

Only a SHA-256 hash of each code is stored, so Engage cannot hand a code out
again. ``generate_codes`` returns the plain codes once, like an API token: the
web layer must show them in the response to the same request that made them (a
print page of cards, with a CSV for mail merge built from ``codes_csv`` in that
response, sent with ``Cache-Control: no-store``). A lost card or batch is
cancelled by its serial numbers with ``void_codes`` and replaced by new codes.

Each code has a random two-word pseudonym ("Amber Heron") that members appear
under in proposals and deliberation; it says nothing about the serial or the
member. Voting marks the code used and nothing more (see ``ballots``).
"""

import csv
import hashlib
import io
import itertools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from engage.accounts.models import User
from engage.exports.cells import neutralise
from engage.extensions import db
from engage.panels.errors import CodeError, PanelError
from engage.panels.models import CLOSED, PUBLISHED, PriorityVote, VoterCode
from engage.panels.rules import note, require_manager

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
GROUP = 4
MAX_BATCH = 2000

ADJECTIVES = (  # noqa: SIM905  (a paragraph of words reads better than a list)
    "Amber Azure Bold Brave Bright Calm Clever Coral Crimson Daring Eager Fair Gentle "
    "Golden Happy Hazel Honest Ivory Jolly Keen Kind Lively Loyal Lucky Merry Mighty "
    "Misty Noble Olive Patient Proud Quick Quiet Rosy Ruby Sandy Silver Steady Sunny "
    "Swift Tidy True Velvet Warm Wise Witty Young Zesty"
).split()
NOUNS = (  # noqa: SIM905
    "Alder Badger Beech Bluebell Bramble Cedar Clover Crane Daisy Dove Falcon Fern "
    "Finch Fox Hare Hawthorn Hazel Heron Holly Ivy Kestrel Lark Linnet Maple Marten "
    "Meadow Otter Owl Pebble Pine Plover Poppy Robin Rowan Sparrow Swallow Swift "
    "Teasel Thistle Thrush Wagtail Willow Wren Yarrow Acorn Birch Curlew Osprey"
).split()


@dataclass(frozen=True)
class IssuedCode:
    """A code as handed out once: the plain text exists only in this object."""

    serial: int
    code: str
    pseudonym: str


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalise(code: str) -> str:
    """The code as hashed: capitals, without the spaces and dashes people type."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("ascii", "replace")).hexdigest()


def _pseudonyms(taken: set[str], count: int) -> list[str]:
    """``count`` random names not yet used in the vote; once every pair is taken, the
    pairs again with a number ("Amber Heron 2", then 3, ...)."""
    pairs = [f"{a} {n}" for a, n in itertools.product(ADJECTIVES, NOUNS) if a != n]
    rng = secrets.SystemRandom()
    names: list[str] = []
    for number in itertools.count(1):
        if len(names) >= count:
            break
        suffix = "" if number == 1 else f" {number}"
        free = [name + suffix for name in pairs if name + suffix not in taken]
        rng.shuffle(free)
        names += free[: count - len(names)]
    return names


def generate_codes(vote: PriorityVote, count: int, user: User | None) -> list[IssuedCode]:
    """Make ``count`` new codes; their plain text is returned now and never again."""
    require_manager(user)
    if vote.phase in (CLOSED, PUBLISHED):
        raise PanelError("Voting has closed, so no more codes can be made for this vote.")
    if not 1 <= count <= MAX_BATCH:
        raise PanelError(f"Make between 1 and {MAX_BATCH} codes at a time.")
    existing = db.session.execute(
        sa.select(VoterCode.serial, VoterCode.pseudonym).where(VoterCode.vote_id == vote.id)
    ).all()
    first = max((serial for serial, _ in existing), default=0) + 1
    names = _pseudonyms({name for _, name in existing}, count)
    issued = []
    for serial, name in zip(range(first, first + count), names, strict=True):
        code = new_code()
        db.session.add(
            VoterCode(vote_id=vote.id, serial=serial, code_hash=code_hash(code), pseudonym=name)
        )
        issued.append(IssuedCode(serial, code, name))
    db.session.flush()
    note("codes.generate", user, vote, f"{count} codes, serials {first} to {first + count - 1}")
    return issued


def codes_csv(vote: PriorityVote, issued: Iterable[IssuedCode]) -> str:
    """The codes for a mail merge: one row per card."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["serial", "code", "pseudonym", "vote"])
    for item in issued:
        writer.writerow([item.serial, item.code, item.pseudonym, neutralise(vote.title)])
    return out.getvalue()


def find_code(vote: PriorityVote, code: str | None) -> VoterCode | None:
    """The vote's code with this plain text, cancelled or not; None if there is none."""
    if not code or not isinstance(code, str):
        return None
    digest = code_hash(code)
    found = db.session.scalar(
        sa.select(VoterCode).where(VoterCode.vote_id == vote.id, VoterCode.code_hash == digest)
    )
    # The lookup is by a unique index; compare again in constant time all the same.
    if found is None or not secrets.compare_digest(found.code_hash, digest):
        return None
    return found


def member_for_code(vote: PriorityVote, code: str | None) -> VoterCode:
    """The member a typed code stands for, or a message saying what is wrong with it."""
    found = find_code(vote, code)
    if found is None:
        raise CodeError("That code is not recognised for this vote. Check it against your card.")
    if found.voided:
        raise CodeError("That code has been cancelled. Ask the facilitator for a new card.")
    return found


def void_codes(vote: PriorityVote, serials: Iterable[int], user: User | None) -> int:
    """Cancel lost or spare cards by serial; a code already used to vote stays counted."""
    require_manager(user)
    wanted = sorted(set(serials))
    codes = list(
        db.session.scalars(
            sa.select(VoterCode).where(VoterCode.vote_id == vote.id, VoterCode.serial.in_(wanted))
        )
    )
    unknown = sorted(set(wanted) - {c.serial for c in codes})
    if unknown:
        raise PanelError(f"No card with serial {', '.join(map(str, unknown))} for this vote.")
    for code in codes:
        code.voided = True
    db.session.flush()
    note("codes.void", user, vote, "serials " + ", ".join(map(str, wanted)))
    return len(codes)


def code_counts(vote: PriorityVote) -> dict[str, int]:
    """Codes issued, cancelled and used to vote (turnout), for the facilitator."""
    issued, voided, used = db.session.execute(
        sa.select(
            sa.func.count(VoterCode.id),
            sa.func.count(VoterCode.id).filter(VoterCode.voided.is_(True)),
            sa.func.count(VoterCode.id).filter(VoterCode.used.is_(True)),
        ).where(VoterCode.vote_id == vote.id)
    ).one()
    return {"issued": issued, "voided": voided, "used": used}
