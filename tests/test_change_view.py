"""The change between two waves: each wave raked on its own, tested option by option,
with the small-number rules on the counts behind every row, and the page staff read."""

from datetime import UTC, date, datetime

import numpy as np
import pytest

from engage.partnership.models import Area
from engage.results import engine, weights
from engage.results.catalogue import catalogue
from engage.survey.answers import check_answers
from engage.survey.services import new_key, store_response
from engage.waves import attribute_file, attributes, comparison, figures, services
from engage.weighting import services as stored
from engage.weighting import targets as target_files

CHANGE = "/results/change"
# The wards' populations, and smoke alarms at 60 %: respondents have them at 50 %, so
# the weights differ within a ward as well as between wards.
TARGETS = """variable,value,population
ward,north,3000
ward,south,3000
ward,east,3000
ward,west,1000
smoke_alarm,yes,6000
smoke_alarm,no,4000
"""
SPRING = datetime(2026, 1, 15, 12, tzinfo=UTC)
AUTUMN = datetime(2026, 3, 15, 12, tzinfo=UTC)
MAY = datetime(2026, 5, 15, 12, tzinfo=UTC)


def _answer(version, areas, ward, safe, smoke, when):
    values = {"ward": [ward], "safe_dark": [safe], "smoke_alarm": [smoke]}
    checked = check_answers(version.questions, values, areas)
    assert checked.ok, checked.errors
    store_response(version, checked.answers, new_key(), areas, submitted_at=when)


def _many(version, areas, ward, when, **answers):
    """``answers``: how many chose each answer; each half with a smoke alarm, half without."""
    for safe, count in answers.items():
        for i in range(count):
            _answer(version, areas, ward, safe, "yes" if i % 2 else "no", when)


@pytest.fixture
def world(db, partnership, questionnaire):
    """Spring and autumn waves. Feeling very safe after dark: 40 % in every ward in
    spring; in autumn 75 % in North (twice as many respondents there) and still 40 %
    elsewhere. West Ward has five respondents a wave. North and South are decile 2,
    East and West decile 9."""
    db.session.add(Area(partnership=partnership, code="west", name="West Ward"))
    db.session.flush()
    areas = {a.code: a for a in partnership.areas}
    for ward in ("north", "south", "east"):
        _many(questionnaire, areas, ward, SPRING, very=32, fairly=32, unsafe=16)
    _many(questionnaire, areas, "north", AUTUMN, very=120, fairly=24, unsafe=16)
    for ward in ("south", "east"):
        _many(questionnaire, areas, ward, AUTUMN, very=32, fairly=32, unsafe=16)
    for when in (SPRING, AUTUMN):
        _many(questionnaire, areas, "west", when, fairly=5)
    qn = questionnaire.questionnaire
    spring = services.create_wave(
        qn, services.WaveFields("Spring", date(2026, 1, 1), date(2026, 1, 31))
    )
    autumn = services.create_wave(
        qn, services.WaveFields("Autumn", date(2026, 3, 1), date(2026, 3, 31))
    )
    imd = "area,attribute,value\nnorth,imd_decile,2\nsouth,imd_decile,2\n"
    imd += "east,imd_decile,9\nwest,imd_decile,9\n"
    attributes.load(partnership, attribute_file.read(imd, list(areas)))
    db.session.commit()
    return {"qn": qn, "spring": spring, "autumn": autumn, "partnership": partnership}


def _weighted(db, qn):
    weights.load_targets(qn, target_files.read(TARGETS))
    db.session.commit()
    weights.compute(stored.scheme_named(qn, "default"))
    db.session.commit()


def _compare(world, before="spring", after="autumn", option="very", attribute=True):
    qn = world["qn"]
    info = next(i for i in catalogue(qn) if i.code == "safe_dark")
    (loaded,) = attributes.loaded(world["partnership"]) if attribute else (None,)
    return comparison.compare_waves(qn, info, [option], world[before], world[after], loaded, 10)


def _rows(found):
    (table,) = found.tables
    return {row.label: row for row in table.rows}


