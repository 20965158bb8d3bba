"""The public "you said" page: opted-in questions only, per ward, suppressed, inert."""

from datetime import timedelta

import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.events import services as events
from engage.questionnaire import services
from engage.questionnaire.models import BankQuestion
from engage.timeutil import utcnow
from tests import factories
from tests.test_aggregates import many


def opt_in(admin_client, *codes):
    return admin_client.post("/results/public-questions", data={"codes": list(codes)})


def test_admin_opts_questions_in_and_the_choice_is_audited(db, questionnaire, admin_client):
    page = admin_client.get("/results/public-questions").get_data(as_text=True)
    assert 'value="safe_dark"' in page
    assert 'value="why_unsafe"' not in page  # free text is never offered
    assert opt_in(admin_client, "safe_dark", "satisfied", "why_unsafe").status_code == 302
    db.session.expire_all()
    public = db.session.scalars(
        sa.select(BankQuestion.code).where(BankQuestion.public_results.is_(True))
    )
    assert sorted(public) == ["safe_dark", "satisfied"]
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "public_results"))
    assert "safe_dark" in entry.detail


def test_only_opted_in_questions_appear_per_ward_with_suppression(db, questionnaire, admin_client):
    many(db, questionnaire, 25, ward=["north"], safe_dark=["very"], satisfied=["8"])
    many(db, questionnaire, 20, ward=["south"], safe_dark=["fairly"], satisfied=["6"])
    many(db, questionnaire, 9, ward=["east"], safe_dark=["unsafe"], why_unsafe=["Dark alley"])
    db.session.commit()
    opt_in(admin_client, "safe_dark", "satisfied")
    page = admin_client.application.test_client().get("/you-said").get_data(as_text=True)
    assert "How safe do you feel outside after dark?" in page
    assert "How satisfied are you with your area?" in page
    assert "What would most improve your area?" not in page
    assert "Dark alley" not in page and "What makes you feel unsafe?" not in page
    assert "&lt;10" in page  # the east ward's 9 respondents
    assert ">100.0%<" in page  # north: all 25 very safe
    assert ">8.0<" in page  # north's average satisfaction


def test_nothing_opted_in_shows_no_results(client, questionnaire):
    response = client.get("/you-said")
    assert response.status_code == 200
    assert "There are no results to show yet" in response.get_data(as_text=True)


def published_with(db, partnership, **changes):
    """Version 1 with the safe_dark question changed before publishing."""
    version = factories.make_questionnaire(partnership, publish=False)
    question = next(q for q in version.questions if q.code == "safe_dark")
    for name, value in changes.items():
        setattr(question, name, value)
    services.publish(version)
    db.session.commit()
    return version


def test_question_text_markup_is_inert(db, partnership, admin_client):
    published_with(db, partnership, text='<script>alert("x")</script>Safe?')
    opt_in(admin_client, "safe_dark")
    page = admin_client.application.test_client().get("/you-said").get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_you_said_page_is_translated(db, partnership, admin_client):
    published_with(
        db, partnership, translations={"pl": {"text": "Jak bezpiecznie czujesz się po zmroku?"}}
    )
    opt_in(admin_client, "safe_dark")
    page = admin_client.application.test_client().get("/you-said?lang=pl").get_data(as_text=True)
    assert '<html lang="pl"' in page
    assert "Jak bezpiecznie czujesz się po zmroku?" in page


def test_survey_and_thank_you_pages_link_to_you_said(db, client, questionnaire):
    event = events.create_event(
        questionnaire.questionnaire.partnership,
        events.EventFields(name="Fun day", starts_on=utcnow().date() + timedelta(days=3)),
    )
    db.session.commit()
    assert 'href="/you-said"' in client.get("/survey/").get_data(as_text=True)
    assert 'href="/you-said"' in client.get("/survey/thanks").get_data(as_text=True)
    kiosk = client.get(f"/kiosk/{event.kiosk_token}/en/thanks").get_data(as_text=True)
    # On a shared tablet the address is shown with a QR code, not as a link away from it.
    assert "http://localhost/you-said</strong>" in kiosk
    assert 'href="/you-said"' not in kiosk and "<svg" in kiosk
