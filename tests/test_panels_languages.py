"""Members and the public in Polish and Urdu: the ballot, its confirmation and the results."""

import re

import pytest

from engage.panels.ballot_box import ballots, codes, paper
from engage.panels.models import STV, VOTING
from engage.panels.outcome import tally
from engage.panels.process import phases
from tests.panel_factories import PASSPHRASE, facilitator, ids, make_vote

TITLES = ("Parks", "Potholes", "Street lighting", "Less litter")
RANKINGS = (
    [("Parks", "Potholes")] * 5
    + [("Potholes", "Street lighting")] * 2
    + [("Street lighting",)] * 2
    + [("Less litter", "Parks", "Street lighting")]
)


@pytest.fixture
def user(db, partnership):
    return facilitator(partnership)


@pytest.fixture
def voting(db, partnership, user):
    vote = make_vote(partnership, user, VOTING, titles=TITLES)
    (card,) = codes.generate_codes(vote, 1, user)
    db.session.commit()
    return vote, card.code


@pytest.fixture
def published(db, partnership, user):
    """An STV count with a surplus, exclusions, a paper ballot, and one receipt to check."""
    vote = make_vote(partnership, user, VOTING, titles=TITLES, method=STV, seats=2)
    issued = codes.generate_codes(vote, len(RANKINGS) + 1, user)
    receipts = [
        ballots.cast_ballot(vote, codes.member_for_code(vote, card.code), ids(vote, *ranking))
        for card, ranking in zip(issued, RANKINGS, strict=False)
    ]
    phases.close_voting(vote, user, early=True)
    paper.enter_paper_ballot(vote, ids(vote, "Street lighting"), user)
    tally.run_count(vote, user, PASSPHRASE)
    phases.publish_results(vote, user)
    db.session.commit()
    return vote, receipts[0], issued[-1].code


def signed_in(client, vote, code):
    """The client signed in with the card's code, as a member does."""
    response = client.post("/vote/enter", data={"code": code})
    assert response.status_code == 303, response.get_data(as_text=True)[:1000]
    assert response.headers["Location"].endswith(f"/vote/{vote.id}")
    return client


