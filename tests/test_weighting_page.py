"""The weighting page: an admin loads targets (refused whole, saying why, keeping what
was typed) and the weights are computed; staff see the schemes and their reports."""

import io

import sqlalchemy as sa

from engage.weighting.models import ResponseWeight, TargetSet
from engage.weighting.services import scheme_named
from tests.test_weighted_results import MARGINS, signed_in


def _form(text: str, **fields):
    data = {
        "scheme": "default",
        "describes": ["30", "6", "2025"],
        "cap": "",
        **fields,
    }
    data["targets"] = (io.BytesIO(text.encode()), "population.csv")
    return data


def _admin(app, db, questionnaire):
    return signed_in(app, db, questionnaire, "admin")


def test_an_admin_loads_targets_and_the_weights_are_computed(app, db, demo_questionnaire):
    client = _admin(app, db, demo_questionnaire)
    sent = client.post(
        "/results/weighting/targets",
        data=_form(MARGINS, scheme="sexward", cap="6"),
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    scheme = scheme_named(demo_questionnaire, "sexward")
    assert scheme.cap == 6 and scheme.computed_at is not None
    assert scheme.current.describes.isoformat() == "2025-06-30"
    stored = db.session.scalar(
        sa.select(sa.func.count()).where(ResponseWeight.scheme_id == scheme.id)
    )
    assert stored == 300
    page = client.get("/results/weighting/").get_data(as_text=True)
    assert "population.csv, describing 30 June 2025" in page
    assert "<code>gender</code> (2 values), <code>ward</code> (6 values); 100,000 residents" in page
    assert "Converged after" in page and "At most 6.0 times the mean weight" in page


def test_a_bad_targets_file_is_refused_whole_and_the_form_keeps_what_was_typed(
    app, db, demo_questionnaire
):
    client = _admin(app, db, demo_questionnaire)
    before = db.session.scalar(sa.select(sa.func.count(TargetSet.id)))
    bad = MARGINS.replace("ward,wharfside,15000", "ward,atlantis,15000")
    refused = client.post(
        "/results/weighting/targets",
        data=_form(bad, scheme="mine", cap="4.5"),
        content_type="multipart/form-data",
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "population.csv: nothing was loaded." in page
    assert "Line 9: ‘ward’ has no value ‘atlantis’" in page
    assert 'value="mine"' in page and 'value="4.5"' in page and 'value="2025"' in page
    assert db.session.scalar(sa.select(sa.func.count(TargetSet.id))) == before
    wrong = client.post(
        "/results/weighting/targets",
        data=_form(MARGINS, scheme="no spaces", cap="1", describes=["30", "13", "2025"]),
        content_type="multipart/form-data",
    )
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 400
    assert "The scheme name can only have letters, digits, - and _" in text
    assert "The cap must be more than 1" in text
    assert "month" in text.lower()


def test_analysts_see_the_schemes_but_cannot_load_or_compute(app, db, demo_questionnaire):
    client = signed_in(app, db, demo_questionnaire, "analyst")
    page = client.get("/results/weighting/")
    assert page.status_code == 200
    assert "‘default’" in page.get_data(as_text=True)  # the demo's targets
    assert "Load population targets" not in page.get_data(as_text=True)
    assert client.post("/results/weighting/default/compute").status_code == 403
    sent = client.post(
        "/results/weighting/targets", data=_form(MARGINS), content_type="multipart/form-data"
    )
    assert sent.status_code == 403


def test_with_no_responses_yet_the_page_says_so_instead_of_naming_a_ward(app, db):
    from engage.demo.seed import seed_demo
    from engage.partnership.services import current_partnership
    from engage.questionnaire.services import questionnaire_for
    from engage.results import weight_jobs

    seed_demo()
    db.session.commit()
    ended = weight_jobs.recompute_stale()
    assert [job.status for job in ended] == ["failed"]
    assert ended[0].problems == ["There are no responses to weight yet."]
    assert weight_jobs.recompute_stale() == []  # not tried again until responses come
    client = _admin(app, db, questionnaire_for(current_partnership()))
    page = client.get("/results/weighting/").get_data(as_text=True)
    assert "There are no responses to weight yet." in page
