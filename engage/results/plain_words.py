"""One plain sentence per published result, for residents: "About 7 in 10 people chose
‘Very safe’ or ‘Fairly safe’". No Flask: the page's gettext and ngettext come in.

Every sentence is worked out from the figures the page publishes (perturbed, with
counts under k hidden), never from a hidden one: when the figure a sentence needs is
hidden, the sentence says so instead. A hidden count is always under k and a shown one
k or more, so the most common answer can be named while smaller ones are hidden.

Weighted results read the same way, from the weighted percentages (shown only where
the count is): "About 4 in 10 people" is then the weighted share, and the most common
answer the one with the largest weighted share among those shown.
"""

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from babel.numbers import format_decimal

from engage.questionnaire import types

Gettext = Callable[..., str]
SCALE_POINTS = 4  # an ordered question with this many answers (or more) is a scale


def in_ten(percent: float) -> int:
    """A percentage as people out of ten, to the nearest whole person (half up)."""
    return math.floor(percent / 10 + 0.5)


def _is_hidden(value: Any) -> bool:
    return isinstance(value, str)


def positive_end(result: Mapping[str, Any], ordered: bool) -> list[Mapping[str, Any]]:
    """The answers a scale's good end adds up: its first two ("Strongly agree" and
    "Agree", "Very safe" and "Fairly safe"); none for a question that is not a scale.
    The agreement scale is ordered that way; an admin marks other scales ordered."""
    options = [o for o in result["options"] if o["code"] not in types.MISSING_CODES]
    scale = result["type"] == types.AGREEMENT or (result["type"] == types.SINGLE and ordered)
    return options[:2] if scale and len(options) >= SCALE_POINTS else []


def summary(
    result: Mapping[str, Any],
    ordered: bool,
    gettext: Gettext,
    ngettext: Gettext,
    percent: Callable[[float], str],
    locale: str = "en",
) -> str:
    """The sentence for one question's published ``result`` (as ``question_results``
    gives it): a scale's good end in tens, the most common answer, or the average."""
    respondents = result["respondents"]
    if _is_hidden(respondents):
        return gettext(
            "Fewer than %(k)s people have answered, so the figures are hidden to protect "
            "their privacy.",
            k=result["k"],
        )
    if not respondents:
        return gettext("Nobody has answered this question yet.")
    if result["type"] in (types.RATING, types.NUMBER):
        return _average(result, gettext, locale)
    top = positive_end(result, ordered)
    if top:
        return _share(top, gettext, ngettext)
    weighted = bool((result.get("weighting") or {}).get("weighted"))
    return _most_common(result["options"], gettext, ngettext, percent, weighted)


def _answers(options: Sequence[Mapping[str, Any]], gettext: Gettext) -> str:
    """A scale's two answers at its good end, named in a sentence."""
    return gettext(
        "‘%(first)s’ or ‘%(second)s’", first=options[0]["label"], second=options[1]["label"]
    )


def _share(options: Sequence[Mapping[str, Any]], gettext: Gettext, ngettext: Gettext) -> str:
    answers = _answers(options, gettext)
    if any(o["percent"] is None for o in options):
        return gettext(
            "How many people chose %(answers)s is hidden to protect their privacy.",
            answers=answers,
        )
    tens = in_ten(sum(o["percent"] for o in options))
    if tens <= 0:
        return gettext("Fewer than 1 in 10 people chose %(answers)s.", answers=answers)
    if tens >= 10:
        return gettext("Nearly everyone who answered chose %(answers)s.", answers=answers)
    return ngettext(
        "About %(num)s in 10 people chose %(answers)s.",
        "About %(num)s in 10 people chose %(answers)s.",
        tens,
        answers=answers,
    )


def _most_common(
    options: Sequence[Mapping[str, Any]],
    gettext: Gettext,
    ngettext: Gettext,
    percent: Callable[[float], str],
    weighted: bool = False,
) -> str:
    shown = [o for o in options if not _is_hidden(o["count"]) and o["count"]]
    if weighted:
        shown = [o for o in shown if o["percent"] is not None]
    if not shown:
        return gettext("Too few people chose any one answer to show it, to protect their privacy.")
    size = "percent" if weighted else "count"
    most = max(o[size] for o in shown)
    first = [o for o in shown if o[size] == most]
    if len(first) == 2:
        return gettext(
            "‘%(first)s’ and ‘%(second)s’ were chosen equally often (%(percent)s each).",
            first=first[0]["label"],
            second=first[1]["label"],
            percent=percent(first[0]["percent"]),
        )
    if len(first) > 2:
        return ngettext(
            "%(num)s answers were chosen equally often (%(percent)s each).",
            "%(num)s answers were chosen equally often (%(percent)s each).",
            len(first),
            percent=percent(first[0]["percent"]),
        )
    return gettext(
        "The most common answer was ‘%(answer)s’ (%(percent)s).",
        answer=first[0]["label"],
        percent=percent(first[0]["percent"]),
    )


def _average(result: Mapping[str, Any], gettext: Gettext, locale: str) -> str:
    if result["mean"] is None:
        return gettext("The average answer is hidden to protect people’s privacy.")
    mean = format_decimal(round(float(result["mean"]), 1), "0.0", locale=locale)
    if result["type"] == types.RATING:
        return gettext("The average score was %(mean)s out of 10.", mean=mean)
    return gettext("The average answer was %(mean)s.", mean=mean)
