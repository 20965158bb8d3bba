"""Waves and area attributes as admins define them: the pages, the checks and the commands."""

import io
from datetime import date

import pytest
import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.events import services as event_services
from engage.waves import attribute_file, attributes, services
from engage.weighting.models import AreaAttribute, Wave

WAVES = "/results/waves"
ATTRIBUTES = "/partnership/area-attributes"


def _wave_form(name="Spring 2026", since=(1, 3, 2026), until=(31, 5, 2026), **extra):
    data = {"name": name, "kind": "dates"}
    data["since"], data["until"] = [str(v) for v in since], [str(v) for v in until]
    return data | extra


def _waves(db):
    return list(db.session.scalars(sa.select(Wave).order_by(Wave.id)))


def _event(db, partnership, name="Fun day"):
    fields = event_services.EventFields(name=name, starts_on=date(2026, 4, 1))
    event = event_services.create_event(partnership, fields)
    db.session.commit()
    return event


# --- Waves: the admin pages ------------------------------------------------------------


def test_an_admin_adds_a_wave_of_dates_and_it_is_listed_and_recorded(
    db, questionnaire, admin_client
):
    response = admin_client.post(f"{WAVES}/new", data=_wave_form())
    assert response.status_code == 302
    (wave,) = _waves(db)
    assert (wave.name, wave.since, wave.until, wave.events) == (
        "Spring 2026",
        date(2026, 3, 1),
        date(2026, 5, 31),
        [],
    )
    page = admin_client.get(WAVES).get_data(as_text=True)
    assert "Spring 2026" in page
    assert "1 March 2026 to 31 May 2026" in page
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "waves.create"))
    assert entry.detail == "Spring 2026: 1 March 2026 to 31 May 2026"


def test_a_wave_of_events_keeps_the_events_and_no_dates(
    db, partnership, questionnaire, admin_client
):
    fun_day, fete = _event(db, partnership), _event(db, partnership, "Summer fete")
    data = _wave_form("At events", since=("", "", ""), until=("", "", ""), kind="events")
    data["events"] = [str(fun_day.id), str(fete.id)]
    response = admin_client.post(f"{WAVES}/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    (wave,) = _waves(db)
    assert (wave.since, wave.until, sorted(wave.events)) == (None, None, [fun_day.id, fete.id])
    assert "Events: Fun day, Summer fete" in admin_client.get(WAVES).get_data(as_text=True)


@pytest.mark.parametrize(
    "data, message",
    [
        (_wave_form(until=(1, 2, 2026)), "The last day must be the same as or after the first day"),
        (_wave_form(since=("", "", "")), "Enter the first day of the wave"),
        (_wave_form(since=(31, 2, 2026)), "The first day must be a real date"),
        (_wave_form(name=""), "Enter a name for the wave"),
        (
            _wave_form(since=("", "", ""), until=("", "", ""), kind="events"),
            "Enter the first day of the wave, or choose its events",
        ),
    ],
)
def test_a_wave_that_cannot_be_saved_says_why_and_keeps_what_was_typed(
    db, questionnaire, admin_client, data, message
):
    response = admin_client.post(f"{WAVES}/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "There is a problem" in page
    assert f'value="{data["name"]}"' in page
    assert f'value="{data["until"][0]}"' in page
    assert _waves(db) == []


def test_a_second_wave_with_the_same_name_is_refused_keeping_its_dates(
    db, questionnaire, admin_client
):
    assert admin_client.post(f"{WAVES}/new", data=_wave_form()).status_code == 302
    again = _wave_form("spring 2026", since=(1, 9, 2026), until=(30, 11, 2026))
    response = admin_client.post(f"{WAVES}/new", data=again)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is already a wave called ‘spring 2026’" in page
    assert 'value="spring 2026"' in page and 'value="11"' in page
    assert len(_waves(db)) == 1


def test_an_admin_changes_and_deletes_a_wave(db, questionnaire, admin_client):
    admin_client.post(f"{WAVES}/new", data=_wave_form())
    (wave,) = _waves(db)
    form = admin_client.get(f"{WAVES}/{wave.id}").get_data(as_text=True)
    assert 'value="Spring 2026"' in form and 'value="2026"' in form
    changed = _wave_form("Spring", since=(2, 3, 2026))
    assert admin_client.post(f"{WAVES}/{wave.id}", data=changed).status_code == 302
    db.session.expire_all()
    assert (wave.name, wave.since) == ("Spring", date(2026, 3, 2))
    # Keeping its own name is not a duplicate.
    assert admin_client.post(f"{WAVES}/{wave.id}", data=changed).status_code == 302
    confirm = admin_client.get(f"{WAVES}/{wave.id}/delete")
    assert "Delete the wave ‘Spring’?" in confirm.get_data(as_text=True)
    assert _waves(db) == [wave]  # asking changes nothing
    assert admin_client.post(f"{WAVES}/{wave.id}/delete").status_code == 302
    assert _waves(db) == []
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"waves.create", "waves.edit", "waves.delete"} <= actions


def test_only_admins_define_waves(db, questionnaire, analyst_client, facilitator_client):
    for client in (analyst_client, facilitator_client):
        assert client.get(WAVES).status_code == 403
        assert client.post(f"{WAVES}/new", data=_wave_form()).status_code == 403
        assert client.get(ATTRIBUTES).status_code == 403
    assert _waves(db) == []


def test_the_service_refuses_dates_and_events_together_and_unknown_events(db, questionnaire):
    qn = questionnaire.questionnaire
    both = services.WaveFields("Mixed", date(2026, 1, 1), date(2026, 1, 31), [1])
    with pytest.raises(services.WaveError) as refused:
        services.create_wave(qn, both)
    assert refused.value.problems == {
        "events": "A wave is either a date range or some events, not both"
    }
    with pytest.raises(services.WaveError) as refused:
        services.create_wave(qn, services.WaveFields("Nowhere", events=[999]))
    assert refused.value.problems == {"events": "Choose the events from the list"}


# --- Area attributes -----------------------------------------------------------------

GOOD = "area,attribute,value\nnorth,deprivation_decile,2\nsouth,deprivation_decile,2\n" + (
    "east,deprivation_decile,9\nnorth,urban,yes\n"
)


def _upload(client, text, name="imd.csv"):
    return client.post(ATTRIBUTES, data={"attributes": (io.BytesIO(text.encode()), name)})


def _stored(db):
    rows = db.session.execute(
        sa.select(AreaAttribute.name, AreaAttribute.value, AreaAttribute.area_id)
    ).all()
    return sorted((name, value) for name, value, _ in rows)


def test_an_admin_loads_area_attributes_and_sees_them(db, partnership, admin_client):
    response = _upload(admin_client, "\ufeff" + GOOD)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _stored(db) == [
        ("deprivation_decile", "2"),
        ("deprivation_decile", "2"),
        ("deprivation_decile", "9"),
        ("urban", "yes"),
    ]
    page = admin_client.get(ATTRIBUTES).get_data(as_text=True)
    assert "deprivation decile" in page
    assert "None given: left out of the grouping" in page  # urban: south and east
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "areas.attributes"))
    assert entry.detail == "imd.csv: deprivation_decile (3 wards), urban (1 wards)"


