"""Whether a password is good enough for a staff account: pure, no Flask.

Staff accounts read row-level answers about crime, health and neighbours, so a
password must be long and hard to guess. zxcvbn estimates the guesses an attacker
needs, counting dictionary words, names, keyboard patterns, dates and repeats, and
words the attacker knows about the person (their email, name and agency).
"""

import re
from collections.abc import Iterable

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
# zxcvbn's score 3: about 10^8 guesses, safe against online guessing under the throttle
# and slow (scrypt) against an offline attack on a stolen hash.
MIN_SCORE = 3
ADVICE = "Three or four unrelated words, or a password from a password manager, work well."


def known_words(*values: str) -> list[str]:
    """Words an attacker would try first: the parts of an email address and names."""
    words: list[str] = []
    for value in values:
        words.extend(part for part in re.split(r"[^\w]+", value.lower()) if len(part) > 2)
    return words


def password_problem(password: str, known: Iterable[str] = ()) -> str | None:
    """What is wrong with ``password``, as advice on what to choose instead, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must be at least {MIN_PASSWORD_LENGTH} characters. {ADVICE}"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"The password must be {MAX_PASSWORD_LENGTH} characters or fewer."
    from zxcvbn import zxcvbn

    found = zxcvbn(password[:100], user_inputs=[w for w in known if w])
    if found["score"] >= MIN_SCORE:
        return None
    warning = (found["feedback"].get("warning") or "").strip().rstrip(".")
    why = f" ({warning[0].lower()}{warning[1:]})" if warning else ""
    return f"Choose a password that is harder to guess{why}. {ADVICE}"