def test_each_wave_is_raked_to_the_population_on_its_own(db, world):
    _weighted(db, world["qn"])
    found = _compare(world)
    assert found.weighted
    overall = _rows(found)["All respondents"]
    # Each wave's wards weighted to 3000, 3000, 3000 and 1000: 40 % in three of them
    # (West: none) is 36 %; in autumn 75 % in North makes it 46.5 %.
    assert (overall.before, overall.after) == (36.0, 46.5)
    assert overall.verdict == figures.UP
    assert "Each wave is weighted to the population on its own" in found.notes[0]
    # The stored weights, raked over both waves at once, give North's many autumn
    # respondents 2,000 residents' worth of that wave, not 3,000 of 10,000.
    view = engine.view(world["qn"])
    autumn = comparison.wave_rows(view, world["autumn"])
    pooled = np.full(view.n, np.nan)
    pooled[autumn] = weights.weights_of(view, stored.default_scheme(world["qn"]))[autumn]
    sums = view.weighted_sums("safe_dark", autumn, pooled)
    very = view.schema.codes["safe_dark"].options.index("very")
    assert round(100 * sums.wy[very] / sums.w, 1) == 49.1


def test_a_real_change_in_one_ward_is_flagged_there_and_not_elsewhere(db, world):
    _weighted(db, world["qn"])
    rows = _rows(_compare(world))
    north, south, east = rows["North Ward"], rows["South Ward"], rows["East Ward"]
    assert (north.before, north.after, north.difference) == (40.0, 75.0, 35.0)
    assert north.verdict == figures.UP
    assert north.ci_low > 0 and north.p_value < 0.001
    for ward in (south, east):
        assert (ward.before, ward.after, ward.difference) == (40.0, 40.0, 0.0)
        assert ward.verdict == figures.NO_CLEAR
    # Smoke alarms weighted from 50 % to 60 %: the effective base is below the count.
    assert 70 < south.before_base < 80 and not south.low_base
    decile_2, decile_9 = rows["2 (North Ward, South Ward)"], rows["9 (East Ward, West Ward)"]
    assert decile_2.verdict == figures.UP
    # West's five respondents stand for 1,000 residents: their big weights shrink the
    # decile's effective base under 50, so no verdict is given although nothing changed.
    assert decile_9.verdict == figures.TOO_FEW and decile_9.low_base
    assert decile_9.before_base < 50 < decile_9.before_base + 10


def test_a_fall_is_flagged_as_down(db, world):
    _weighted(db, world["qn"])
    rows = _rows(_compare(world, option="fairly"))
    assert rows["North Ward"].verdict == figures.DOWN  # 40 % to 15 %
    assert rows["South Ward"].verdict == figures.NO_CLEAR


def test_rows_with_few_respondents_are_hidden_and_get_no_flag(db, world):
    _weighted(db, world["qn"])
    west = _rows(_compare(world))["West Ward"]
    assert west == figures.Row("West Ward", figures.HIDDEN)
    assert not west.tested


def test_a_wave_that_cannot_be_raked_falls_back_to_unweighted_and_says_why(db, world):
    qn = world["qn"]
    areas = {a.code: a for a in world["partnership"].areas}
    _many(qn.versions[0], areas, "north", MAY, very=15, fairly=5)
    world["may"] = services.create_wave(
        qn, services.WaveFields("May", date(2026, 5, 1), date(2026, 5, 31))
    )
    db.session.commit()
    _weighted(db, qn)
    found = _compare(world, "spring", "may")
    assert not found.weighted
    (note,) = found.notes
    assert "unweighted (as answered), in both waves: ‘May’ cannot be weighted" in note
    assert "No respondent has ward = south" in note
    north = _rows(found)["North Ward"]
    assert (north.before, north.after, north.after_base) == (40.0, 75.0, 20)
    assert north.verdict == figures.TOO_FEW and north.low_base  # 20 under the minimum of 50
    assert _rows(found)["South Ward"].verdict == figures.TOO_FEW  # nobody in May


