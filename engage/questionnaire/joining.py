"""How a question's options join across versions: the one rule every output uses.

By code: the newest version's options in its order, then options only older versions
offered (their answers still count), each taken from the newest version that had it.
Which versions offered each option stays with each version's copy; results bases
(``results.columns``) and downloads' blanks follow it. No Flask and no database here.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

T = TypeVar("T")


def joined(newest_first: Iterable[Sequence[T]], code: Callable[[T], str]) -> list[T]:
    """The options of one question code across versions (each version's list, newest
    version first), one per option code, in the order above."""
    seen: dict[str, T] = {}
    for options in newest_first:
        for option in options:
            seen.setdefault(code(option), option)
    return list(seen.values())
