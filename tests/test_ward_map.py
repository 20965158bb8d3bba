"""The ward map: boundary files checked whole and refused saying why, and the map drawn
from the same suppressed figures as the table beside it."""

import html
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from engage.maps import checking, drawing
from engage.maps.models import WardBoundary
from engage.percent import percent_text
from tests.test_aggregates import many
from tests.test_public_results import opt_in

SVG = "{http://www.w3.org/2000/svg}"
# Three square wards side by side, about 1.3 km each, near 53.8 N 1.5 W.
WARD_SQUARES = {"north": (-1.52, 53.80), "south": (-1.50, 53.80), "east": (-1.48, 53.80)}


def square(x, y, size=0.02):
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(code, coordinates, kind="Polygon", prop="WD24CD"):
    return {
        "type": "Feature",
        "properties": {prop: code, "WD24NM": code.title()},
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features, **extra):
    return json.dumps({"type": "FeatureCollection", **extra, "features": list(features)})


def valid_file(codes=("north", "south", "east")):
    return collection(*(feature(code, square(*WARD_SQUARES[code])) for code in codes))


def upload(client, text, name="wards.geojson"):
    data = {"boundaries": (io.BytesIO(text.encode()), name)}
    return client.post("/partnership/boundaries", data=data, content_type="multipart/form-data")


def stored(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(WardBoundary))


def problems(response):
    return response.get_data(as_text=True)


# --- Refusals -----------------------------------------------------------------------


def test_a_self_intersecting_ward_is_refused_naming_the_ward_and_where(db, admin_client):
    bow_tie = [[[-1.50, 53.80], [-1.48, 53.82], [-1.48, 53.80], [-1.50, 53.82], [-1.50, 53.80]]]
    text = collection(feature("north", square(*WARD_SQUARES["north"])), feature("south", bow_tie))
    response = upload(admin_client, text)
    assert response.status_code == 400
    page = problems(response)
    assert "The boundaries cannot be loaded" in page
    assert "ward south" in page
    assert "self-intersection at -1.49000, 53.81000" in page
    assert stored(db) == 0


def test_a_ward_code_the_partnership_does_not_have_is_refused_naming_it(db, admin_client):
    text = collection(
        feature("north", square(*WARD_SQUARES["north"])),
        feature("E05009999", square(*WARD_SQUARES["south"])),
    )
    response = upload(admin_client, text)
    assert response.status_code == 400
    page = problems(response)
    assert "Ward code E05009999 (feature 2) is not one of the partnership’s wards" in page
    assert "east (East Ward), north (North Ward), south (South Ward)" in page
    assert stored(db) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "FeatureCollection", "features": [', "The file is not valid JSON (line 1"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        (
            collection(feature("north", [-1.5, 53.8], kind="Point")),
            "Feature 1 (ward north) has a Point: a ward must be a Polygon or MultiPolygon.",
        ),
        (
            collection(feature("north", [[[-1.5, 53.8], [-1.4, 53.8]]])),
            "Feature 1 (ward north): its coordinates cannot be read as a Polygon.",
        ),
        (
            collection(feature("E05000001", square(-1.5, 53.8), prop="code")),
            "No property of the features holds ward codes",
        ),
        (
            collection(*(feature(c, square(-1.5, 53.8)) for c in ("north", "north"))),
            "Ward north appears more than once",
        ),
        (
            collection(feature("north", square(-167_000, 7_130_000, 1000))),
            "neither longitude and latitude (WGS84) nor British National Grid",
        ),
    ],
    ids=["bad json", "not a collection", "point", "bad ring", "no codes", "twice", "mercator"],
)
def test_files_that_cannot_be_used_are_refused_saying_why(db, admin_client, text, message):
    response = upload(admin_client, text)
    assert response.status_code == 400
    assert message in problems(response)
    assert stored(db) == 0


def test_a_refused_file_leaves_the_boundaries_loaded_before(db, admin_client):
    assert upload(admin_client, valid_file()).status_code == 302
    before = [row.geometry for row in db.session.scalars(sa.select(WardBoundary))]
    bad = collection(feature("north", square(-1.5, 53.8)), feature("nowhere", square(0, 51)))
    assert upload(admin_client, bad).status_code == 400
    db.session.expire_all()
    assert [row.geometry for row in db.session.scalars(sa.select(WardBoundary))] == before