def test_loading_an_attribute_again_replaces_its_values_and_keeps_the_others(
    db, partnership, admin_client
):
    _upload(admin_client, GOOD)
    response = _upload(admin_client, "area,attribute,value\neast,deprivation_decile,1\n")
    assert response.status_code == 302
    assert _stored(db) == [("deprivation_decile", "1"), ("urban", "yes")]


def test_a_bad_attributes_file_loads_nothing_and_lists_each_line(db, partnership, admin_client):
    _upload(admin_client, GOOD)
    bad = (
        "area,attribute,value\n"
        "north,deprivation_decile,5\n"
        "atlantis,deprivation_decile,3\n"
        "south,deprivation decile,3\n"
        "east,deprivation_decile\n"
        "north,deprivation_decile,6\n"
    )
    response = _upload(admin_client, bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "imd.csv: nothing was loaded." in page
    assert "Line 3: ‘atlantis’ is not one of the partnership’s ward codes" in page
    assert "Line 4: ‘deprivation decile’ cannot name an attribute" in page
    assert "Line 5 has 2 values" in page
    assert "Line 6 gives deprivation_decile for north again (first on line 2)" in page
    assert ("deprivation_decile", "5") not in _stored(db)
    assert ("deprivation_decile", "9") in _stored(db)  # the earlier file is untouched


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "The file is empty"),
        ("ward,name,value\nnorth,x,1\n", "Line 1: the header must be ‘area,attribute,value’"),
        ("area,attribute,value\n", "The file has a header but no values."),
        ("area,attribute,value\nnorth,x,\n", "Line 2: give all three"),
    ],
)
def test_an_attributes_file_with_no_usable_line_says_what_to_fix(text, message):
    with pytest.raises(attribute_file.AttributeFileError) as refused:
        attribute_file.read(text, ["north", "south"])
    assert any(message in problem for problem in refused.value.problems), refused.value.problems


def test_attribute_groups_order_numbers_as_numbers(db, partnership):
    found = attribute_file.read(
        "area,attribute,value\nnorth,decile,10\nsouth,decile,9\neast,decile,10\n",
        ["north", "south", "east"],
    )
    attributes.load(partnership, found)
    (loaded,) = attributes.loaded(partnership)
    assert [(value, [a.code for a in wards]) for value, wards in attributes.groups(loaded)] == [
        ("9", ["south"]),
        ("10", ["east", "north"]),
    ]


# --- The command line ----------------------------------------------------------------


def test_waves_are_added_and_listed_from_the_command_line(db, questionnaire, runner, tmp_path):
    result = runner.invoke(
        args=["waves", "add", "Spring 2026", "--since", "2026-03-01", "--until", "2026-05-31"]
    )
    assert result.exit_code == 0, result.output
    assert "Added the wave ‘Spring 2026’: 1 March 2026 to 31 May 2026." in result.output
    refused = runner.invoke(
        args=["waves", "add", "Autumn", "--since", "2026-10-01", "--until", "2026-09-01"]
    )
    assert refused.exit_code != 0
    assert "The last day must be the same as or after the first day" in refused.output
    listed = runner.invoke(args=["waves", "list"])
    assert "Spring 2026: 1 March 2026 to 31 May 2026; 0 responses" in listed.output
    assert "Autumn" not in listed.output


def test_area_attributes_load_from_the_command_line_all_or_nothing(
    db, partnership, runner, tmp_path
):
    good, bad = tmp_path / "imd.csv", tmp_path / "bad.csv"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text("area,attribute,value\nnowhere,decile,1\n", encoding="utf-8")
    result = runner.invoke(args=["areas", "load-attributes", str(good)])
    assert result.exit_code == 0, result.output
    assert "Loaded deprivation_decile for 3 wards." in result.output
    refused = runner.invoke(args=["areas", "load-attributes", str(bad)])
    assert refused.exit_code != 0
    assert "Line 2: ‘nowhere’ is not one of the partnership’s ward codes" in refused.output
    assert len(_stored(db)) == 4
