"""A citizens' panel from volunteers to members: recruitment, a published pool, a draw
anyone can repeat, replacements, and contact details kept sealed and kept short."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from engage.jobs.models import Job
from engage.panels.models import VoterCode
from engage.selection.models import InvitationCode, Recruitment, Volunteer
from engage.sortition.draw_cli import panel_draw_command
from engage.survey.models import Response
from tests import factories, panel_factories
from tests.test_survey import VALID, post

QUOTAS = """category,feature,min,max,category_label,feature_label
gender,f,2,2,Gender,Woman
gender,m,2,2,Gender,Man
age,young,1,3,Age,16 to 44
age,old,1,3,Age,45 or over
"""
PEOPLE = [
    ("Ann Archer", "f", "young"),
    ("Bea Brook", "f", "old"),
    ("Cat Cole", "f", "old"),
    ("Dee Dale", "f", "young"),
    ("Eve Ewing", "f", "old"),
    ("Finn Ford", "m", "young"),
    ("Gus Grey", "m", "old"),
    ("Hal Hart", "m", "young"),
    ("Ian Irwin", "m", "old"),
]
# Only the contact details carry this; a leak anywhere is found by looking for it.
SECRET_EMAIL = "zelda.quockerwodger@example.org"
SECRET_NAME = "Zelda Quockerwodger"


def volunteer_list(people=PEOPLE) -> bytes:
    lines = ["name,email,phone,address,postcode,gender,age"]
    for number, (name, gender, age) in enumerate(people, start=1):
        email = name.lower().replace(" ", ".") + "@example.org"
        lines.append(f"{name},{email},,{number} Mill Lane,RV{number} 1AA,{gender},{age}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def panel(db, partnership, facilitator_client):
    made = panel_factories.make_panel(partnership, facilitator_client.user)
    db.session.commit()
    return made


def started(client, panel, *, size=4, quotas=QUOTAS, household=True, open_=True):
    base = f"/panels/{panel.id}/selection"
    assert client.post(f"{base}/start").status_code == 302
    form = {"panel_size": str(size), "ends_on": "2027-03-31"}
    if household:
        form["household_rule"] = "y"
    if open_:
        form["registration_open"] = "y"
    assert client.post(f"{base}/settings", data=form).status_code == 302
    assert client.post(f"{base}/quotas", data={"quotas": quotas}).status_code == 302
    return base


def import_people(client, base, people=PEOPLE):
    from io import BytesIO

    response = client.post(
        f"{base}/import",
        data={"volunteers": (BytesIO(volunteer_list(people)), "people.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def register(client, token, **overrides):
    form = {
        "q_gender": "f",
        "q_age": "young",
        "name": SECRET_NAME,
        "email": SECRET_EMAIL,
        "address": "99 Secret Row",
        "postcode": "RV9 9ZZ",
        **overrides,
    }
    return client.post(f"/join/panel/{token}", data=form)


def recruitment(db, panel) -> Recruitment:
    db.session.expire_all()
    found = db.session.get(Recruitment, panel.id)
    assert found is not None
    return found


def test_a_panel_is_published_drawn_and_the_draw_repeated_from_the_public_file(
    db, panel, facilitator_client, client, runner, tmp_path
):
    base = started(facilitator_client, panel)
    import_people(facilitator_client, base)
    r = recruitment(db, panel)
    assert register(client, r.public_token).status_code == 200
    assert facilitator_client.post(f"{base}/publish").status_code == 302
    r = recruitment(db, panel)
    assert r.published_pool is not None and not r.registration_open

    public = client.get(f"/selection/{r.public_token}")
    page = public.get_data(as_text=True)
    assert public.status_code == 200
    assert "Every volunteer’s chance" in page
    assert SECRET_NAME not in page and "Mill Lane" not in page
    # Two seats each for six women and four men: a third of the women, half the men.
    probabilities = re.search(r'id="probabilities".*?</table>', page, re.S).group(0)
    assert probabilities.count("33.3%") == 6 and probabilities.count("50.0%") == 4
    assert re.search(r'id="minimum">33.3%', page)
    assert "Not fixed yet" in page

    # Registration is closed once the pool is published.
    assert register(client, r.public_token).status_code == 404
    assert (
        facilitator_client.post(
            f"{base}/seed", data={"seed": "271828", "how": "Numbers drawn at the meeting"}
        ).status_code
        == 302
    )
    assert facilitator_client.post(f"{base}/draw").status_code == 302
    r = recruitment(db, panel)
    chosen = r.draws[0]["selected"]
    assert len(chosen) == 4
    selected = db.session.scalars(
        sa.select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.status == "selected")
    ).all()
    assert sorted(v.pool_number for v in selected) == chosen
    assert sorted(v.features["gender"] for v in selected) == ["f", "f", "m", "m"]

    pool_file = tmp_path / "pool.json"
    pool_file.write_bytes(client.get(f"/selection/{r.public_token}/pool.json").data)
    assert json.loads(pool_file.read_text())["seed"] == 271828
    assert SECRET_EMAIL not in pool_file.read_text()
    rerun = runner.invoke(panel_draw_command, [str(pool_file), "--format", "json"])
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(rerun.output)["selected"] == chosen
    shown = client.get(f"/selection/{r.public_token}").get_data(as_text=True)
    assert "271828" in shown and ", ".join(str(n) for n in chosen) in shown


def test_replacements_keep_the_quotas_and_say_so(db, panel, facilitator_client):
    base = started(facilitator_client, panel)
    import_people(facilitator_client, base)
    facilitator_client.post(f"{base}/publish")
    facilitator_client.post(f"{base}/seed", data={"seed": "5"})
    facilitator_client.post(f"{base}/draw")
    r = recruitment(db, panel)
    first = r.draws[0]["selected"]
    gone = first[0]
    answer = facilitator_client.post(
        f"{base}/replace", data={"dropped": str(gone), "replace_seed": "9"}
    )
    assert answer.status_code == 302
    r = recruitment(db, panel)
    record = r.draws[1]
    assert record["dropped"] == [gone] and len(record["selected"]) == 1
    assert record["selected"][0] not in first
    assert record["broken"] == []
    selected = db.session.scalars(
        sa.select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.status == "selected")
    ).all()
    assert len(selected) == 4
    assert sorted(v.features["gender"] for v in selected) == ["f", "f", "m", "m"]
    # A number that is not a selected member is refused, and nothing changes.
    refused = facilitator_client.post(f"{base}/replace", data={"dropped": "999"})
    assert refused.status_code == 400
    assert "999" in refused.get_data(as_text=True)
    assert len(recruitment(db, panel).draws) == 2


def test_a_replacement_that_cannot_keep_a_quota_names_it(db, panel, facilitator_client):
    # Exactly two men volunteer: when one drops out no man is left to replace him.
    people = [p for p in PEOPLE if p[1] == "f"] + [
        ("Finn Ford", "m", "young"),
        ("Gus Grey", "m", "old"),
    ]
    base = started(facilitator_client, panel)
    import_people(facilitator_client, base, people)
    facilitator_client.post(f"{base}/publish")
    facilitator_client.post(f"{base}/seed", data={"seed": "5"})
    facilitator_client.post(f"{base}/draw")
    recruitment(db, panel)
    men = [
        v.pool_number
        for v in db.session.scalars(sa.select(Volunteer).where(Volunteer.panel_id == panel.id))
        if v.features["gender"] == "m"
    ]
    facilitator_client.post(f"{base}/replace", data={"dropped": str(men[0]), "replace_seed": "1"})
    record = recruitment(db, panel).draws[-1]
    assert {(b["category"], b["feature"]) for b in record["broken"]} >= {("gender", "m")}
    assert "gender=m" in record["message"]
    page = facilitator_client.get(f"{base}").get_data(as_text=True)
    assert "Missed" in page


def test_infeasible_quotas_are_explained_with_the_smallest_relaxation(
    db, panel, facilitator_client
):
    strict = QUOTAS.replace("gender,m,2,2", "gender,m,2,2").replace(
        "age,young,1,3", "age,young,4,4"
    )
    base = started(facilitator_client, panel, quotas=strict)
    import_people(facilitator_client, base)
    assert facilitator_client.post(f"{base}/publish").status_code == 302
    assert recruitment(db, panel).published_pool is None
    page = facilitator_client.get(base).get_data(as_text=True)
    assert "The pool was not published" in page
    assert "age=young" in page
    refusal = re.search(r'id="publication-refused".*?</div></div></div>', page, re.S).group(0)
    assert "age=young 4–4 (pool has 4), age=old 1–3 (pool has 5) cannot all be met" in refusal
    assert "The smallest change that makes a draw possible" in refusal
    # Either of two changes of one seat each is a smallest one.
    assert "age=old&#39;s minimum from 1 to 0" in refusal or (
        "age=young&#39;s minimum from 4 to 3" in refusal
    )
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert job.status == "failed"


def test_a_refused_quota_file_keeps_what_was_typed_and_stores_nothing(
    db, panel, facilitator_client
):
    base = started(facilitator_client, panel)
    typed = "category,feature,min,max\ngender,f,3,1\ngender,m,x,2\n"
    refused = facilitator_client.post(f"{base}/quotas", data={"quotas": typed})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Line 2: min 3 is more than max 1." in page
    assert "Line 3: min must be a whole number" in page
    assert "gender,m,x,2" in page
    assert len(recruitment(db, panel).quotas) == 4
    # The same categories again, with new numbers, replace the old rows.
    changed = QUOTAS.replace("age,young,1,3", "age,young,0,4")
    assert facilitator_client.post(f"{base}/quotas", data={"quotas": changed}).status_code == 302
    rows = recruitment(db, panel).quotas
    quotas = {(q.category, q.feature): (q.minimum, q.maximum) for q in rows}
    assert len(quotas) == 4 and quotas["age", "young"] == (0, 4)


def test_a_refused_registration_keeps_the_answers_and_stores_nothing(
    db, panel, facilitator_client, client
):
    started(facilitator_client, panel)
    token = recruitment(db, panel).public_token
    refused = register(client, token, q_age="", email="", address="", name="Yusuf")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Answer ‘Age’." in page
    assert "Give an email address, a phone number or a postal address" in page
    assert 'value="Yusuf"' in page
    assert re.search(r'value="f"\s+checked', page)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Volunteer)) == 0


def test_letters_go_to_a_documented_random_sample_and_each_code_registers_once(
    db, panel, facilitator_client, client
):
    from io import BytesIO

    base = started(facilitator_client, panel)
    addresses = "line1,town,postcode\n" + "".join(
        f"{n} Orchard Way,Riverside,RV{n} 2BB\n" for n in range(1, 41)
    )
    printed = facilitator_client.post(
        f"{base}/letters",
        data={
            "addresses": (BytesIO(addresses.encode()), "addresses.csv"),
            "count": "5",
            "seed": "77",
        },
        content_type="multipart/form-data",
    )
    page = printed.get_data(as_text=True)
    assert printed.status_code == 200
    assert printed.headers["Cache-Control"] == "no-store"
    codes = re.findall(r'class="engage-card__code">([A-Z0-9-]{14})<', page)
    assert len(codes) == 5
    # The sample is the documented one: random.Random(77).sample(range(40), 5).
    import random

    expected = sorted(random.Random(77).sample(range(40), 5))  # noqa: S311
    for index in expected:
        assert f"{index + 1} Orchard Way" in page
    assert recruitment(db, panel).letter_batches[0]["seed"] == 77
    stored = db.session.scalars(sa.select(InvitationCode)).all()
    assert len(stored) == 5 and all(codes[0] not in c.code_hash for c in stored)

    first = client.post("/join/letter", data={"code": codes[0].lower()})
    assert first.status_code == 200 and "Register for" in first.get_data(as_text=True)
    done = client.post(
        "/join/letter",
        data={
            "code": codes[0],
            "step": "answers",
            "q_gender": "m",
            "q_age": "old",
            "name": "Ravi",
            "phone": "01234 567890",
        },
    )
    assert done.status_code == 200, done.get_data(as_text=True)
    again = client.post("/join/letter", data={"code": codes[0]})
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert client.post("/join/letter", data={"code": "AAAA-BBBB-CCCC"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Volunteer)) == 1


def test_quotas_follow_the_population_targets(db, panel, facilitator_client, questionnaire):
    from engage.weighting.models import TargetSet
    from engage.weighting.services import store_targets
    from engage.weighting.targets import read

    targets = read("variable,value,population\nward,north,500\nward,south,300\nward,east,200\n")
    target_set = store_targets(
        questionnaire.questionnaire, targets, "default", date(2025, 6, 30), "t.csv", None
    )
    db.session.commit()
    base = started(facilitator_client, panel, size=10)
    answer = facilitator_client.post(
        f"{base}/quotas/derive", data={"target_set": str(target_set.id), "variable": ["ward"]}
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    quotas = {q.feature: (q.minimum, q.maximum) for q in recruitment(db, panel).quotas}
    assert quotas == {"north": (5, 5), "south": (3, 3), "east": (2, 2)}
    assert isinstance(target_set, TargetSet)


def test_selected_members_get_voter_codes_by_letter_and_nothing_links_them(
    db, panel, partnership, facilitator_client
):
    base = started(facilitator_client, panel)
    import_people(facilitator_client, base)
    facilitator_client.post(f"{base}/publish")
    facilitator_client.post(f"{base}/seed", data={"seed": "3"})
    facilitator_client.post(f"{base}/draw")
    vote = panel_factories.make_vote(partnership, facilitator_client.user, panel=panel)
    db.session.commit()
    printed = facilitator_client.post(f"{base}/member-letters", data={"vote": str(vote.id)})
    page = printed.get_data(as_text=True)
    assert printed.status_code == 200
    selected = db.session.scalars(
        sa.select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.status == "selected")
    ).all()
    assert len(re.findall(r'class="engage-card__code">', page)) == 4
    assert db.session.scalar(sa.select(sa.func.count()).where(VoterCode.vote_id == vote.id)) == 4
    names = re.findall(r"Dear ([A-Za-z ]+), you have been chosen", page)
    assert len(names) == 4
    columns = {c.name for c in VoterCode.__table__.columns} | {
        c.name for c in Volunteer.__table__.columns
    }
    assert not {"volunteer_id", "voter_code_id"} & columns
    assert len(selected) == 4
    again = facilitator_client.post(f"{base}/member-letters", data={"vote": str(vote.id)})
    assert again.status_code == 400 and "printed already" in again.get_data(as_text=True)


def test_only_the_panels_own_facilitators_see_contact_details(
    app, db, panel, partnership, facilitator_client, admin_client
):
    base = started(facilitator_client, panel)
    import_people(facilitator_client, base)
    mine = facilitator_client.get(f"{base}/volunteers")
    assert mine.status_code == 200 and "Ann Archer" in mine.get_data(as_text=True)
    other = factories.make_user(partnership, "facilitator", email="other@example.org")
    db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": other.email, "password": factories.PASSWORD})
    for someone in (client, admin_client):
        refused = someone.get(f"{base}/volunteers")
        assert refused.status_code == 403
        assert "Ann Archer" not in refused.get_data(as_text=True)
    # The overview, open to every facilitator, shows counts, not people.
    overview = client.get(base).get_data(as_text=True)
    assert "10 volunteers" in overview or "9 volunteers" in overview
    assert "Ann Archer" not in overview


def _every_stored_value(db) -> str:
    """Every row of every table, as text: what someone reading the database sees."""
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                found.append(repr(tuple(row)))
    return "\n".join(found)


def test_contact_details_are_sealed_at_rest_and_absent_from_exports_and_logs(
    app, db, panel, facilitator_client, client, runner, caplog, tmp_path, questionnaire
):
    caplog.set_level("DEBUG")
    base = started(facilitator_client, panel)
    assert register(client, recruitment(db, panel).public_token).status_code == 200
    post(client, VALID)
    stored = _every_stored_value(db)
    for secret in (SECRET_EMAIL, SECRET_NAME, "Secret Row", "RV9 9ZZ", "RV99ZZ"):
        assert secret not in stored
        assert secret.encode() not in stored.encode("unicode_escape")
    url = str(db.engine.url)
    if url.startswith("sqlite"):
        raw = b"".join(
            p.read_bytes() for p in Path(db.engine.url.database).parent.glob("engage.sqlite3*")
        )
        assert SECRET_EMAIL.encode() not in raw and b"Secret Row" not in raw
    # Every row-level download of the survey data, and the API's rows.
    for fmt in ("csv", "jsonl", "xlsx", "sav", "dta", "datapackage", "r", "codebook"):
        target = tmp_path / f"responses-{fmt}"
        result = runner.invoke(
            args=["export", "responses", "--output", str(target), "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        written = target.read_bytes()
        assert written and SECRET_EMAIL.encode() not in written and b"Secret Row" not in written
    from tests.test_api import bearer, make_token

    _, token = make_token(db, panel.partnership, agency_slug="police")
    rows = client.get("/api/v1/responses", headers=bearer(token))
    assert rows.status_code == 200 and SECRET_EMAIL not in rows.get_data(as_text=True)
    logged = caplog.text + "".join(
        p.read_text(errors="replace") for p in Path(app.instance_path).glob("*.log")
    )
    assert SECRET_EMAIL not in logged and SECRET_NAME not in logged
    page = facilitator_client.get(f"{base}/volunteers").get_data(as_text=True)
    assert SECRET_EMAIL in page  # it can be read back, with the key


def test_the_retention_command_deletes_contact_details_from_the_files(
    db, panel, facilitator_client, client, runner
):
    base = started(facilitator_client, panel)
    register(client, recruitment(db, panel).public_token)
    facilitator_client.post(
        f"{base}/settings",
        data={"panel_size": "4", "ends_on": "2027-03-31", "household_rule": "y"},
    )
    r = recruitment(db, panel)
    assert r.retention_until == date(2027, 6, 29)  # 90 days after the panel ends
    box = db.session.scalar(sa.select(Volunteer.contact))
    assert box and SECRET_EMAIL.encode() not in box
    early = runner.invoke(args=["selection", "delete-contacts", "--today", "2027-06-28"])
    assert "No panel" in early.output
    assert db.session.scalar(sa.select(Volunteer.contact)) is not None
    due = runner.invoke(args=["selection", "delete-contacts", "--today", "2027-06-29"])
    assert due.exit_code == 0, due.output
    assert "Deleted the contact details of 1 volunteers" in due.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(Volunteer.contact)) is None
    assert recruitment(db, panel).contacts_deleted_at is not None
    if str(db.engine.url).startswith("sqlite"):
        raw = b"".join(
            p.read_bytes() for p in Path(db.engine.url.database).parent.glob("engage.sqlite3*")
        )
        assert box[:32] not in raw
    else:
        with db.engine.connect() as connection:
            dead = connection.execute(
                sa.text("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'volunteer'")
            ).scalar()
        assert not dead
    refused = facilitator_client.get(f"{base}/volunteers").get_data(as_text=True)
    assert "Deleted" in refused


def test_a_survey_response_and_a_registration_in_one_visit_share_nothing(
    db, panel, facilitator_client, client, runner, questionnaire
):
    started(facilitator_client, panel)
    token = recruitment(db, panel).public_token
    thanks = post(client, VALID)
    assert thanks.status_code == 303
    page = client.get(thanks.headers["Location"]).get_data(as_text=True)
    assert "/join/" in page  # the thank-you page offers the panel...
    link = re.search(r'href="(/join/[^"]*)"', page).group(1)
    assert "?" not in link or "lang=" in link  # ...by a link that carries no answers
    assert register(client, token).status_code == 200
    response = db.session.scalar(sa.select(Response))
    volunteer = db.session.scalar(sa.select(Volunteer))
    volunteer_columns = {c.name for c in Volunteer.__table__.columns}
    assert not {c for c in volunteer_columns if c[-2:] == "at" or "time" in c or "response" in c}
    response_values = {str(getattr(response, c.name)) for c in Response.__table__.columns}
    volunteer_values = {
        str(getattr(volunteer, c)) for c in ("id", "household", "source", "pool_number")
    }
    assert not (response_values & volunteer_values) - {"None", "", "1"}
    before = volunteer.id
    assert runner.invoke(args=["selection", "shuffle"]).exit_code == 0
    db.session.expire_all()
    after = db.session.scalar(sa.select(Volunteer))
    assert after.id != before
    if not str(db.engine.url).startswith("sqlite"):
        with db.engine.connect() as connection:
            xmins = (
                connection.execute(sa.text("SELECT xmin::text::bigint FROM volunteer"))
                .scalars()
                .all()
            )
            survey = connection.execute(sa.text("SELECT xmin::text::bigint FROM response")).scalar()
        assert all(x > survey + 1 for x in xmins)


def test_the_survey_thanks_page_says_nothing_of_panels_when_none_recruits(client, questionnaire):
    thanks = post(client, VALID)
    page = client.get(thanks.headers["Location"]).get_data(as_text=True)
    assert "/join/" not in page


def test_quota_questions_derived_from_the_questionnaire_are_asked_in_the_residents_language(
    db, client, runner
):
    from engage.selection.models import Recruitment as Found

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    found = db.session.scalars(sa.select(Found)).one()
    page = client.get(f"/join/panel/{found.public_token}?lang=pl").get_data(as_text=True)
    assert "Ile masz lat?" in page and "Od 16 do 24" in page
    refused = client.post(f"/join/panel/{found.public_token}?lang=pl", data={"name": "Ola"})
    assert "Odpowiedz na pytanie „Ile masz lat?”." in refused.get_data(as_text=True)
    assert 'value="Ola"' in refused.get_data(as_text=True)


def test_the_start_page_points_residents_to_a_panel_only_while_one_recruits(
    db, panel, facilitator_client, client
):
    assert "/join/" not in client.get("/").get_data(as_text=True)
    base = started(facilitator_client, panel)
    start = client.get("/?lang=pl").get_data(as_text=True)
    assert 'href="/join/?lang=pl"' in start and "Dołącz do panelu obywatelskiego" in start
    listed = client.get("/join/").get_data(as_text=True)
    assert panel.name in listed
    facilitator_client.post(f"{base}/settings", data={"panel_size": "4"})  # registration closed
    assert "/join/" not in client.get("/").get_data(as_text=True)
    assert panel.name not in client.get("/join/").get_data(as_text=True)


def test_deleting_contact_details_early_asks_for_confirmation(db, panel, facilitator_client):
    base = started(facilitator_client, panel)
    import_people(facilitator_client, base)
    unconfirmed = facilitator_client.post(f"{base}/delete-contacts")
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(Volunteer.contact.is_(None))) == 0
    done = facilitator_client.post(f"{base}/delete-contacts", data={"confirm": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(Volunteer.contact.is_not(None))) == 0
