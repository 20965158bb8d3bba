"""Question types and their fixed option sets; plain data with no Flask in it."""

SINGLE = "single"
MULTIPLE = "multiple"
AGREEMENT = "agreement"
RATING = "rating"
YES_NO = "yes_no"
NUMBER = "number"
SHORT_TEXT = "short_text"
LONG_TEXT = "long_text"
AREA = "area"

TYPE_LABELS = {
    SINGLE: "Single choice",
    MULTIPLE: "Multiple choice",
    AGREEMENT: "Agreement scale (5 points and ‘don’t know’)",
    RATING: "Rating from 0 to 10",
    YES_NO: "Yes or no",
    NUMBER: "Whole number",
    SHORT_TEXT: "Short text",
    LONG_TEXT: "Long text",
    AREA: "Area (ward picker)",
}
TYPES = tuple(TYPE_LABELS)

# Types whose options the editor manages; the others have fixed or no options.
EDITABLE_OPTIONS = (SINGLE, MULTIPLE)
# Types whose options are always the same; created with the question.
FIXED_OPTIONS: dict[str, list[tuple[str, str]]] = {
    AGREEMENT: [
        ("strongly_agree", "Strongly agree"),
        ("agree", "Agree"),
        ("neither", "Neither agree nor disagree"),
        ("disagree", "Disagree"),
        ("strongly_disagree", "Strongly disagree"),
        ("dont_know", "Don’t know"),
    ],
    YES_NO: [("yes", "Yes"), ("no", "No")],
}
CHOICE_TYPES = (SINGLE, MULTIPLE, AGREEMENT, YES_NO)
# Types that may control whether a later question is shown.
CONDITION_TYPES = (SINGLE, MULTIPLE, AGREEMENT, YES_NO)
TEXT_TYPES = (SHORT_TEXT, LONG_TEXT)

DEFAULT_MAX_LENGTH = {SHORT_TEXT: 200, LONG_TEXT: 2000}
RATING_MIN, RATING_MAX = 0, 10

# Option codes that record a missing answer rather than a view ("don't know", "prefer
# not to say"): codebooks and statistics files mark their values as missing codes.
MISSING_CODES = ("dont_know", "prefer_not_to_say")
