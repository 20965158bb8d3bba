"""The map's words in the page's language (staff pages are always in English)."""

from flask_babel import gettext as _

from engage.localtime import percent
from engage.maps.drawing import MapWords
from engage.maps.figures import EMPTY, HIDDEN, WardFigure


def map_words(question: str, answer: str, k: int, small_base: int, rtl: bool = False) -> MapWords:
    def ward_title(figure: WardFigure) -> str:
        if figure.state == EMPTY:
            return _("%(ward)s: no answers", ward=figure.name)
        if figure.state == HIDDEN:
            return _("%(ward)s: hidden, fewer than %(k)s responses", ward=figure.name, k=k)
        return _(
            "%(ward)s: %(percent)s of %(base)s answers",
            ward=figure.name,
            percent=percent(figure.percent),
            base=figure.base,
        )

    return MapWords(
        title=_("Wards shaded by the share answering ‘%(answer)s’", answer=answer),
        description=_(
            "A map of the wards for the question ‘%(question)s’: the darker the ward, the "
            "more people answered ‘%(answer)s’. The table gives every ward’s figure.",
            question=question,
            answer=answer,
        ),
        key=_("Key to the map"),
        hidden=_("Hidden: fewer than %(k)s responses", k=k),
        small=_("Small base: fewer than %(n)s answers", n=small_base),
        empty=_("No answers in the ward"),
        percent=percent,
        span=lambda low, high: _("%(low)s to %(high)s", low=low, high=high),
        ward_title=ward_title,
        rtl=rtl,
    )


def outline_words() -> MapWords:
    """For the boundary page's picture of the wards as loaded, with no figures."""
    return MapWords(
        title="The partnership’s wards as loaded",
        description="An outline map of the wards, named where the name fits.",
        key="Key",
        hidden="",
        small="",
        empty="",
        percent=percent,
        span=lambda low, high: f"{low} to {high}",
        ward_title=lambda figure: figure.name,
    )
