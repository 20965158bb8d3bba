"""The ward map: an SVG choropleth of one figure per ward, with its key. No Flask.

Shapes come in metres east and north (``checking``), so the map is fitted to them as
they are, north up. Shares fall into a few classes of equal width in a light-to-dark
blue; a hidden figure is grey with stripes, a small base keeps its colour under thin
stripes, and every ward is outlined in near-black, at least 3:1 against every fill
(WCAG 1.4.11). The picture is one image to assistive technology (its title and
description); the table beside it on the page carries every figure.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

import shapely
from markupsafe import Markup, escape
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from engage.maps.figures import EMPTY, HIDDEN, SMALL, WardFigure

# Narrow enough that labels stay legible on a phone, where the map is about 360 px wide.
WIDTH, MAX_HEIGHT, PAD = 480.0, 460.0, 6.0
FONT = 15.0
ROW = 26.0  # a line of the key
SWATCH = (30.0, 18.0)
# Light to dark blue; the darkest is 4.2:1 against the outline, the lightest 17:1.
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#4292c6", "#2171b5")
OUTLINE = "#0b0c0c"
EMPTY_FILL = "#f3f2f1"
HATCH = "#505a5f"
STEPS = (1, 2, 5, 10, 20, 25, 50)
MAX_CLASSES = 5


@dataclass(frozen=True)
class MapWords:
    """The words the picture shows, already in the page's language."""

    title: str
    description: str
    key: str
    hidden: str  # "Hidden: fewer than 10 responses"
    small: str  # "Small base: fewer than 30 answers"
    empty: str  # "No answers"
    percent: Callable[[float | None], str]
    span: Callable[[str, str], str]  # "30.0% to 40.0%"
    ward_title: Callable[[WardFigure], str]  # "Castle: 45.2% of 120"
    rtl: bool = False  # the key reads from the right


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
    geometry: dict  # GeoJSON in metres


def classes(values: list[float]) -> list[tuple[float, float]]:
    """At most five classes of one round width (1, 2, 5, 10… points) covering ``values``."""
    if not values:
        return []
    low, high = min(values), max(values)
    for step in STEPS:
        start = math.floor(low / step) * step
        end = max(math.ceil(high / step) * step, start + step)
        if (end - start) / step <= MAX_CLASSES:
            break
    count = round((end - start) / step)
    return [(start + i * step, start + (i + 1) * step) for i in range(count)]


def class_of(value: float, spans: list[tuple[float, float]]) -> int:
    """The class holding ``value``: lower bound included, the top class's upper too."""
    for index, (_low, high) in enumerate(spans):
        if value < high:
            return index
    return len(spans) - 1


def colours(count: int) -> list[str]:
    """``count`` colours spread over the palette, lightest first."""
    if count <= 1:
        return [PALETTE[2]] * count
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / (count - 1))] for i in range(count)]


def draw_map(
    wards: list[Ward], figures: dict[str, WardFigure], words: MapWords, prefix: str = "ward-map"
) -> Markup:
    """The map as an <svg> element; ``prefix`` keeps its ids unique on the page."""
    shapes = {ward.code: shape(ward.geometry) for ward in wards}
    minx, miny, maxx, maxy = shapely.total_bounds(list(shapes.values()))
    span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    scale = min((WIDTH - 2 * PAD) / span_x, (MAX_HEIGHT - 2 * PAD) / span_y)
    left = (WIDTH - span_x * scale) / 2

    def to_svg(xy):
        return (xy - (minx, maxy)) * (scale, -scale) + (left, PAD)

    shown = [f.percent for f in figures.values() if f.state not in (HIDDEN, EMPTY)]
    spans = classes([p for p in shown if p is not None])
    fills = colours(len(spans))
    height = span_y * scale + 2 * PAD
    parts, labels, states = [], [], set()
    for ward in wards:
        outline = shapely.transform(shapes[ward.code], to_svg)
        figure = figures.get(ward.code)
        state = figure.state if figure else EMPTY
        states.add(state)
        fill = EMPTY_FILL
        if state == HIDDEN:
            fill = f"url(#{prefix}-hidden)"
        elif figure is not None and figure.percent is not None and state != EMPTY:
            fill = fills[class_of(figure.percent, spans)]
        parts.append(_ward(ward, outline, fill, figure, state, words, prefix))
        labels.append(_label(ward.name, figure, outline, words))
    key, key_height = _key(spans, fills, states, words, prefix, height)
    total = height + key_height
    title, desc = f"{prefix}-title", f"{prefix}-desc"
    svg = (
        f'<svg class="engage-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:g} '
        f'{total:.0f}" role="img" aria-labelledby="{title} {desc}" font-size="{FONT:g}" '
        f'direction="{"rtl" if words.rtl else "ltr"}">'
        f'<title id="{title}">{escape(words.title)}</title>'
        f'<desc id="{desc}">{escape(words.description)}</desc>'
        f"{_patterns(prefix)}"
        f'<g class="engage-map__wards">{"".join(parts)}</g>'
        f'<g class="engage-map__labels" aria-hidden="true">{"".join(labels)}</g>'
        f"{key}</svg>"
    )
    return Markup(svg)  # noqa: S704  # nosec B704  # our tags; every text escaped


