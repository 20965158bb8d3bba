"""Reading a ward boundary file (GeoJSON, as the ONS Open Geography portal publishes it)
and checking it against the partnership's wards. No Flask or database in here.

Every problem found is collected, so one upload lists everything to fix. A file that
passes comes back projected to metres (British National Grid as it is; longitude and
latitude scaled by the cosine of the mean latitude, so a ward keeps its shape),
simplified once and rounded to whole metres: the shapes the map draws from then on.
"""

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

WGS84 = "WGS84 longitude and latitude"
BNG = "British National Grid eastings and northings"
ONS_CODE = re.compile(r"^WD\d\dCD$", re.IGNORECASE)  # WD24CD, WD23CD, …
POLYGONS = ("Polygon", "MultiPolygon")
METRES_PER_DEGREE = 111_320.0  # along the equator; a degree of latitude is about as long
# Bounding box of the National Grid (metres), with room for the islands.
BNG_BOX = (0.0, 0.0, 700_000.0, 1_300_000.0)
# Simplify to a 1,000th of the wards' extent: half a unit on the 480-unit-wide map.
SIMPLIFY_SHARE = 1 / 1000
MAX_PROBLEMS = 20
SNAP_METRES = 0.01  # a border's two sides are taken as one within a centimetre
# Coverage simplification's tolerance is about the size of the triangles it removes
# (Visvalingam-Whyatt), not a distance: four times the distance keeps about as many
# points as one ward at a time would (514 against 590 on 20 wards of 122,362 points,
# every ward's area within 0.1%).
COVERAGE_SCALE = 4


class BoundaryError(ValueError):
    """A file that cannot be used; ``problems`` says what to fix, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class WardShape:
    """One ward's outline, in metres east and north, simplified and rounded."""

    code: str
    geometry: dict[str, Any]  # a GeoJSON Polygon or MultiPolygon


@dataclass
class CheckedFile:
    shapes: list[WardShape]
    system: str  # WGS84 or BNG
    code_property: str
    missing: list[str] = field(default_factory=list)  # the partnership's wards not in the file
    points_before: int = 0
    points_after: int = 0


def check_file(
    data: bytes, wards: Mapping[str, str], tolerance: float | None = None
) -> CheckedFile:
    """The file's wards as shapes to store, or BoundaryError listing every problem.

    ``wards`` maps the partnership's ward codes to their names. A ward of the
    partnership missing from the file is allowed (it is listed in ``missing`` and the
    map says it has no boundary): a partnership may load part of an area first.
    """
    features = _features(data)
    prop = _code_property(features, wards)
    problems: list[str] = []
    found: dict[str, BaseGeometry] = {}
    seen: set[str] = set()
    for number, feature in enumerate(features, start=1):
        code = _feature_code(feature, prop)
        where = f"Feature {number}" + (f" (ward {code})" if code else "")
        if not code:
            problems.append(f"{where} has no {prop}: every feature needs its ward code.")
        elif code not in wards:
            problems.append(
                f"Ward code {code} (feature {number}) is not one of the partnership’s wards. "
                f"Its wards are: {_listed(wards)}."
            )
        elif code in seen:
            problems.append(f"Ward {code} appears more than once: join its parts into one feature.")
        seen.add(code)
        geometry = _geometry(feature, where, problems)
        if code in wards and geometry is not None:
            found.setdefault(code, geometry)
    if not found and not problems:
        problems.append("The file has no ward boundaries in it.")
    system = _system(data, found.values(), problems) if found else WGS84
    if problems:
        raise BoundaryError(_capped(problems))
    return _projected(found, system, prop, wards, tolerance)


