"""How alike an imported question and a bank question are: wording, then options.

The wording score is the bank's own (engage.bank.matching). When both questions
offer options, how many option labels they share moves it up or down by up to
OPTION_WEIGHT points: the same words with different answers ("How safe do you
feel?" on a 0-10 scale or as very/fairly/not safe) are less likely the same
question, and a reworded question with the very same options more likely.
No Flask or database in here.
"""

from collections.abc import Sequence

from engage.bank import matching

OPTION_WEIGHT = 10


def _label_set(labels: Sequence[str]) -> set[str]:
    return {" ".join(matching.words(label)) for label in labels} - {""}


def option_overlap(ours: Sequence[str], theirs: Sequence[str]) -> float | None:
    """The share of option labels the two sets have in common (Jaccard), or None if either
    question has no options."""
    left, right = _label_set(ours), _label_set(theirs)
    if not left or not right:
        return None
    return len(left & right) / len(left | right)


def score(text: str, bank_text: str, options: Sequence[str], bank_options: Sequence[str]) -> int:
    """A 0 to 100 match score: text similarity, moved by the options' overlap."""
    text_score = matching.similarity(text, bank_text)
    overlap = option_overlap(options, bank_options)
    if overlap is None:
        return text_score
    moved = text_score + round((overlap - 0.5) * 2 * OPTION_WEIGHT)
    return max(0, min(100, moved))