def _patterns(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-hidden" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="#ffffff"/><rect width="3" height="8" fill="{HATCH}"/>'
        "</pattern>"
        f'<pattern id="{prefix}-small" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(-45)">'
        f'<rect width="2" height="8" fill="{OUTLINE}"/>'
        "</pattern></defs>"
    )


def _path(geometry: BaseGeometry) -> str:
    """SVG path data for a polygon or multipolygon, holes and all (even-odd fill)."""
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        for ring in (polygon.exterior, *polygon.interiors):
            points = list(ring.coords)[:-1]
            rings.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z")
    return "".join(rings)


def _ward(ward, outline, fill, figure, state, words, prefix) -> str:
    data = f'data-code="{escape(ward.code)}" data-state="{state}"'
    if figure is not None:
        percent = "" if figure.percent is None else f"{figure.percent:g}"
        data += f' data-percent="{percent}" data-base="{escape(figure.base)}"'
    title = words.ward_title(figure) if figure else ward.name
    d = _path(outline)
    overlay = ""
    if state == SMALL:
        overlay = f'<path d="{d}" fill="url(#{prefix}-small)" fill-rule="evenodd"/>'
    return (
        f'<g class="engage-map__ward" {data}><title>{escape(title)}</title>'
        f'<path d="{d}" fill="{fill}" fill-rule="evenodd" stroke="{OUTLINE}" '
        f'stroke-width="1.2" stroke-linejoin="round"/>{overlay}</g>'
    )


def _text_width(text: str) -> float:
    return len(text) * FONT * 0.56


def _label(name: str, figure: WardFigure | None, outline: BaseGeometry, words: MapWords) -> str:
    """The ward's name and figure where both fit inside it, else the name, else nothing."""
    polygon = max(getattr(outline, "geoms", [outline]), key=lambda p: p.area)
    try:
        x, y = polylabel(polygon, tolerance=1.0).coords[0]
    except Exception:  # a degenerate sliver: no room for a label anyway
        return ""
    figure_text = words.percent(figure.percent) if figure and figure.percent is not None else ""
    for lines in ([name, figure_text] if figure_text else [name], [name]):
        width = max(_text_width(line) for line in lines) + 4
        tall = FONT * 1.2 * len(lines)
        room = shapely.box(x - width / 2, y - tall / 2, x + width / 2, y + tall / 2)
        if polygon.contains(room):
            top = y - tall / 2 + FONT
            spans = "".join(
                f'<tspan x="{x:.1f}" y="{top + i * FONT * 1.2:.1f}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            return (
                f'<text text-anchor="middle" fill="{OUTLINE}" stroke="#ffffff" stroke-width="3" '
                f'paint-order="stroke" stroke-linejoin="round">{spans}</text>'
            )
    return ""


def _key(spans, fills, states, words, prefix, top) -> tuple[str, float]:
    """The key below the map: one row per class, then hidden, small base and no answers."""
    rows = [
        (f'fill="{fill}"', words.span(words.percent(low), words.percent(high)))
        for (low, high), fill in zip(spans, fills, strict=True)
    ]
    if SMALL in states:
        rows.append((f'fill="url(#{prefix}-small)"', words.small))
    if HIDDEN in states:
        rows.append((f'fill="url(#{prefix}-hidden)"', words.hidden))
    if EMPTY in states and spans:
        rows.append((f'fill="{EMPTY_FILL}"', words.empty))
    if not rows:
        return "", 0.0
    y = top + ROW
    # Text starts at the reading side: the left, or the right in a right-to-left language.
    edge, swatch, after = (WIDTH - PAD, WIDTH - PAD - SWATCH[0], -8) if words.rtl else (PAD, PAD, 8)
    text_x = (swatch if words.rtl else swatch + SWATCH[0]) + after
    out = [
        f'<g class="engage-map__key"><text x="{edge:g}" y="{y:.1f}" font-weight="bold">'
        f"{escape(words.key)}</text>"
    ]
    for index, (fill, text) in enumerate(rows):
        row_top = y + 8 + index * ROW
        out.append(
            f'<rect x="{swatch:g}" y="{row_top:.1f}" width="{SWATCH[0]:g}" height="{SWATCH[1]:g}" '
            f'{fill} stroke="{OUTLINE}"/>'
            f'<text x="{text_x:g}" y="{row_top + SWATCH[1] - 4:.1f}">{escape(text)}</text>'
        )
    out.append("</g>")
    return "".join(out), ROW * (len(rows) + 1) + 12
