"""The admin's translation editor, and the list of texts residents still see in English."""

import pytest

from engage.questionnaire import services, translating
from engage.questionnaire.immutability import PublishedVersionError
from engage.questionnaire.services import QuestionnaireError
from tests import factories

BASE = "/admin/questionnaire/versions"


@pytest.fixture
def draft(db, partnership):
    """Version 1, still a draft."""
    version = factories.make_questionnaire(partnership, publish=False)
    db.session.commit()
    return version


def question(version, code):
    return next(q for q in version.questions if q.code == code)


def test_missing_translations_lists_every_text_until_translated(draft):
    texts = translating.translatable_texts(draft)
    # Title, 3 section titles, 9 questions, 4 + 3 + 6 + 2 options; blank intros and hints skipped.
    assert len(texts) == 1 + 3 + 9 + 15
    assert translating.missing_translations(draft, "pl") == texts
    ward = question(draft, "ward")
    ward.translations = {"pl": {"text": "W którym okręgu mieszkasz?"}}
    missing = translating.missing_translations(draft, "pl")
    assert len(missing) == len(texts) - 1
    assert all(text.obj is not ward for text in missing)
    assert translating.missing_translations(draft, "ur") == texts
    assert translating.missing_counts(draft) == {"pl": len(texts) - 1, "ur": len(texts)}


def test_editor_shows_english_next_to_inputs_in_the_target_language(admin_client, draft):
    page = admin_client.get(f"{BASE}/1/translations/ur").get_data(as_text=True)
    ward = question(draft, "ward")
    assert "Urdu translations" in page
    assert "Which ward do you live in?" in page
    assert f'id="question-{ward.id}-text" name="question-{ward.id}-text" rows="3"' in page
    assert 'lang="ur" dir="rtl"' in page
    assert f'id="version-{draft.id}-title"' in page


def test_saving_stores_translations_and_blank_removes_them(admin_client, db, draft):
    ward, safe = question(draft, "ward"), question(draft, "safe_dark")
    ward.translations = {"ur": {"text": "آپ کس وارڈ میں رہتے ہیں؟"}}
    db.session.commit()
    data = {
        f"question-{ward.id}-text": " W którym  okręgu mieszkasz? ",
        f"option-{safe.options[0].id}-label": "Bardzo bezpiecznie",
        f"version-{draft.id}-title": "Ankieta",
    }
    response = admin_client.post(f"{BASE}/1/translations/pl", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    assert ward.translations == {
        "ur": {"text": "آپ کس وارڈ میں رہتے ہیں؟"},
        "pl": {"text": "W którym okręgu mieszkasz?"},
    }
    assert safe.options[0].translations == {"pl": {"label": "Bardzo bezpiecznie"}}
    assert draft.translations == {"pl": {"title": "Ankieta"}}

    response = admin_client.post(
        f"{BASE}/1/translations/pl", data={f"question-{ward.id}-text": "  "}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert ward.translations == {"ur": {"text": "آپ کس وارڈ میں رہتے ہیں؟"}}
    assert draft.translations == {"pl": {"title": "Ankieta"}}


def test_too_long_translation_is_refused_and_nothing_saved(admin_client, db, draft):
    ward = question(draft, "ward")
    response = admin_client.post(
        f"{BASE}/1/translations/pl",
        data={f"version-{draft.id}-title": "Ankieta", f"question-{ward.id}-text": "x" * 501},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "must be 500 characters or fewer" in page
    assert f'href="#question-{ward.id}-text"' in page
    db.session.expire_all()
    assert draft.translations == {}


def test_draft_and_version_pages_say_what_is_not_translated(admin_client, db, draft):
    total = len(translating.translatable_texts(draft))
    question(draft, "ward").translations = {"pl": {"text": "W którym okręgu mieszkasz?"}}
    db.session.commit()
    page = admin_client.get("/admin/questionnaire/draft").get_data(as_text=True)
    assert f"Polish: {total - 1} texts not translated (residents see English)" in page
    assert f"Urdu: {total} texts not translated (residents see English)" in page
    assert f'href="{BASE}/1/translations/pl/missing"' in page
    assert f'href="{BASE}/1/translations/pl"' in page

    missing = admin_client.get(f"{BASE}/1/translations/pl/missing").get_data(as_text=True)
    assert f"Polish: {total - 1} texts not translated" in missing
    assert "How safe do you feel outside after dark?" in missing
    assert "Which ward do you live in?" not in missing


def test_published_version_lists_missing_texts_but_refuses_edits(admin_client, db, draft):
    services.publish(draft)
    db.session.commit()
    page = admin_client.get("/admin/questionnaire/versions/1").get_data(as_text=True)
    assert "Polish: " in page and "texts not translated (residents see English)" in page
    assert admin_client.get(f"{BASE}/1/translations/pl/missing").status_code == 200
    assert admin_client.get(f"{BASE}/1/translations/pl").status_code == 409
    ward = question(draft, "ward")
    response = admin_client.post(
        f"{BASE}/1/translations/pl", data={f"question-{ward.id}-text": "Okręg"}
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert ward.translations == {}


def test_published_version_refuses_translations_in_the_service_and_the_orm(db, draft):
    services.publish(draft)
    db.session.commit()
    with pytest.raises(QuestionnaireError):
        translating.save_translations(draft, "pl", {f"version-{draft.id}-title": "Ankieta"})
    db.session.rollback()
    draft.sections[0].translations = {"pl": {"title": "Twoja okolica"}}
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("lang", ["en", "de", "xx"])
def test_only_translated_languages_have_an_editor(admin_client, draft, lang):
    assert admin_client.get(f"{BASE}/1/translations/{lang}").status_code == 404


def test_unknown_version_is_not_found(admin_client, draft):
    assert admin_client.get(f"{BASE}/7/translations/pl").status_code == 404


def test_analysts_cannot_use_the_translation_editor(analyst_client, draft):
    assert analyst_client.get(f"{BASE}/1/translations/pl").status_code == 403
    assert analyst_client.post(f"{BASE}/1/translations/pl", data={}).status_code == 403
    assert analyst_client.get(f"{BASE}/1/translations/pl/missing").status_code == 403


def test_new_draft_keeps_the_published_translations(db, draft):
    question(draft, "ward").translations = {"pl": {"text": "Okręg?"}}
    services.publish(draft)
    db.session.commit()
    second = services.start_draft(draft.questionnaire)
    assert question(second, "ward").translations == {"pl": {"text": "Okręg?"}}


def test_preview_shows_the_draft_in_the_chosen_language(admin_client, db, draft):
    question(draft, "ward").translations = {"pl": {"text": "W którym okręgu mieszkasz?"}}
    db.session.commit()
    page = admin_client.get("/admin/questionnaire/draft/preview?lang=pl").get_data(as_text=True)
    assert "W którym okręgu mieszkasz?" in page
    assert "Część 1 z" in page and ">Dalej<" in page