def test_a_file_over_the_size_limit_is_refused_with_the_limit(app, db, admin_client):
    app.config["ENGAGE_BOUNDARIES_MAX_MB"] = 0.01
    response = upload(admin_client, valid_file() + " " * 20_000)
    assert response.status_code == 413
    assert "the limit is 0.01 MB" in response.get_data(as_text=True)
    assert stored(db) == 0


def test_only_admins_load_boundaries(db, analyst_client):
    assert upload(analyst_client, valid_file()).status_code == 403
    assert stored(db) == 0


# --- Loading ------------------------------------------------------------------------


def test_a_valid_file_is_stored_once_simplified_with_who_loaded_it(db, admin_client):
    response = upload(admin_client, valid_file())
    assert response.status_code == 302
    page = admin_client.get("/partnership/boundaries").get_data(as_text=True)
    assert "Loaded the boundaries of 3 wards from wards.geojson" in page
    assert "WGS84 longitude and latitude" in page
    rows = db.session.scalars(sa.select(WardBoundary)).all()
    assert len(rows) == 3
    assert all(row.loaded_by_id == admin_client.user.id for row in rows)
    geometry = json.loads(rows[0].geometry)
    assert all(isinstance(v, int) for point in geometry["coordinates"][0] for v in point)
    assert page.count('class="engage-map__ward"') == 3


def test_a_ward_missing_from_the_file_is_loaded_with_a_warning(db, admin_client):
    response = upload(admin_client, valid_file(("north", "south")))
    assert response.status_code == 302
    page = admin_client.get("/partnership/boundaries").get_data(as_text=True)
    assert "No boundary for east: the map leaves it out." in page
    assert stored(db) == 2


def test_british_national_grid_is_recognised_and_kept_in_metres():
    wards = {"north": "North Ward", "south": "South Ward"}
    text = collection(
        feature("north", square(430_000, 433_000, 1500)),
        feature("south", square(431_500, 433_000, 1500)),
    )
    checked = checking.check_file(text.encode(), wards)
    assert checked.system == checking.BNG
    assert [430_000, 433_000] in checked.shapes[0].geometry["coordinates"][0]


def test_codes_may_be_the_partnerships_own_in_any_property():
    text = collection(feature("north", square(-1.5, 53.8), prop="ward_code"))
    checked = checking.check_file(text.encode(), {"north": "North", "south": "South"})
    assert checked.code_property == "ward_code"
    assert checked.missing == ["south"]


def test_simplifying_a_detailed_boundary_keeps_it_small_and_close():
    """A ward with a point every metre or two, as ONS full-resolution files have, keeps
    its area within one percent in far fewer points."""
    import math

    points = []
    for i in range(4000):  # a circle of about 1 km radius, digitised with half a metre's jitter
        angle = 2 * math.pi * i / 4000
        radius = 0.009 + 0.000005 * math.sin(i * 0.7)
        points.append([-1.5 + radius * math.cos(angle) * 1.7, 53.8 + radius * math.sin(angle)])
    points.append(points[0])
    text = collection(feature("north", [points]))
    checked = checking.check_file(text.encode(), {"north": "North"})
    assert checked.points_before == 4001
    assert checked.points_after < 400
    import shapely.geometry

    before = 1.7 * math.pi * 0.009**2 * 111_320**2 * math.cos(math.radians(53.8))
    after = shapely.geometry.shape(checked.shapes[0].geometry).area
    assert abs(after - before) / before < 0.01


# --- The maps -----------------------------------------------------------------------


@pytest.fixture
def answered(app, db, questionnaire):
    """North: 40 all very safe; south: 12 fairly and 10 very (a small base); east: 9 (hidden)."""
    app.config["ENGAGE_SMALL_BASE"] = 30  # the dashboard's setting, lowered for these few
    many(db, questionnaire, 40, ward=["north"], safe_dark=["very"])
    many(db, questionnaire, 12, ward=["south"], safe_dark=["fairly"])
    many(db, questionnaire, 10, ward=["south"], safe_dark=["very"])
    many(db, questionnaire, 9, ward=["east"], safe_dark=["unsafe"])
    db.session.commit()
    return questionnaire


