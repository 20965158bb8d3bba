"""Residents in English, Polish and Urdu: the survey, its messages, the catalogues."""

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po

from engage.i18n import TRANSLATED_LANGUAGES
from engage.questionnaire import services, translating
from engage.questionnaire.models import QuestionnaireVersion
from engage.survey.answers import Problem, check_answers
from engage.survey.models import Response
from tests import factories
from tests.survey_walk import walk
from tests.test_survey import VALID

TRANSLATIONS = Path(__file__).parent.parent / "engage" / "translations"
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd%]")


def translate(obj, lang, **fields):
    obj.translations = {**(obj.translations or {}), lang: fields}


@pytest.fixture
def polish(db, partnership):
    """A published version 1 with some texts in Polish and Urdu; the rating is left English."""
    version = factories.make_questionnaire(partnership, publish=False)
    translate(version, "pl", title="Ankieta mieszkańców Riverside")
    translate(version.sections[0], "pl", title="Twoja okolica")
    by_code = {q.code: q for q in version.questions}
    translate(by_code["ward"], "pl", text="W którym okręgu mieszkasz?")
    translate(by_code["ward"], "ur", text="آپ کس وارڈ میں رہتے ہیں؟")
    translate(by_code["safe_dark"], "pl", text="Jak bezpiecznie czujesz się po zmroku?")
    translate(by_code["safe_dark"].options[2], "pl", label="Niebezpiecznie")
    translate(by_code["improve"].options[3], "pl", label="Nic z tych rzeczy")
    services.publish(version)
    db.session.commit()
    return version


def fields(client, lang="pl"):
    page = client.get(f"/survey/?lang={lang}").get_data(as_text=True)
    return {
        "_key": re.search(r'name="_key" value="([0-9a-f]{32})"', page).group(1),
        "_version": re.search(r'name="_version" value="(\d+)"', page).group(1),
        "_lang": re.search(r'name="_lang" value="(\w+)"', page).group(1),
    }


def test_survey_in_polish_shows_polish_questions_and_interface(client, polish):
    pages = walk(client, VALID, "?lang=pl")
    page = pages[0].html
    assert '<html lang="pl" dir="ltr"' in page
    assert "<title>Twoja okolica – Ankieta mieszkańców Riverside" in page
    assert "W którym okręgu mieszkasz?" in page
    assert "Przejdź do treści głównej" in page
    assert "Zaznacz najwyżej 2 odpowiedzi." in page
    assert "Dalej" in page
    assert pages[0].caption == "Część 1 z 3"
    assert "Niebezpiecznie" in pages[1].html
    assert 'name="_lang" value="pl"' in pages[-1].html
    assert "Wyślij odpowiedzi" in pages[-1].html


def test_missing_translation_falls_back_to_english(client, polish):
    page = client.get("/survey/?lang=pl").get_data(as_text=True)
    assert "How satisfied are you with your area? (nieobowiązkowe)" in page
    missing = {text.key for text in translating.missing_translations(polish, "pl")}
    satisfied = next(q for q in polish.questions if q.code == "satisfied")
    assert f"question-{satisfied.id}-text" in missing


def test_urdu_pages_are_right_to_left(client, polish):
    page = client.get("/survey/?lang=ur").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in page
    assert "آپ کس وارڈ میں رہتے ہیں؟" in page
    check = walk(client, VALID, "?lang=ur")[-1].html
    assert '<html lang="ur" dir="rtl"' in check
    assert "اپنے جوابات جمع کرائیں" in check


def test_language_switcher_names_each_language_in_itself(client, polish):
    page = client.get("/survey/?lang=pl").get_data(as_text=True)
    switcher = page.split('class="engage-languages"')[1].split("</nav>")[0]
    assert 'href="/survey/?lang=en" lang="en" hreflang="en"' in switcher
    assert 'href="/survey/?lang=ur" lang="ur" hreflang="ur" dir="rtl">اردو</a>' in switcher
    assert 'lang="pl" dir="ltr" aria-current="true">Polski</span>' in switcher


def test_browser_language_is_used_without_a_choice(client, polish):
    page = client.get("/survey/", headers={"Accept-Language": "pl,en;q=0.5"})
    assert "W którym okręgu mieszkasz?" in page.get_data(as_text=True)