def text(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def visible(html):
    """The page's words without tags or bidi isolates, for matching whole sentences."""
    return re.sub(r"<[^>]+>", "", html).replace("\u2068", "").replace("\u2069", "")


def rank_form(vote, **ranks):
    return {f"rank-{option.id}": ranks.get(option.title, "") for option in vote.active_options}


def test_the_ballot_and_its_confirmation_are_in_polish(client, voting):
    vote, code = voting
    signed_in(client, vote, code)
    page = text(client.get(f"/vote/{vote.id}/ballot?lang=pl"))
    assert '<html lang="pl" dir="ltr"' in page
    assert "Pierwszemu wyborowi daj 1, drugiemu 2 i tak dalej." in page
    assert "Miejsce dla ‘Parks’" in page and "Poza rankingiem" in page
    assert 'data-text-added="Dodano %(title)s do Twojego rankingu' not in page
    assert 'data-text-added="Dodano {title} do Twojego rankingu na {place}. miejscu"' in page
    assert "Give your first choice 1" not in page and "Rank the options" not in page
    form = rank_form(vote, Parks="1", Potholes="3")
    page = text(client.post(f"/vote/{vote.id}/ballot?lang=pl", data=form))
    assert "Sprawdź swój ranking" in page and "Oddaj głos" in page
    assert "W numeracji zabrakło jakiejś liczby" in page  # 1 and 3 are closed up
    assert "<bdi>Parks</bdi>" in page and "<bdi>Potholes</bdi>" in page
    assert "Check your ranking" not in page and "Cast my vote" not in page


def test_the_ballot_and_its_confirmation_are_in_urdu_right_to_left(client, voting):
    vote, code = voting
    signed_in(client, vote, code)
    page = text(client.get(f"/vote/{vote.id}/ballot?lang=ur"))
    assert '<html lang="ur" dir="rtl"' in page
    assert "اپنی پہلی پسند کو 1، دوسری کو 2 دیں" in page
    assert "Give your first choice 1" not in page
    form = rank_form(vote, Parks="1", Potholes="2")
    page = text(client.post(f"/vote/{vote.id}/ballot?lang=ur", data=form))
    assert '<html lang="ur" dir="rtl"' in page
    assert "اپنی ترتیب جانچیں" in page and "میرا ووٹ ڈالیں" in page
    assert "<bdi>Parks</bdi>" in page and "<bdi>Street lighting</bdi>" in page
    assert "Check your ranking" not in page
    page = text(client.post(f"/vote/{vote.id}/cast?lang=ur", data=form))
    assert "آپ کا ووٹ محفوظ ہو گیا ہے" in page and "Your vote has been recorded" not in page


def test_the_public_results_are_in_polish(client, published):
    vote, _, _ = published
    page = text(client.get(f"/priorities/{vote.public_token}?lang=pl"))
    words = visible(page)
    assert '<html lang="pl" dir="ltr"' in page
    assert "Wybrane priorytety" in words and "Jak przebiegało liczenie" in words
    assert "Nadwyżka opcji Parks" in words and "Less litter odpada" in words
    assert "Wybrana jako 1. na etapie 1" in words
    assert "11 (10 przez internet, 1 na papierze)" in words
    quota = "4 głosy: opcja, która zdobędzie tyle głosów, zostaje wybrana (do wyboru 2 priorytety)"
    assert quota in words
    assert "Etap 2 (nadwyżka opcji Parks): dokąd przeszły głosy z Parks: Potholes (1)." in words
    assert '<title id="flow-chart-title">Jak głosy przechodziły' in page
    assert '<title id="stage-1-chart-title">Wykres słupkowy głosów na etapie 1' in page
    for english in ("Elected priorities", "How the count went", "Surplus of", "Check your receipt"):
        assert english not in page
    # Option titles are the panel's own words, never translated.
    assert "<li>Parks</li>" in page and "<li>Street lighting</li>" in page


def test_the_public_results_are_in_urdu_right_to_left(client, published):
    vote, _, _ = published
    page = text(client.get(f"/priorities/{vote.public_token}?lang=ur"))
    words = visible(page)
    assert '<html lang="ur" dir="rtl"' in page
    assert "منتخب ترجیحات" in words and "گنتی کیسے ہوئی" in words and "اپنی رسید جانچیں" in words
    assert "Parks کے زائد ووٹ" in words and "Less litter خارج" in words
    assert "Elected priorities" not in page and "First preferences" not in page
    # Titles keep their own direction: <bdi> in the HTML, Unicode isolates inside sentences.
    assert "<li><bdi>Parks</bdi></li><li><bdi>Street lighting</bdi></li>" in page
    assert "\u2068Parks\u2069 کے زائد ووٹ" in page
    # The pictures are mirrored to read from the right.
    assert page.count('direction="rtl"') == len(vote.result["stages"]) + 1
    switcher = page.split('class="engage-languages"')[1].split("</nav>")[0]
    assert f'href="/priorities/{vote.public_token}?lang=pl"' in switcher


def test_a_receipt_check_is_answered_in_the_page_language(client, published):
    vote, receipt, _ = published
    url = f"/priorities/{vote.public_token}"
    words = visible(text(client.get(f"{url}?lang=pl&receipt={receipt}")))
    assert f"Twoja karta {receipt} została policzona: 1 Parks, 2 Potholes" in words
    page = text(client.get(f"{url}?lang=ur&receipt=ZZZZZ-ZZZZZ"))
    assert "کسی بیلٹ کی رسید \u2068ZZZZZ\u2011ZZZZZ\u2069 نہیں ہے" in page  # kept on one line
    assert '<input type="hidden" name="lang" value="ur">' in page
    page = text(client.get(f"{url}?lang=pl&receipt=12"), status=400)
    assert "Wystąpił problem" in page and "Wpisz potwierdzenie tak, jak je otrzymano" in page


def test_the_browser_language_is_used_without_a_choice(client, published):
    vote, _, _ = published
    page = text(client.get(f"/priorities/{vote.public_token}", headers={"Accept-Language": "ur"}))
    assert '<html lang="ur" dir="rtl"' in page and "منتخب ترجیحات" in page


def test_members_see_their_results_in_their_language(app, published):
    vote, receipt, code = published
    member = signed_in(app.test_client(), vote, code)
    page = text(member.get(f"/vote/{vote.id}/results?lang=pl&receipt={receipt}"))
    assert '<html lang="pl" dir="ltr"' in page
    assert "Wybrane priorytety" in page and "Twoja karta" in page
    assert f'href="/vote/{vote.id}?lang=pl"' in page  # the way back keeps the language
    stranger = app.test_client().get(f"/vote/{vote.id}/results?lang=ur")
    assert stranger.location.endswith("/vote/enter?lang=ur")


def test_the_facilitators_preview_stays_english_unless_asked(facilitator_client, published):
    vote, _, _ = published
    url = f"/panels/votes/{vote.id}/results"
    page = text(facilitator_client.get(url, headers={"Accept-Language": "pl"}))
    assert '<html lang="en"' in page and "Elected priorities" in page
    assert 'class="engage-languages"' not in page
    page = text(facilitator_client.get(f"{url}?lang=pl"))
    assert "Wybrane priorytety" in page