def picture(page):
    svg = re.search(r'<svg class="engage-map".*?</svg>', page, re.S).group(0)
    return ET.fromstring(svg)  # noqa: S314  # our own picture


def wards_drawn(page):
    return {
        g.get("data-code"): g
        for g in picture(page).iter(f"{SVG}g")
        if g.get("class") == "engage-map__ward"
    }


def table_rows(page):
    table = re.search(r'<table class="govuk-table engage-map-table".*?</table>', page, re.S)
    row = r'<tr class="govuk-table__row" data-code="(\w+)">(.*?)</tr>'
    rows = re.findall(row, table.group(0), re.S)
    found = {}
    for code, row in rows:
        cells = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', row, re.S)
        found[code] = [re.sub(r"<[^>]+>", " ", c).split()[0] if c.strip() else "" for c in cells]
    return found


def test_the_map_draws_every_ward_with_the_tables_figures(db, answered, admin_client):
    upload(admin_client, valid_file())
    response = admin_client.get("/results/map?question=safe_dark&option=very")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    drawn = wards_drawn(page)
    assert sorted(drawn) == ["east", "north", "south"]
    rows = table_rows(page)
    assert sorted(rows) == sorted(drawn)
    for code, g in drawn.items():
        title = g.find(f"{SVG}title").text
        share, base, _interval = rows[code]  # the staff map gives the 95% interval too
        assert g.get("data-base") == html.unescape(base)
        if g.get("data-percent"):
            shown = percent_text(float(g.get("data-percent")))
            assert share == shown
            assert shown in title
    assert drawn["north"].get("data-percent") == "100"
    assert drawn["south"].get("data-percent") == "45.5"
    # east's 9 respondents are hidden: hatched, no figure anywhere
    assert drawn["east"].get("data-state") == "hidden"
    assert drawn["east"].find(f"{SVG}path").get("fill") == "url(#ward-map-hidden)"
    assert rows["east"][0] == "Hidden"
    # south's 20 answers are a small base: its colour under stripes
    assert drawn["south"].get("data-state") == "small"
    fills = [p.get("fill") for p in drawn["south"].iter(f"{SVG}path")]
    assert fills[1] == "url(#ward-map-small)" and fills[0].startswith("#")
    key = "".join(picture(page).find(f".//{SVG}g[@class='engage-map__key']").itertext())
    assert "Hidden: fewer than 10 responses" in key
    assert "Small base: fewer than 30 answers" in key


def test_the_map_takes_the_dashboards_date_filter(db, answered, admin_client):
    upload(admin_client, valid_file())
    page = admin_client.get("/results/map?question=safe_dark&since=2099-01-01").get_data(
        as_text=True
    )
    assert {g.get("data-state") for g in wards_drawn(page).values()} == {"empty"}


def test_without_boundaries_the_pages_say_so_and_show_the_table(db, answered, admin_client):
    page = admin_client.get("/results/map?question=safe_dark").get_data(as_text=True)
    assert "No ward boundaries have been loaded" in page
    assert 'href="/partnership/boundaries"' in page
    assert "engage-map-table" in page and '<svg class="engage-map"' not in page


def test_the_public_map_shows_only_opted_in_choice_questions(db, answered, admin_client, client):
    upload(admin_client, valid_file())
    assert client.get("/you-said/map?question=safe_dark").status_code == 404
    opt_in(admin_client, "safe_dark", "satisfied")
    page = client.get("/you-said/map?question=safe_dark&option=very")
    assert page.status_code == 200
    assert sorted(wards_drawn(page.get_data(as_text=True))) == ["east", "north", "south"]
    assert client.get("/you-said/map?question=improve").status_code == 404  # not public
    assert client.get("/you-said/map?question=satisfied").status_code == 404  # a rating
    refused = client.get("/you-said/map?question=safe_dark&ward=north")
    assert refused.status_code == 400
    assert "Remove “ward” from the address" in refused.get_data(as_text=True)