def test_answers_in_polish_store_the_language(client, db, polish):
    response = client.post("/survey/", data={**VALID, **fields(client, "pl")})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/survey/thanks?lang=pl")
    db.session.expire_all()
    assert db.session.scalar(sa.select(Response.language)) == "pl"
    assert "Dziękujemy" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_english_answers_store_english(client, db, polish):
    assert client.post("/survey/", data={**VALID, **fields(client, "en")}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(sa.select(Response.language)) == "en"


def test_errors_are_shown_in_polish(client, db, polish):
    answers = dict(VALID, **{"q-household": "99", "q-improve": ["parks", "none"]})
    del answers["q-ward"]
    response = client.post("/survey/", data={**answers, **fields(client, "pl")})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Wystąpił problem" in page
    assert "W którym okręgu mieszkasz? – Wybierz okręg, w którym mieszkasz" in page
    assert "Wpisz liczbę całkowitą od 1 do 20" in page
    assert "Odpowiedzi ‘Nic z tych rzeczy’ nie można łączyć z innymi" in page
    assert 'name="_lang" value="pl"' in page
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 0


def test_answer_problems_read_as_english_and_carry_their_msgid():
    from types import SimpleNamespace as NS

    question = NS(
        code="n",
        type="number",
        required=False,
        min_value=1,
        max_value=20,
        condition_code=None,
        condition_options=[],
        options=[],
    )
    problem = check_answers([question], {"n": ["99"]}).errors["n"]
    assert isinstance(problem, Problem)
    assert problem == "Enter a whole number from 1 to 20"
    assert problem.msgid == "Enter a whole number from %(low)s to %(high)s"
    assert problem.params == {"low": 1, "high": 20}


def test_start_page_and_accessibility_statement_are_translated(client, partnership):
    assert "Rozpocznij ankietę" in client.get("/?lang=pl").get_data(as_text=True)
    assert 'href="/survey/?lang=pl"' in client.get("/?lang=pl").get_data(as_text=True)
    page = client.get("/accessibility?lang=ur").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in page
    assert "رسائی کا بیان" in page


def test_staff_pages_stay_in_english(client, partnership):
    page = client.get("/login?lang=pl", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_accessibility_statement_is_public_and_linked_from_every_page(app, client, partnership):
    app.config["ENGAGE_CONTACT_EMAIL"] = "access@riverside.example"
    page = client.get("/accessibility").get_data(as_text=True)
    assert "Accessibility statement" in page
    assert "WCAG 2.2" in page
    assert "Known limitations" in page
    assert 'href="mailto:access@riverside.example"' in page
    assert "Riverside Partnership" in page
    assert '<time datetime="2026-11-22">22 November 2026</time>' in page
    assert 'href="/accessibility"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("lang", TRANSLATED_LANGUAGES)
def test_every_interface_string_is_translated(lang):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalog = read_po(f, locale=lang)
    assert catalog.num_plurals == {"pl": 3, "ur": 2}[lang]
    assert f"nplurals={catalog.num_plurals};" in catalog.plural_forms
    untranslated, mismatched = [], []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(ids[0])
        wanted = sorted(PLACEHOLDER.findall(ids[0]))
        if any(sorted(PLACEHOLDER.findall(s)) != wanted for s in strings if s):
            mismatched.append(ids[0])
    assert untranslated == []
    assert mismatched == []


def test_demo_questionnaire_is_fully_translated(runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    version = db.session.scalar(sa.select(QuestionnaireVersion))
    assert len(version.questions) == 38
    for lang in TRANSLATED_LANGUAGES:
        assert translating.missing_translations(version, lang) == []
    # Seeding again changes nothing.
    before = [dict(q.translations) for q in version.questions]
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.expire_all()
    assert [dict(q.translations) for q in version.questions] == before


def test_count_messages_carry_every_polish_plural_form(app):
    from engage.i18n import plural_forms, use_language

    with app.test_request_context("/kiosk/x/"):
        use_language("pl")
        forms = json.loads(
            plural_forms(
                "%(count)s response waiting to upload", "%(count)s responses waiting to upload"
            )
        )
    assert forms["one"] == "{count} odpowiedź czeka na wysłanie"
    assert forms["few"] == "{count} odpowiedzi czekają na wysłanie"
    assert forms["many"] == "{count} odpowiedzi czeka na wysłanie"
