"""Labels in the analyst's chosen language: the .sav and .dta carry the Polish or Urdu
wording and option labels (codes and numbers stay the same), chosen on the downloads
page, on the command line and in the API."""

import pyreadstat
import pytest
import sqlalchemy as sa

from engage.exports import services
from engage.i18n import translated
from engage.questionnaire.models import Option
from engage.questionnaire.services import current_version
from engage.results.filters import ResultFilter


@pytest.fixture
def demo(demo_questionnaire):
    return demo_questionnaire


def _question(questionnaire, code):
    return next(q for q in current_version(questionnaire).questions if q.code == code)


@pytest.mark.parametrize("lang", ["pl", "ur"])
@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_statistics_files_carry_labels_in_the_chosen_language(demo, tmp_path, lang, fmt):
    download = services.prepare(demo, ResultFilter(), False, None, lang=lang)
    path = tmp_path / f"r.{fmt}"
    services.write_file(download, services.FORMATS[fmt], str(path))
    read = pyreadstat.read_sav if fmt == "sav" else pyreadstat.read_dta
    _, meta = read(str(path), metadataonly=True)

    question = _question(demo, "safe_after_dark")
    wording = translated(question, "text", lang)
    assert wording != question.text  # the demo translates it
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["safe_after_dark"] == wording[: 80 if fmt == "dta" else None]
    option = question.options[0]
    found = meta.variable_value_labels["safe_after_dark"][float(option.value)]
    assert found == translated(option, "label", lang)


def test_the_command_line_and_the_downloads_page_take_the_language(demo, runner, tmp_path, db):
    path = tmp_path / "r.csv"
    result = runner.invoke(
        args=["export", "responses", "--output", str(path), "--values", "labels", "--lang", "pl"]
    )
    assert result.exit_code == 0, result.output
    question = _question(demo, "safe_after_dark")
    polish = {translated(o, "label", "pl") for o in question.options}
    text = path.read_text(encoding="utf-8-sig")
    assert any(label in text for label in polish - {o.label for o in question.options})
    wrong = runner.invoke(args=["export", "responses", "--output", str(path), "--lang", "xx"])
    assert wrong.exit_code != 0


def test_the_downloads_page_offers_the_language_and_keeps_it_in_every_link(
    db, analyst_client, questionnaire
):
    page = analyst_client.get("/exports/?lang=pl")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert '<option value="pl" selected>Polish (Polski)</option>' in html
    assert "responses.csv?lang=pl" in html
    assert '<input type="hidden" name="lang" value="pl">' in html
    wrong = analyst_client.get("/exports/?lang=xx")
    assert wrong.status_code == 400
    assert "Choose the language of the labels: en, pl, ur" in wrong.get_data(as_text=True)


def test_a_prepared_download_keeps_its_language(db, analyst_client, questionnaire):
    from engage.exports.models import ExportJob

    analyst_client.post("/exports/jobs", data={"format": "sav", "lang": "ur"})

    job = db.session.scalars(db.select(ExportJob)).one()
    assert job.language == "ur"


def test_the_api_gives_labels_in_the_language_asked(db, client, partnership, questionnaire):
    from tests.test_api import bearer, make_token, submit

    _, token = make_token(db, partnership)
    stored = submit(db, questionnaire, safe="fairly")
    option = next(q for q in stored.version.questions if q.code == "safe_dark").option_by_code(
        "fairly"
    )
    db.session.execute(  # a Polish label, as the translation editor stores it
        sa.update(Option)
        .where(Option.id == option.id)
        .values(translations={"pl": {"label": "Raczej bezpiecznie"}})
    )
    db.session.commit()
    db.session.expire_all()

    def answer(query):
        body = client.get(f"/api/v1/responses?{query}", headers=bearer(token)).get_json()
        return body["data"][0]["answers"]["safe_dark"]

    assert answer("values=labels&lang=pl") == "Raczej bezpiecznie"
    assert answer("values=labels") == option.label
    assert answer("values=codes&lang=pl") == "fairly"
    assert client.get("/api/v1/responses?lang=xx", headers=bearer(token)).status_code == 400
