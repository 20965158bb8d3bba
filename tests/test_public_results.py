"""The public "you said" page: opted-in questions only, per ward, suppressed, inert."""

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from engage.audit.models import AuditEntry
from engage.events import services as events
from engage.questionnaire import services
from engage.questionnaire.models import BankQuestion
from engage.timeutil import utcnow
from tests import factories
from tests.test_aggregates import answer, many


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


def said_sections(page: str) -> dict[str, str]:
    """Each question's part of the page, by its heading."""
    parts = re.findall(r'<section class="engage-said".*?</section>', page, re.S)
    return {re.search(r"<h2[^>]*>(.*?)</h2>", p).group(1): p for p in parts}


def agreeing(db, questionnaire, strongly, agree, disagree, when=None):
    """Respondents in the north ward answering the agreement question."""
    for n, choice in ((strongly, "strongly_agree"), (agree, "agree"), (disagree, "disagree")):
        for _ in range(n):
            answer(
                db,
                questionnaire,
                when=when,
                ward=["north"],
                safe_dark=["very"],
                police_agree=[choice],
            )


def test_a_scale_is_summed_up_in_tens_with_its_base_and_period(db, questionnaire, admin_client):
    agreeing(db, questionnaire, 14, 21, 0, when=datetime(2026, 3, 3, 11, tzinfo=UTC))
    agreeing(db, questionnaire, 0, 0, 15, when=datetime(2026, 11, 18, 15, tzinfo=UTC))
    many(db, questionnaire, 12, ward=["south"], safe_dark=["fairly"])
    many(db, questionnaire, 30, ward=["south"], safe_dark=["very"])
    db.session.commit()
    opt_in(admin_client, "police_agree", "safe_dark")
    page = admin_client.application.test_client().get("/you-said").get_data(as_text=True)
    sections = said_sections(page)
    scale = sections["The police deal with what matters here."]
    # 35 of 50 agree: 70%.
    assert "About 7 in 10 people chose ‘Strongly agree’ or ‘Agree’." in scale
    assert "Based on 50 answers." in scale
    assert "Answers from 3 March 2026 to 18 November 2026." in scale
    assert 'role="img"' in scale and "Strongly agree: 28.0%; Agree: 42.0%" in scale
    # Not a scale: the answer most people chose, with its percentage (80 of 92).
    safe = sections["How safe do you feel outside after dark?"]
    assert "The most common answer was ‘Very safe’ (87.0%)." in safe
    assert "Based on 92 answers." in safe
    # The figures by ward sit in a disclosure, headed outside their scrolling box.
    assert '<details class="govuk-details">' in scale
    heading = re.search(r'<h3 class="govuk-heading-s" id="([^"]+)">By ward: ', scale).group(1)
    assert f'role="region" aria-labelledby="{heading}" tabindex="0"' in scale


def test_a_hidden_figure_gives_no_number_but_says_it_is_hidden(db, questionnaire, admin_client):
    agreeing(db, questionnaire, 8, 20, 12)  # "Strongly agree" under 10: hidden
    many(db, questionnaire, 3, ward=["south"], safe_dark=["unsafe"], satisfied=["2"])
    db.session.commit()
    opt_in(admin_client, "police_agree", "satisfied")
    page = admin_client.application.test_client().get("/you-said").get_data(as_text=True)
    sections = said_sections(page)
    scale = sections["The police deal with what matters here."]
    sentence = re.search(r'engage-said__summary">([^<]*)<', scale).group(1)
    assert sentence == (
        "How many people chose ‘Strongly agree’ or ‘Agree’ is hidden to protect their privacy."
    )
    assert not re.search(r"\d", sentence)
    rating = sections["How satisfied are you with your area?"]
    assert "Fewer than 10 people have answered, so the figures are hidden" in rating
    assert "Based on fewer than 10 answers." in rating
    assert "Answers from" not in rating  # not even the days, when the base is hidden


def test_the_sentences_are_in_polish_and_urdu(db, questionnaire, admin_client):
    agreeing(db, questionnaire, 14, 21, 15, when=datetime(2026, 3, 3, 11, tzinfo=UTC))
    agreeing(db, questionnaire, 0, 10, 0, when=datetime(2026, 3, 5, 11, tzinfo=UTC))
    db.session.commit()
    opt_in(admin_client, "police_agree")
    visitor = admin_client.application.test_client()
    polish = visitor.get("/you-said?lang=pl").get_data(as_text=True)
    # 45 of 60: 75% rounds to 8 in 10 ("wybrało": the form for 5 and more).
    assert "Około 8 na 10 osób wybrało" in polish
    assert "Na podstawie 60 odpowiedzi." in polish
    assert "Odpowiedzi udzielone od 3 marca 2026 do 5 marca 2026." in polish
    urdu = visitor.get("/you-said?lang=ur").get_data(as_text=True)
    assert "10 میں سے تقریباً 8 لوگوں نے" in urdu
    assert "60 جوابات کی بنیاد پر۔" in urdu
    assert 'direction="rtl"' in urdu


def test_people_in_ten_round_to_the_nearest_whole_and_say_so():
    from engage.percent import percent_text
    from engage.results import plain_words

    def sentence(first, second, kind="agreement", ordered=False, counts=(1, 1)):
        options = [
            {"code": "a", "label": "Yes please", "count": counts[0], "percent": first},
            {"code": "b", "label": "Maybe", "count": counts[1], "percent": second},
            {"code": "c", "label": "No", "count": 10, "percent": 10.0},
            {"code": "d", "label": "Never", "count": 10, "percent": 10.0},
        ]
        result = {"type": kind, "respondents": 100, "k": 10, "options": options}
        # Flask-Babel's signatures: ngettext gives the message its number as num.
        english = (
            (lambda s, **v: s % v),
            (lambda s, p, n, **v: (s if n == 1 else p) % {"num": n, **v}),
        )
        return plain_words.summary(result, ordered, *english, percent_text)

    assert sentence(30.0, 34.9) == "About 6 in 10 people chose ‘Yes please’ or ‘Maybe’."
    assert sentence(30.0, 35.0) == "About 7 in 10 people chose ‘Yes please’ or ‘Maybe’."
    assert sentence(2.0, 2.9).startswith("Fewer than 1 in 10 people chose")
    assert sentence(60.0, 35.0).startswith("Nearly everyone who answered chose")
    # An unordered single choice names its most chosen answer; a tie names both.
    assert sentence(40.0, 20.0, "single", counts=(40, 20)) == (
        "The most common answer was ‘Yes please’ (40.0%)."
    )
    assert sentence(30.0, 30.0, "single", counts=(30, 30)) == (
        "‘Yes please’ and ‘Maybe’ were chosen equally often (30.0% each)."
    )
    # An ordered single choice of four answers or more is a scale.
    assert sentence(40.0, 20.0, "single", ordered=True).startswith("About 6 in 10")
