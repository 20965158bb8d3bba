"""Pieces the results charts share: fills that are not colour alone, and labels cut to
lines that fit a phone's width. Pure SVG text, no Flask."""

from markupsafe import Markup, escape

# Distinct hues, each at least 3:1 against white (WCAG 1.4.11); red is kept for errors.
COLOURS = ("#1d70b8", "#d53880", "#00703c", "#b06900", "#4c2c92", "#28a197", "#6f72af", "#8d4b2b")
# White marks drawn over the colour, so that neighbouring fills differ in more than hue.
MARKS = (
    "",
    '<path d="M0 8 L8 0" stroke="#ffffff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#ffffff"/>',
    '<path d="M0 4 H8" stroke="#ffffff" stroke-width="2"/>',
    '<path d="M4 0 V8" stroke="#ffffff" stroke-width="2"/>',
    '<path d="M0 0 L8 8 M0 8 L8 0" stroke="#ffffff" stroke-width="1.5"/>',
)
HIDDEN_FILL = "#f3f2f1"
HIDDEN_MARK = '<path d="M0 8 L8 0" stroke="#505a5f" stroke-width="1"/>'
TEXT = "#0b0c0c"
GREY = "#505a5f"
LINE_CHARS = 36  # about what a 16px line holds on a 390px phone, inside the page's margins


def fill_pattern(pattern_id: str, index: int) -> Markup:
    """A <pattern> for the ``index``th series: a colour, and a mark from a second cycle."""
    colour = COLOURS[index % len(COLOURS)]
    mark = MARKS[(index + index // len(COLOURS)) % len(MARKS)]
    return _pattern(pattern_id, colour, mark)


def hidden_pattern(pattern_id: str) -> Markup:
    """The fill of a hidden figure: pale, hatched, never mistaken for a share."""
    return _pattern(pattern_id, HIDDEN_FILL, HIDDEN_MARK)


def _pattern(pattern_id: str, colour: str, mark: str) -> Markup:
    text = (
        f'<pattern id="{escape(pattern_id)}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{colour}"/>{mark}</pattern>'
    )
    return Markup(text)  # noqa: S704  # nosec B704  # our tags; every text escaped


def swatch(pattern: Markup, pattern_id: str) -> Markup:
    """A small key picture for a legend (its words are beside it in the page)."""
    text = (
        '<svg class="engage-swatch" width="24" height="16" aria-hidden="true" focusable="false">'
        f'<defs>{pattern}</defs><rect width="24" height="16" fill="url(#{escape(pattern_id)})" '
        f'stroke="{GREY}" stroke-width="1"/></svg>'
    )
    return Markup(text)  # noqa: S704  # nosec B704  # our tags; every text escaped