def test_the_public_map_is_in_the_residents_language(db, answered, admin_client, client):
    upload(admin_client, valid_file())
    opt_in(admin_client, "safe_dark")
    polish = client.get("/you-said/map?question=safe_dark&lang=pl").get_data(as_text=True)
    assert "Legenda mapy" in polish and "Key to the map" not in polish
    urdu = client.get("/you-said/map?question=safe_dark&lang=ur").get_data(as_text=True)
    assert 'direction="rtl"' in urdu and "نقشے کی کلید" in urdu


# --- Drawing ------------------------------------------------------------------------


def luminance(colour):
    def channel(c):
        c = int(c, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("fill", [*drawing.PALETTE, drawing.EMPTY_FILL])
def test_ward_outlines_stand_out_from_every_fill(fill):
    light, dark = sorted((luminance(fill), luminance(drawing.OUTLINE)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 3


def test_classes_are_round_and_cover_every_figure():
    assert drawing.classes([21.6, 23.0, 28.0]) == [(20, 22), (22, 24), (24, 26), (26, 28)]
    spans = drawing.classes([3.0, 97.5])
    assert len(spans) <= 5 and spans[0][0] <= 3.0 and spans[-1][1] >= 97.5
    assert drawing.class_of(28.0, drawing.classes([21.6, 28.0])) == 3


def test_the_demo_loads_its_made_up_boundaries_through_the_checks(db):
    from engage.demo.seed import seed_demo
    from engage.maps.services import boundaries
    from engage.partnership.services import current_partnership

    report = seed_demo()
    db.session.commit()
    assert report.created["boundary"] == 6
    assert len(boundaries(current_partnership()).wards) == 6
    assert seed_demo().created["boundary"] == 0


def test_the_results_pages_and_you_said_link_to_the_maps(db, answered, admin_client, client):
    dashboard = admin_client.get("/results/").get_data(as_text=True)
    assert 'href="/results/map"' in dashboard and "Map by ward" in dashboard
    opt_in(admin_client, "safe_dark", "satisfied")
    said = client.get("/you-said?lang=pl").get_data(as_text=True)
    assert 'href="/you-said/map?question=safe_dark&amp;lang=pl"' in said
    assert "Zobacz wyniki na mapie" in said
    assert "question=satisfied" not in said  # a rating has no map


def test_the_staff_map_and_the_public_map_give_the_same_figures(db, answered, admin_client, client):
    upload(admin_client, valid_file())
    opt_in(admin_client, "safe_dark")
    staff = admin_client.get("/results/map?question=safe_dark&option=very").get_data(as_text=True)
    public = client.get("/you-said/map?question=safe_dark&option=very").get_data(as_text=True)
    # The same share and base; the staff map adds each share's 95% interval.
    assert {k: v[:2] for k, v in table_rows(staff).items()} == table_rows(public)
    assert table_rows(staff)["north"][0].startswith("100")  # 40 of 40 very safe


def test_neighbouring_wards_keep_one_shared_border_when_simplified():
    """Two wards meeting along a jagged border (a point every few metres, as ONS files
    have): simplified together, the border stays one line, with no gap or overlap."""
    import math

    import shapely.geometry

    border = [
        [-1.5 + 0.0001 * math.sin(i / 3) + 0.00005 * math.sin(i * 1.7), 53.80 + i * 0.00004]
        for i in range(500)
    ]
    top, bottom = border[-1][1], border[0][1]
    west = [[-1.52, bottom], *border, [-1.52, top], [-1.52, bottom]]
    east = [[-1.48, bottom], [-1.48, top], *reversed(border)]
    east = east[250:] + east[:250]  # the ring starts half way along the border
    east.append(east[0])
    text = collection(feature("north", [west]), feature("south", [east]))
    checked = checking.check_file(text.encode(), {"north": "North", "south": "South"})
    a, b = (shapely.geometry.shape(s.geometry) for s in checked.shapes)
    assert a.intersection(b).area == 0  # no overlap
    joined = a.union(b)
    assert joined.geom_type == "Polygon" and len(joined.interiors) == 0  # no sliver gaps
    assert abs(joined.area - (a.area + b.area)) < 1
