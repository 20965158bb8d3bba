"""The bank's text matching, with no app or database."""

from engage.bank.matching import find_matches, normalise, similarity, suggest_code
from engage.questionnaire.validation import CODE_PATTERN

BANK = [
    "Which ward do you live in?",
    "How satisfied are you with your area?",
    "How safe do you feel outside after dark?",
    "Do you have a working smoke alarm?",
    "How many people live in your home?",
]


def test_normalise_drops_case_punctuation_accents_and_function_words():
    assert normalise("How SAFE do you feel, outside after dark?") == "safe feel outside after dark"
    assert normalise("Café opening hours") == "cafe opening hours"
    assert normalise("Don’t know") == "dont know"


def test_normalise_keeps_all_words_when_only_function_words_remain():
    assert normalise("What is it?") == "what is it"


def test_reworded_question_scores_high_and_unrelated_question_low():
    assert similarity("How safe do you feel when outside after dark?", BANK[2]) >= 90
    assert similarity("How often do you use the library?", BANK[2]) < 60


def test_word_order_does_not_matter():
    assert similarity("Do you have a smoke alarm that is working?", BANK[3]) >= 80


def test_find_matches_ranks_best_first_with_percentage_scores():
    matches = find_matches("Do you have a smoke alarm that works?", BANK, str, threshold=40)
    assert matches[0].candidate == BANK[3]
    assert all(0 <= m.score <= 100 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_find_matches_leaves_out_candidates_below_threshold():
    assert find_matches("Do you own a car?", BANK, str, threshold=60) == []


def test_find_matches_keeps_given_order_for_equal_scores_and_respects_limit():
    same = ["Safe after dark?", "safe after dark", "SAFE AFTER DARK!"]
    matches = find_matches("safe after dark", same, str, threshold=60, limit=2)
    assert [m.candidate for m in matches] == same[:2]
    assert {m.score for m in matches} == {100}


def test_find_matches_reads_text_through_the_accessor():
    candidates = [{"code": "safe_dark", "text": BANK[2]}, {"code": "ward", "text": BANK[0]}]
    matches = find_matches("Feel safe outside after dark", candidates, lambda c: c["text"])
    assert [m.candidate["code"] for m in matches] == ["safe_dark"]


def test_empty_text_matches_nothing():
    assert find_matches("?!", BANK, str, threshold=0) == []


def test_suggested_code_is_valid_and_made_from_meaningful_words():
    code = suggest_code("How safe do you feel outside after dark?")
    assert code == "safe_feel_outside_after"
    assert CODE_PATTERN.match(code)


def test_suggested_code_avoids_taken_codes_and_starts_with_a_letter():
    assert suggest_code("Parks", taken={"parks", "parks_2"}) == "parks_3"
    assert suggest_code("2025 plans").startswith("q_")
    assert suggest_code("!!!") == "question"
    assert len(suggest_code("word " * 50, max_words=50, max_length=40)) <= 40


def test_option_codes_can_keep_every_word():
    code = suggest_code("Less than once a week", meaningful_only=False, max_words=6)
    assert code == "less_than_once_a_week"
