"""How volunteers join a panel's pool: a letter's code, the form after the survey, or a
facilitator's list; and the invitation letters themselves.

A registration stores the answers to the quota questions, the sealed contact details and
a keyed hash of the household, and nothing else: no time, no request, no survey key.
The survey's thank-you page links to the form without anything of the answers, so the
two are separate requests with nothing in common but the visitor.
"""

import csv
import hashlib
import io
import random
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.ballot_box.codes import code_hash, new_code
from engage.panels.rules import require_manager
from engage.selection.contact_box import Contact, household_key, seal
from engage.selection.errors import RegistrationError, SelectionError
from engage.selection.keys import contact_key
from engage.selection.models import (
    FROM_LETTER,
    FROM_LIST,
    InvitationCode,
    Recruitment,
    Volunteer,
)
from engage.selection.recruitment import categories, note, published
from engage.timeutil import utcnow

MAX_LETTERS = 5000
LIMITS = {"name": 200, "email": 254, "phone": 40, "address": 400, "postcode": 12}


def _contact(values: dict[str, str]) -> tuple[Contact, dict[str, str]]:
    problems: dict[str, str] = {}
    clean = {field: (values.get(field) or "").strip() for field in LIMITS}
    for field, limit in LIMITS.items():
        if len(clean[field]) > limit:
            problems[field] = _("This must be %(limit)s characters or fewer.", limit=limit)
    if not clean["name"]:
        problems["name"] = _("Enter your name.")
    if not (clean["email"] or clean["phone"] or clean["address"]):
        problems["email"] = _(
            "Give an email address, a phone number or a postal address, so we can tell "
            "you if you are chosen."
        )
    elif clean["email"] and ("@" not in clean["email"] or clean["email"].startswith("@")):
        problems["email"] = _("Enter an email address like name@example.com.")
    return Contact(**clean), problems


