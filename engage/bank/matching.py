"""Text logic for the question bank, with no Flask or database in it.

Question wordings differ in small ways ("How safe do you feel outside after
dark?" / "How safe do you feel when outside after dark?"), so texts are
compared after normalising: accents, case and punctuation go, and so do the
function words that nearly every question shares ("how", "do", "you", "your"),
which would otherwise make unrelated questions look alike. What is left is
compared word by word in any order (rapidfuzz's token sort ratio).
"""

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz

T = TypeVar("T")

# Words that nearly every question shares, so they say little about what it asks.
_FUNCTION_WORDS = """
a an the and or but if of in on at to for from by with about as into than then so do
does did you your yours we our us i me my is are was were be been being have has had
how what which who whom when where why whether there here this that these those it its
can could would should will shall may might any some all most more very much many often
"""
STOP_WORDS = frozenset(_FUNCTION_WORDS.split())
_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Match(Generic[T]):
    """A candidate whose text resembles the query, with a score from 0 to 100."""

    candidate: T
    score: int


def words(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``, apostrophes dropped ("don’t" -> "dont")."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = _APOSTROPHES.sub("", ascii_text.casefold())
    return _NOT_WORD.sub(" ", ascii_text).split()


def normalise(text: str) -> str:
    """The words that carry meaning, in order; all words if only function words remain."""
    all_words = words(text)
    kept = [w for w in all_words if w not in STOP_WORDS]
    return " ".join(kept or all_words)


def similarity(a: str, b: str) -> int:
    """How alike two question texts are, as a whole percentage."""
    left, right = normalise(a), normalise(b)
    if not left or not right:
        return 0
    return round(fuzz.token_sort_ratio(left, right))


def find_matches(
    text: str,
    candidates: Iterable[T],
    text_of: Callable[[T], str],
    threshold: int = 60,
    limit: int = 5,
) -> list[Match[T]]:
    """Candidates scoring at least ``threshold``, best first; ties keep the given order."""
    if not normalise(text):
        return []
    scored = []
    for index, candidate in enumerate(candidates):
        score = similarity(text, text_of(candidate))
        if score >= threshold:
            scored.append((-score, index, Match(candidate, score)))
    scored.sort(key=lambda item: item[:2])
    return [match for _score, _index, match in scored[:limit]]


def suggest_code(
    text: str,
    taken: Collection[str] = (),
    max_words: int = 4,
    max_length: int = 40,
    meaningful_only: bool = True,
    fallback: str = "question",
) -> str:
    """A code made from the first (meaningful) words of ``text``, unique among ``taken``.

    The result starts with a letter and uses only lower-case letters, digits
    and underscores, so it is a valid question or option code. Option labels
    pass ``meaningful_only=False``: in "Less than once a week" every word counts.
    """
    chosen = normalise(text).split() if meaningful_only else words(text)
    base = "_".join(chosen[:max_words])[:max_length].strip("_") or fallback
    if not base[0].isalpha():
        base = f"q_{base}"[:max_length]
    code, suffix = base, 2
    while code in taken:
        tail = f"_{suffix}"
        code = base[: max_length - len(tail)] + tail
        suffix += 1
    return code
