"""How alike an imported question and a bank question are: kind, wording, then options.

A pair is compared only if its answers could stand for one another:

- a row that is not a resident's answer (a note, an acknowledgement, a trigger)
  never matches a question, however alike the words: "I have read the above" is
  not "Do you rent your home?" because both are answered yes;
- the two Engage types must be of one family: numbers (whole number, rating),
  texts (short, long) or choices (single, multiple, yes or no, agreement, area).
  A whole number ("How old are you?" as an integer) never matches a banded choice
  question (age_band, "How old are you?" with "16 to 24", ...), nor a text a choice.

Such pairs get no score at all (None), so they are never proposed, whatever the
threshold, rather than a score capped below it: the report has nothing to show
for them, and a threshold set low cannot bring them back.

For a comparable pair the wording score is the bank's own (engage.bank.matching).
When both are choice questions, how many options they share (by label or by name,
whichever agrees more) moves it up or down by up to OPTION_WEIGHT points: the
same words with different answers ("How safe do you feel?" as very/fairly/not
safe or as a yes or no) are less likely the same question, and a reworded
question with the very same options more likely. Two options shared in lists of
two (Yes and No) say nothing about what is asked, so they add nothing, though
lists that differ still take points away. No Flask or database in here.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from engage.bank import matching
from engage.questionnaire import types

OPTION_WEIGHT = 10
# XLSForm types (pyxform's names) whose rows hold no answer to a question.
NOT_ANSWERS = frozenset({"note", "acknowledge", "trigger", "calculate", "hidden"})
FAMILIES = {
    types.NUMBER: "number",
    types.RATING: "number",
    types.SHORT_TEXT: "text",
    types.LONG_TEXT: "text",
    **{choice_type: "choice" for choice_type in (*types.CHOICE_TYPES, types.AREA)},
}
# A shared list this short (Yes and No) says nothing about what is asked.
GENERIC_LIST = 2


def _label_set(labels: Sequence[str]) -> set[str]:
    return {" ".join(matching.words(label)) for label in labels} - {""}


def _jaccard(left: set[str], right: set[str]) -> float | None:
    if not left or not right:
        return None
    return len(left & right) / len(left | right)


def option_overlap(
    ours: Sequence[str],
    theirs: Sequence[str],
    our_names: Sequence[str] = (),
    their_names: Sequence[str] = (),
) -> float | None:
    """The share of options the two lists have in common (Jaccard), by label or by name,
    whichever is higher; None if either question has no options."""
    shares = [
        share
        for share in (
            _jaccard(_label_set(ours), _label_set(theirs)),
            _jaccard(_label_set(our_names), _label_set(their_names)),
        )
        if share is not None
    ]
    return max(shares, default=None)


def comparable(kind: str, engage_type: str, bank_type: str) -> bool:
    """Whether an imported row (XLSForm ``kind``, mapped onto ``engage_type``) may match a
    bank question of ``bank_type`` at all. An unknown type ("") rules nothing out."""
    if kind in NOT_ANSWERS:
        return False
    if not engage_type or not bank_type:
        return True
    return FAMILIES.get(engage_type, engage_type) == FAMILIES.get(bank_type, bank_type)


def score(
    text: str,
    bank_text: str,
    options: Sequence[str],
    bank_options: Sequence[str],
    option_names: Sequence[str] = (),
    bank_option_names: Sequence[str] = (),
) -> int:
    """A 0 to 100 match score: text similarity, moved by the options' overlap."""
    text_score = matching.similarity(text, bank_text)
    overlap = option_overlap(options, bank_options, option_names, bank_option_names)
    if overlap is None:
        return text_score
    moved = round((overlap - 0.5) * 2 * OPTION_WEIGHT)
    if moved > 0 and max(len(options), len(bank_options)) <= GENERIC_LIST:
        moved = 0
    return max(0, min(100, text_score + moved))


@dataclass(frozen=True)
class Asked:
    """One side of a comparison: a question's wording, Engage type and options."""

    text: str
    type: str = ""
    options: Sequence[str] = ()
    option_names: Sequence[str] = ()
    kind: str = ""  # the XLSForm type of an imported row; "" for the bank's questions


def match_score(ours: Asked, theirs: Asked) -> int | None:
    """``score`` for a comparable pair; None for a pair that is never proposed."""
    if theirs.kind in NOT_ANSWERS or not comparable(ours.kind, ours.type, theirs.type):
        return None
    return score(
        ours.text, theirs.text, ours.options, theirs.options, ours.option_names, theirs.option_names
    )
