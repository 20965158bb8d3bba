"""Which survey questions are about who a respondent is, not what they want: age, sex and
gender, ethnicity, disability, religion, sexual orientation and the like. Their answers
are never offered as a panel's priorities ("White" or "25 to 34" is not something to fix).

The questionnaire has no field that marks such a question, so the rule reads what every
question has: its code, its English wording and its section's title ("About you", the
usual home of equality-monitoring questions). It errs on the side of leaving a question
out. No Flask in here.
"""

import re

# Whole words in a question's code: "age_band", "ethnic_group", "sex", "dob".
CODE_WORDS = frozenset(
    {
        "age",
        "ageband",
        "dob",
        "birth",
        "gender",
        "sex",
        "sexuality",
        "orientation",
        "trans",
        "transgender",
        "ethnic",
        "ethnicity",
        "race",
        "disability",
        "disabled",
        "religion",
        "religious",
        "faith",
        "belief",
        "marital",
        "pregnancy",
        "pregnant",
        "nationality",
        "carer",
        "caring",
    }
)
# Phrases in the question's wording.
WORDING = re.compile(
    r"\b(how old|your age|age group|age band|date of birth|year of birth|gender|sex|"
    r"sexual orientation|sexuality|transgender|trans|ethnic\w*|race|disab\w*|religio\w*|"
    r"marital|civil partnership|pregnan\w*|nationality)\b",
    re.IGNORECASE,
)
SECTION = re.compile(
    r"^\s*(about you(rself)?|equalit(y|ies)|diversity|demographics?)\b", re.IGNORECASE
)


def is_demographic(code: str, wording: str, section_title: str = "") -> bool:
    """Whether a question describes the respondent rather than asks what they think."""
    words = set(re.split(r"[^a-z0-9]+", code.lower()))
    return bool(
        words & CODE_WORDS or WORDING.search(wording) or SECTION.search(section_title or "")
    )
