"""The words and numbers of the results pages, in the reader's language.

Pure: a ``Words`` carries gettext, ngettext and pgettext and the locale (Flask-Babel's,
passed in by the view); without one, the words are English. Figures are kept in units
of 1e-5 of a vote, as the counting engine keeps them, and shown in the locale's style.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel.numbers import get_decimal_symbol, get_group_symbol

UNIT = 100_000
NON_TRANSFERABLE = "Non-transferable"  # the key of the votes that went nowhere


def units(text: str | None) -> int:
    """A stored vote figure ("12.34567") as whole units of 1e-5, exactly."""
    if not text:
        return 0
    sign = -1 if text.startswith("-") else 1
    whole, _, fraction = text.lstrip("-").partition(".")
    return sign * (int(whole) * UNIT + int((fraction + "00000")[:5]))


@lru_cache
def _symbols(locale: str) -> tuple[str, str]:
    return get_group_symbol(locale), get_decimal_symbol(locale)


def shown(value: int, locale: str = "en") -> str:
    """Units as people read them: "1,234" when whole, else all five places "12.34560"
    (in Polish "1 234" and "12,34560")."""
    group, decimal = _symbols(locale)
    sign = "−" if value < 0 else ""
    whole, fraction = divmod(abs(value), UNIT)
    text = f"{whole:,}".replace(",", group)
    return sign + text + (f"{decimal}{fraction:05d}" if fraction else "")


def _english(text: str, **values: Any) -> str:
    return text % values if values else text


def _english_plural(singular: str, plural: str, num: int, **values: Any) -> str:
    values.setdefault("num", num)
    return (singular if num == 1 else plural) % values


def _english_in_context(context: str, text: str, **values: Any) -> str:
    return _english(text, **values)


@dataclass(frozen=True)
class Words:
    """The language of the results: a catalogue's gettext, ngettext and pgettext (with
    Flask-Babel's signatures), the locale for figures, and whether it reads right to left.
    The default is English with no catalogue, as the tests and the command line want."""

    gettext: Callable[..., str] = _english
    ngettext: Callable[..., str] = _english_plural
    pgettext: Callable[..., str] = _english_in_context
    locale: str = "en"
    rtl: bool = False

    def name(self, text: str) -> str:
        """An option's title inside a sentence, kept apart from right-to-left words around it
        (Unicode's first-strong isolate, which also works in SVG and in titles)."""
        return f"\u2068{text}\u2069" if self.rtl else text

    def code(self, text: str) -> str:
        """A receipt, read left to right on one line even in right-to-left text: a line
        break at its hyphen would reorder its halves."""
        return self.name(text.replace("-", "\u2011")) if self.rtl else text

    def figure(self, value: int) -> str:
        return shown(value, self.locale)

    def whole(self, number: int) -> str:
        return self.figure(number * UNIT)

    def change(self, value: int) -> str:
        return ("+" if value > 0 else "") + self.figure(value)

    def votes(self, value: int) -> str:
        """ "1 vote", "4 votes", "2.50000 votes"."""
        whole, fraction = divmod(value, UNIT)
        if fraction:
            return self.pgettext("a fraction of votes", "%(votes)s votes", votes=self.figure(value))
        return self.ngettext("%(votes)s vote", "%(votes)s votes", whole, votes=self.figure(value))

    def place(self, number: int) -> str:
        """A place, as in "Chosen 2nd": English says "2nd"; other languages' messages put
        the number in their own words (as ballot_form.place does)."""
        if self.locale != "en":
            return str(number)
        if 10 <= number % 100 <= 20:
            return f"{number}th"
        return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"

    def series(self, items: Sequence[str]) -> str:
        """ "A, B, C", with the language's comma."""
        text = items[0] if items else ""
        for item in items[1:]:
            text = self.gettext("%(names)s, %(name)s", names=text, name=item)
        return text

    def names(self, items: Sequence[str]) -> str:
        """ "A", "A and B", "A, B and C"."""
        if len(items) < 2:
            return self.series(items)
        return self.gettext("%(names)s and %(name)s", names=self.series(items[:-1]), name=items[-1])


ENGLISH = Words()


def names_text(names: Sequence[str], words: Words = ENGLISH) -> str:
    """ "A", "A and B", "A, B and C", each name kept apart in right-to-left text."""
    return words.names([words.name(name) for name in names])


def method_words(method: str, words: Words = ENGLISH) -> str:
    if method == "irv":
        return words.gettext(
            "Instant run-off: the option with the fewest votes is dropped, one at a time, and "
            "its ballots move to each member’s next choice, until one option has more than "
            "half of the votes still in the count."
        )
    if method == "stv":
        return words.gettext(
            "Single transferable vote (Scottish rules): an option with at least the quota of "
            "votes is chosen and its spare votes move on to each member’s next choice; when "
            "no option has spare votes, the one with the fewest is dropped and its ballots "
            "move on."
        )
    return method
