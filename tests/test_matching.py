"""The bank's text matching and the XLSForm importer's matcher, with no app or database."""

from dataclasses import replace

from engage.bank.matching import find_matches, normalise, similarity, suggest_code
from engage.questionnaire import types
from engage.questionnaire.validation import CODE_PATTERN
from engage.xlsform.similarity import (
    OPTION_WEIGHT,
    Asked,
    comparable,
    match_score,
    option_overlap,
)
from engage.xlsform.similarity import score as similarity_score

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


# The XLSForm importer's matcher (engage.xlsform.similarity): kind, type, then options.

AGE_BANDS = ["16 to 24", "25 to 34", "35 to 44", "45 to 54", "55 to 64", "65 or over"]
AGE_BAND = Asked("How old are you?", types.SINGLE, AGE_BANDS)
TENANT = Asked(
    "Do you rent your home from Brackenford Homes?", types.YES_NO, ["Yes", "No"], ["yes", "no"]
)


def test_a_note_or_acknowledgement_never_matches_a_question_however_alike():
    for kind in ("note", "acknowledge", "trigger"):
        ours = Asked(TENANT.text, types.YES_NO, ["Yes", "No"], ["yes", "no"], kind=kind)
        assert match_score(ours, TENANT) is None
    consent = Asked("I agree: Brackenford Homes may contact me", types.YES_NO, kind="acknowledge")
    assert match_score(consent, TENANT) is None


def test_a_number_never_matches_a_banded_choice_question_even_with_the_same_words():
    for kind in ("integer", "decimal", "range"):
        ours = Asked("How old are you?", types.NUMBER, kind=kind)
        assert match_score(ours, AGE_BAND) is None
    assert match_score(Asked("How old are you?", types.SHORT_TEXT, kind="text"), AGE_BAND) is None
    assert not comparable("integer", types.RATING, types.AGREEMENT)


def test_types_of_one_family_are_compared():
    years = Asked("How many years have you lived here?", types.NUMBER, kind="integer")
    assert match_score(years, Asked("How many years have you lived here?", types.NUMBER)) == 100
    assert match_score(years, Asked("How many years have you lived here?", types.RATING)) == 100
    story = Asked("Tell us about your area.", types.LONG_TEXT, kind="text")
    assert match_score(story, Asked("Tell us about your area.", types.SHORT_TEXT)) == 100
    bands = Asked("How old are you?", types.SINGLE, AGE_BANDS, kind="select one")
    assert match_score(bands, AGE_BAND) == 100
    # A bank question whose type is not known is not ruled out.
    assert match_score(years, Asked("How many years have you lived here?")) == 100


def test_shared_options_raise_the_score_and_different_options_lower_it():
    text = "How old are you now?"
    same = Asked(text, types.SINGLE, AGE_BANDS, kind="select one")
    other = Asked(text, types.SINGLE, ["Under 18", "18 or over"], kind="select one")
    text_only = similarity_score(text, AGE_BAND.text, [], [])
    assert OPTION_WEIGHT < text_only <= 100 - OPTION_WEIGHT
    assert match_score(same, AGE_BAND) == text_only + OPTION_WEIGHT
    assert match_score(other, AGE_BAND) == text_only - OPTION_WEIGHT
    assert match_score(same, AGE_BAND) > match_score(other, AGE_BAND)


def test_options_count_by_name_when_their_labels_are_worded_differently():
    ours = Asked(
        "Age?", types.SINGLE, ["16-24", "25+"], ["age_16_24", "age_25_plus"], kind="select one"
    )
    theirs = Asked("Age?", types.SINGLE, ["16 to 24", "25 or over"], ["age_16_24", "age_25_plus"])
    assert option_overlap(ours.options, theirs.options) == 0
    assert option_overlap(ours.options, theirs.options, ours.option_names, theirs.option_names) == 1
    assert match_score(ours, theirs) == 100


def test_yes_and_no_in_common_add_nothing_but_different_lists_still_take_away():
    alarm = Asked(
        "Do you rent a home with a smoke alarm?", types.YES_NO, ["Yes", "No"], ["yes", "no"]
    )
    text_only = similarity_score(alarm.text, TENANT.text, [], [])
    assert match_score(replace(alarm, kind="select one"), TENANT) == text_only
    scale = Asked(alarm.text, types.SINGLE, ["Always", "Never"], kind="select one")
    assert match_score(scale, TENANT) == text_only - OPTION_WEIGHT