def _features(
    recruitment: Recruitment, answers: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    found: dict[str, str] = {}
    problems: dict[str, str] = {}
    lang = str(get_locale() or "en") if has_request_context() else "en"
    for category, _label, quotas in categories(recruitment):
        value = (answers.get(category) or "").strip()
        if value not in {q.feature for q in quotas}:
            problems[category] = _(
                "Answer ‘%(question)s’.", question=quotas[0].category_label_in(lang)
            )
        else:
            found[category] = value
    return found, problems


def _require_open(recruitment: Recruitment) -> None:
    if not recruitment.registration_open or published(recruitment):
        raise RegistrationError({"": _("Registration for this panel has closed.")})
    if not recruitment.quotas:
        raise RegistrationError({"": _("This panel is not ready for registration yet.")})


def register(
    recruitment: Recruitment,
    answers: dict[str, str],
    contact_values: dict[str, str],
    source: str,
    *,
    letter_code: str | None = None,
) -> Volunteer:
    """Add a volunteer (flushes); ``RegistrationError`` names every field to fix."""
    _require_open(recruitment)
    features, problems = _features(recruitment, answers)
    contact, contact_problems = _contact(contact_values)
    problems.update(contact_problems)
    key = contact_key()
    household = household_key(key, contact.address, contact.postcode)
    invitation = None
    if source == FROM_LETTER:
        invitation = db.session.scalar(
            sa.select(InvitationCode).where(
                InvitationCode.panel_id == recruitment.panel_id,
                InvitationCode.code_hash == code_hash(letter_code or ""),
            )
        )
        if invitation is None:
            problems["code"] = _("Enter the code from your letter exactly as it is printed.")
        elif invitation.used:
            problems["code"] = _("This code has already been used to register.")
        else:
            household = household_key(key, f"letter {invitation.serial}", "")
    if problems:
        raise RegistrationError(problems)
    if invitation is not None:
        invitation.used = True
    volunteer = Volunteer(
        panel_id=recruitment.panel_id,
        features=features,
        household=household,
        contact=seal(key, contact),
        source=source,
    )
    db.session.add(volunteer)
    recruitment.needs_shuffle = True
    db.session.flush()
    return volunteer


# --- A facilitator's list ---------------------------------------------------------------

CONTACT_COLUMNS = ("name", "email", "phone", "address", "postcode")


def import_list(recruitment: Recruitment, text: str, user: User | None) -> int:
    """Add every volunteer of a CSV (``name,email,phone,address,postcode`` and a column
    per quota category), or none: ``SelectionError`` lists every bad line."""
    require_manager(user)
    if published(recruitment):
        raise SelectionError("The pool has been published: no one can be added now.")
    if not recruitment.quotas:
        raise SelectionError("Set the quotas first: the list needs a column for each category.")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {(c or "").strip() for c in reader.fieldnames or ()}
    wanted = [c for c, _, _ in categories(recruitment)]
    missing = [c for c in ("name", *wanted) if c not in columns]
    if missing:
        raise SelectionError(
            "The list was not imported.",
            [
                f"The first line must name the columns {', '.join(missing)} "
                "(and any of email, phone, address, postcode)."
            ],
        )
    problems: list[str] = []
    rows: list[tuple[dict[str, str], Contact]] = []
    for row in reader:
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        features, feature_problems = _features(recruitment, row)
        contact, contact_problems = _contact(row)
        found = [*feature_problems.values(), *contact_problems.values()]
        for message in found:
            problems.append(f"Line {reader.line_num}: {message}")
        if not found:
            rows.append((features, contact))
    if problems:
        raise SelectionError("The list was not imported: fix these lines and try again.", problems)
    if not rows:
        raise SelectionError("The list has no volunteers under its first line.")
    key = contact_key()
    for features, contact in rows:
        db.session.add(
            Volunteer(
                panel_id=recruitment.panel_id,
                features=features,
                household=household_key(key, contact.address, contact.postcode),
                contact=seal(key, contact),
                source=FROM_LIST,
            )
        )
    recruitment.needs_shuffle = True
    db.session.flush()
    note("import", user, recruitment, f"{len(rows)} volunteers from a list")
    return len(rows)


# --- Invitation letters ---------------------------------------------------------------


@dataclass(frozen=True)
class Letter:
    serial: int
    code: str
    address: list[str]


def _addresses(text: str) -> tuple[list[list[str]], list[str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if not header:
        return [], ["The address file is empty."]
    rows = [[cell.strip() for cell in row] for row in reader]
    rows = [[cell for cell in row if cell] for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return [], ["The address file has no addresses under its first line."]
    return rows, []


def sample_letters(
    recruitment: Recruitment, text: str, count: int, seed: int | None, user: User | None
) -> tuple[list[Letter], dict]:
    """Draw ``count`` addresses at random from an address file (a line per address, after
    a header line) and make a single-use registration code for each.

    The sample is documented so anyone with the file can check it: the file's SHA-256,
    its number of addresses, the seed, and the rule ``random.Random(seed).sample(range(N),
    count)`` over the data lines in file order. The addresses themselves are not stored:
    the letters exist only in the response that shows them.
    """
    require_manager(user)
    if published(recruitment):
        raise SelectionError("The pool has been published: send no more invitations.")
    rows, problems = _addresses(text)
    if problems:
        raise SelectionError("No letters were made.", problems)
    if not 1 <= count <= min(MAX_LETTERS, len(rows)):
        raise SelectionError(
            f"Choose between 1 and {min(MAX_LETTERS, len(rows))} letters: the file has "
            f"{len(rows)} addresses."
        )
    seed = secrets.randbits(32) if seed is None else seed
    picked = sorted(random.Random(seed).sample(range(len(rows)), count))  # noqa: S311  # nosec B311  # a documented, repeatable sample, not a secret
    first = (
        db.session.scalar(
            sa.select(sa.func.max(InvitationCode.serial)).where(
                InvitationCode.panel_id == recruitment.panel_id
            )
        )
        or 0
    ) + 1
    letters = []
    for serial, index in enumerate(picked, start=first):
        code = new_code()
        db.session.add(
            InvitationCode(panel_id=recruitment.panel_id, serial=serial, code_hash=code_hash(code))
        )
        letters.append(Letter(serial, code, rows[index]))
    batch = {
        "file_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "addresses": len(rows),
        "letters": count,
        "seed": seed,
        "serials": [first, first + count - 1],
        "made_at": utcnow().isoformat(),
        "by": user.name if user is not None else "",
    }
    recruitment.letter_batches = [*recruitment.letter_batches, batch]
    db.session.flush()
    note(
        "letters",
        user,
        recruitment,
        f"{count} letters from {len(rows)} addresses with seed {seed}, "
        f"serials {first} to {first + count - 1}",
    )
    return letters, batch


def letter_counts(recruitment: Recruitment) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(InvitationCode.used, sa.func.count())
        .where(InvitationCode.panel_id == recruitment.panel_id)
        .group_by(InvitationCode.used)
    ).all()
    counts = {bool(used): n for used, n in rows}
    return {"sent": sum(counts.values()), "used": counts.get(True, 0)}