def _features(data: bytes) -> list[dict[str, Any]]:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise BoundaryError(["The file is not text in UTF-8: save it as GeoJSON."]) from None
    except json.JSONDecodeError as error:
        raise BoundaryError(
            [
                f"The file is not valid JSON (line {error.lineno}, column {error.colno}: "
                f"{error.msg}). Export the boundaries again as GeoJSON."
            ]
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BoundaryError(
            ["The file is JSON but not a GeoJSON FeatureCollection: download the wards as GeoJSON."]
        )
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryError(["The FeatureCollection has no features."])
    if not all(isinstance(f, dict) for f in features):
        raise BoundaryError(["Every item in ‘features’ must be a GeoJSON Feature."])
    return features


def _properties(feature: dict[str, Any]) -> dict[str, Any]:
    properties = feature.get("properties")
    return properties if isinstance(properties, dict) else {}


def _code_property(features: list[dict[str, Any]], wards: Mapping[str, str]) -> str:
    """The property holding ward codes: one named like WD24CD, else the one whose values
    are most often the partnership's codes."""
    names: dict[str, int] = {}
    for feature in features:
        for name, value in _properties(feature).items():
            names.setdefault(name, 0)
            names[name] += str(value).strip() in wards
    ons = [name for name in names if ONS_CODE.match(name)]
    if ons:
        return max(ons, key=lambda name: (names[name], name))  # the newest year on a tie
    matching = [name for name, hits in names.items() if hits]
    if not matching:
        raise BoundaryError(
            [
                "No property of the features holds ward codes: the file needs a property "
                "named like WD24CD (as ONS publishes ward boundaries) or one whose values "
                f"are the partnership’s ward codes ({_listed(wards)})."
            ]
        )
    return max(matching, key=lambda name: names[name])


def _feature_code(feature: dict[str, Any], prop: str) -> str:
    value = _properties(feature).get(prop)
    return "" if value is None else str(value).strip()[:40]


def _geometry(feature: dict[str, Any], where: str, problems: list[str]) -> BaseGeometry | None:
    raw = feature.get("geometry")
    kind = raw.get("type") if isinstance(raw, dict) else None
    if kind not in POLYGONS:
        what = f"a {kind}" if isinstance(kind, str) else "no geometry"
        problems.append(f"{where} has {what}: a ward must be a Polygon or MultiPolygon.")
        return None
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError):
        problems.append(f"{where}: its coordinates cannot be read as a {kind}.")
        return None
    if geometry.is_empty:
        problems.append(f"{where} has an empty {kind}.")
        return None
    if not geometry.is_valid:
        problems.append(f"{where} is not a valid shape: {_explained(geometry)}.")
        return None
    return geometry


def _explained(geometry: BaseGeometry) -> str:
    """'self-intersection at -1.90412, 53.71230' from GEOS's
    'Self-intersection[-1.90412 53.7123]'."""
    text = explain_validity(geometry)
    found = re.match(r"^(.*?)\[([-\d.eE+]+) ([-\d.eE+]+)\]$", text)
    if not found:
        return text
    reason, x, y = found.groups()
    return f"{reason.lower()} at {float(x):.5f}, {float(y):.5f}"


def _system(data: bytes, geometries: Any, problems: list[str]) -> str:
    """WGS84 or BNG, from a named CRS or, failing that, from where the coordinates fall
    (no ward lies within 180 metres of the National Grid's origin, so small numbers
    are degrees)."""
    named = _named_crs(data)
    bounds = tuple(shapely.total_bounds(list(geometries)))
    degrees = _inside(bounds, (-180, -90, 180, 90))
    if named in (None, "4326", "CRS84") and degrees:
        return WGS84
    if named in (None, "27700") and _inside(bounds, BNG_BOX):
        return BNG
    minx, miny, maxx, maxy = bounds
    problems.append(
        f"The coordinates (x from {minx:.0f} to {maxx:.0f}, y from {miny:.0f} to {maxy:.0f}"
        + (f", in EPSG:{named}" if named else "")
        + ") are neither longitude and latitude (WGS84) nor British National Grid eastings "
        "and northings: download the GeoJSON in one of those two."
    )
    return WGS84