def test_with_no_weighting_scheme_the_figures_are_unweighted_and_say_so(db, world):
    found = _compare(world)
    assert not found.weighted
    assert "no weighting scheme has population targets and weights yet" in found.notes[0]
    north = _rows(found)["North Ward"]
    assert (north.before, north.after, north.before_base, north.after_base) == (
        40.0,
        75.0,
        80,
        160,
    )
    assert north.verdict == figures.UP


def test_overlapping_or_identical_waves_are_refused(db, world):
    qn = world["qn"]
    world["all"] = services.create_wave(
        qn, services.WaveFields("Whole year", date(2026, 1, 1), date(2026, 12, 31))
    )
    with pytest.raises(comparison.Refused) as refused:
        _compare(world, "spring", "all")
    assert "share responses" in refused.value.problems["after"]
    with pytest.raises(comparison.Refused) as refused:
        _compare(world, "spring", "spring")
    assert refused.value.problems == {"after": "Choose two different waves to compare."}


def test_the_multiple_comparisons_are_counted():
    rows = [figures.Row("a", figures.UP), figures.Row("b", figures.NO_CLEAR)]
    rows += [figures.Row("c", figures.HIDDEN), figures.Row("d", figures.TOO_FEW)]
    assert figures.by_chance(rows) == (2, 0.1)


# --- The page -------------------------------------------------------------------------


def _url(world, **args):
    query = {"question": "safe_dark", "before": world["spring"].id, "after": world["autumn"].id}
    query |= args
    return CHANGE + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_an_analyst_reads_the_change_with_how_it_was_tested(db, world, analyst_client):
    _weighted(db, world["qn"])
    response = analyst_client.get(_url(world, option="very"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "“Very safe”: Spring to Autumn</caption>" in page
    assert '<th scope="col" class="govuk-table__header">Result</th>' in page
    assert '<th scope="rowgroup" colspan="8" class="govuk-table__header">By ward</th>' in page
    assert "By imd decile" in page
    assert '<span aria-hidden="true">▲ </span>Real change: up' in page
    assert "No clear change" in page
    assert "Hidden: fewer than 10 respondents" in page
    assert "+35.0" in page and "40.0%" in page and "75.0%" in page
    assert "A change is flagged when it is unlikely to be chance alone" in page
    assert "This page tested 5 rows" in page  # overall, three wards and decile 2
    assert "about 0.2 of these 5" in page
    assert "Each wave is weighted to the population on its own" in page
    assert 'aria-current="page">Change between waves' in page


def test_every_answer_gets_its_own_table(db, world, facilitator_client):
    page = facilitator_client.get(_url(world, attribute="none")).get_data(as_text=True)
    assert page.count('<table class="govuk-table engage-change"') == 3
    assert "By imd decile" not in page
    assert "These figures are unweighted (as answered)" in page


def test_the_page_defaults_to_the_first_question_and_the_two_newest_waves(
    db, world, analyst_client
):
    page = analyst_client.get(CHANGE).get_data(as_text=True)
    assert "“Parks”: Spring to Autumn" in page  # improve, a multiple choice
    assert "Respondents could choose more than one answer" in page


@pytest.mark.parametrize(
    "args, message",
    [
        ({"before": "999"}, "There is no wave ‘999’: choose a wave from the list."),
        ({"after": "abc"}, "There is no wave ‘abc’: choose a wave from the list."),
        ({"question": "nope"}, "No single- or multiple-choice question has the code ‘nope’"),
        ({"question": "satisfied"}, "No single- or multiple-choice question has the code"),
        ({"attribute": "tenure"}, "No area attribute is called ‘tenure’"),
    ],
)
def test_unknown_waves_questions_or_attributes_are_refused_saying_why(
    db, world, analyst_client, args, message
):
    response = analyst_client.get(_url(world, **args))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "These waves cannot be compared, so no figures are shown" in page
    assert 'engage-change"' not in page


def test_residents_are_sent_to_sign_in_and_the_page_needs_two_waves(
    db, partnership, questionnaire, client, analyst_client
):
    response = client.get(CHANGE)
    assert response.status_code == 302 and "/login" in response.location
    page = analyst_client.get(CHANGE)
    assert page.status_code == 200
    assert "Two waves are needed to compare, and there are none yet" in page.get_data(as_text=True)