def _named_crs(data: bytes) -> str | None:
    """The EPSG number of an old-style 'crs' member, which ONS files sometimes carry."""
    head = data[:4000].decode("utf-8", "ignore")
    found = re.search(r'"crs"\s*:\s*\{[^{}]*\{[^{}]*"name"\s*:\s*"([^"]+)"', head)
    if not found:
        return None
    name = found.group(1)
    if name.upper().endswith("CRS84"):
        return "CRS84"
    number = re.search(r"(\d+)$", name)
    return number.group(1) if number else name


def _inside(bounds: tuple[float, ...], box: tuple[float, ...]) -> bool:
    low = box[0] <= bounds[0] and box[1] <= bounds[1]
    return low and bounds[2] <= box[2] and bounds[3] <= box[3]


def _projected(
    found: dict[str, BaseGeometry],
    system: str,
    prop: str,
    wards: Mapping[str, str],
    tolerance: float | None,
) -> CheckedFile:
    geometries = list(found.values())
    if system == WGS84:
        miny, maxy = shapely.total_bounds(geometries)[1::2]
        across = METRES_PER_DEGREE * math.cos(math.radians((miny + maxy) / 2))
        geometries = [
            shapely.transform(g, lambda xy, a=across: xy * (a, METRES_PER_DEGREE))
            for g in geometries
        ]
    minx, miny, maxx, maxy = shapely.total_bounds(geometries)
    if tolerance is None:
        tolerance = max(1.0, max(maxx - minx, maxy - miny) * SIMPLIFY_SHARE)
    shapes, before, after = [], 0, 0
    for code, geometry, simplified in zip(
        found, geometries, _simplified(geometries, tolerance), strict=True
    ):
        simple = shapely.set_precision(simplified, 1.0)
        if simple.is_empty:  # smaller than a metre: keep it as it came, rounded
            simple = geometry
        before += shapely.get_num_coordinates(geometry)
        after += shapely.get_num_coordinates(simple)
        shapes.append(WardShape(code, _rounded(mapping(simple))))
    missing = [code for code in wards if code not in found]
    return CheckedFile(shapes, system, prop, missing, before, after)


def _simplified(geometries: list[BaseGeometry], tolerance: float) -> list[BaseGeometry]:
    """The wards simplified together, so a border two wards share stays one line (no
    hairline gaps or overlaps between neighbours). Points are first snapped to the
    centimetre, so the two sides of a border meet exactly however the file's numbers
    were rounded; wards that still overlap or leave gaps are simplified one by one."""
    snapped = [shapely.set_precision(g, SNAP_METRES) for g in geometries]
    if len(snapped) > 1 and shapely.coverage_is_valid(snapped):
        return list(shapely.coverage_simplify(snapped, tolerance * COVERAGE_SCALE))
    return [g.simplify(tolerance, preserve_topology=True) for g in geometries]


def _rounded(geometry: dict[str, Any]) -> dict[str, Any]:
    """GeoJSON with whole-metre integer coordinates, so the stored text stays short."""

    def ring(points: Any) -> list[list[int]]:
        return [[round(x), round(y)] for x, y, *_ in points]

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    if geometry["type"] == "MultiPolygon":
        polygons = geometry["coordinates"]
        return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in p] for p in polygons]}
    # set_precision can turn a thin part into a collection: keep its polygons
    parts = [g for g in geometry.get("geometries", []) if g["type"] in POLYGONS]
    coordinates = [
        [ring(r) for r in p]
        for part in parts
        for p in ([part["coordinates"]] if part["type"] == "Polygon" else part["coordinates"])
    ]
    return {"type": "MultiPolygon", "coordinates": coordinates}


def _listed(wards: Mapping[str, str]) -> str:
    return ", ".join(f"{code} ({name})" for code, name in wards.items())


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], f"…and {more} more problems like these."]
