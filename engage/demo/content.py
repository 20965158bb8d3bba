"""The demo partnership as plain data: agencies, wards, logins and the joint questionnaire.

Brackenford is a made-up city. Question wording is our own, written to be read
easily (short sentences, everyday words). Each question lists the agencies that
would otherwise ask it in a survey of their own.
"""

from typing import Any

PARTNERSHIP = {
    "slug": "brackenford",
    "name": "Brackenford Community Safety and Wellbeing Partnership",
}

# (slug, name, short_name)
AGENCIES = [
    ("council", "Brackenford City Council", "City Council"),
    ("police", "Northvale Police", "Police"),
    ("housing", "Brackenford Homes Housing Association", "Brackenford Homes"),
    ("fire", "Northvale Fire and Rescue Service", "Fire and Rescue"),
    ("health", "Brackenford Health and Care Partnership", "Health"),
    ("vcs", "Brackenford Voluntary and Community Sector Network", "VCS Network"),
]
ALL_AGENCIES = tuple(slug for slug, _name, _short in AGENCIES)

# (code, name)
WARDS = [
    ("castle", "Castle"),
    ("hollins_park", "Hollins Park"),
    ("millbrook", "Millbrook"),
    ("northgate", "Northgate"),
    ("st_annes", "St Anne’s"),
    ("wharfside", "Wharfside"),
]

# Demo accounts only: the password is printed by the command, so never seed in production.
DEMO_PASSWORD = "brackenford-demo"  # noqa: S105  # nosec B105  # demo only, printed on seeding
# (email, role, agency slug, name)
USERS = [
    ("admin@demo.engage.test", "admin", "council", "Demo Administrator"),
    ("analyst@demo.engage.test", "analyst", "health", "Demo Analyst"),
    ("facilitator@demo.engage.test", "facilitator", "vcs", "Demo Facilitator"),
]

# One upcoming event, so the kiosk can be tried straight away. Found again by name.
EVENT: dict[str, Any] = {
    "name": "Hollins Park Community Fun Day",
    "place": "Hollins Park pavilion",
    "ward": "hollins_park",  # the default ward
    "days_ahead": 14,  # from the day of the first seed
    "idle_seconds": 120,
}

QUESTIONNAIRE_TITLE = "Living in Brackenford"
VERSION_TITLE = "Living in Brackenford: residents’ survey"
VERSION_INTRO = (
    "Tell us what it is like to live in Brackenford. It takes about 10 minutes. "
    "Only the first question must be answered. You can skip any other question. "
    "We do not ask for your name."
)

# An option is (code, label) or (code, label, exclusive).
PREFER_NOT_TO_SAY = ("prefer_not_to_say", "Prefer not to say", True)
NONE_OF_THESE = ("none", "None of these", True)

SAFE = [
    ("very_safe", "Very safe"),
    ("fairly_safe", "Fairly safe"),
    ("a_bit_unsafe", "A bit unsafe"),
    ("very_unsafe", "Very unsafe"),
    ("dont_know", "Don’t know"),
]

SECTIONS: list[dict[str, Any]] = [
    {
        "title": "Your area",
        "intro": "These questions are about the area where you live.",
        "questions": [
            {
                "code": "ward",
                "type": "area",
                "required": True,
                "text": "Which ward do you live in?",
                "hint": "If you are not sure, choose the one nearest your home.",
                "agencies": ALL_AGENCIES,
            },
            {
                "code": "years_in_area",
                "type": "number",
                "min_value": 0,
                "max_value": 100,
                "text": "How many years have you lived in this area?",
                "hint": "If it is less than 1 year, enter 0.",
                "agencies": ("council", "housing", "vcs"),
            },
            {
                "code": "area_rating",
                "type": "rating",
                "text": "How good is your area as a place to live?",
                "agencies": ("council", "housing", "police"),
            },
            {
                "code": "area_improve",
                "type": "multiple",
                "max_choices": 3,
                "text": "What would most improve your area?",
                "agencies": ("council", "police", "housing", "vcs"),
                "options": [
                    ("cleaner_streets", "Cleaner streets with less litter"),
                    ("parks", "Better parks and green spaces"),
                    ("youth_activities", "More things for young people to do"),
                    ("road_safety", "Safer roads and less speeding"),
                    ("street_lighting", "Better street lighting"),
                    ("less_asb", "Less anti-social behaviour"),
                    ("better_housing", "Better homes"),
                    ("transport", "Better buses and transport"),
                    ("meeting_places", "More places for people to meet"),
                    NONE_OF_THESE,
                ],
            },
            {
                "code": "area_best",
                "type": "short_text",
                "max_length": 150,
                "text": "What is the best thing about living here?",
                "hint": "A few words is fine.",
                "agencies": ("council", "vcs"),
            },
        ],
    },
    {
        "title": "Feeling safe",
        "intro": "These questions are about feeling safe in your area and at home.",
        "questions": [
            {
                "code": "safe_after_dark",
                "ordered": True,
                "type": "single",
                "text": "How safe do you feel walking alone in your area after dark?",
                "agencies": ("police", "council", "housing"),
                "options": SAFE,
            },
            {
                "code": "unsafe_reasons",
                "type": "multiple",
                "show_if": ("safe_after_dark", ["a_bit_unsafe", "very_unsafe"]),
                "text": "What makes you feel unsafe?",
                "agencies": ("police", "council"),
                "options": [
                    ("poor_lighting", "Poor street lighting"),
                    ("groups", "Groups of people hanging around"),
                    ("drugs", "Drug use or drug dealing"),
                    ("drinking", "People drinking in the street"),
                    ("traffic", "Fast or dangerous traffic"),
                    ("quiet_streets", "The streets are empty or quiet"),
                    ("past_experience", "Something that happened to me or someone I know"),
                    ("other", "Something else"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "asb_problem",
                "type": "agreement",
                "text": "Anti-social behaviour is a problem where I live.",
                "hint": "This means things like loud noise, damage, or people being rude "
                "or threatening.",
                "agencies": ("police", "housing", "council"),
            },
            {
                "code": "issues_dealt_with",
                "type": "agreement",
                "text": "The police and council deal with the things that matter in my area.",
                "agencies": ("police", "council"),
            },
            {
                "code": "crime_victim",
                "type": "yes_no",
                "text": "In the last 12 months, has a crime happened to you or your home?",
                "hint": "For example, something stolen or damaged, or someone hurting you.",
                "agencies": ("police", "vcs"),
            },
            {
                "code": "smoke_alarm",
                "type": "yes_no",
                "text": "Do you have a smoke alarm that works in your home?",
                "hint": "Press the test button to check. If it beeps, it works.",
                "agencies": ("fire", "housing"),
            },
        ],
    },
    {
        "title": "Having a say",
        "intro": "",
        "questions": [
            {
                "code": "influence_decisions",
                "type": "agreement",
                "text": "I can have a say in decisions about my area.",
                "agencies": ("council", "vcs", "police"),
            },
            {
                "code": "feel_informed",
                "ordered": True,
                "type": "single",
                "text": "How well do local services keep you informed about what they do?",
                "agencies": ("council", "police", "housing", "fire", "health"),
                "options": [
                    ("very_well", "Very well"),
                    ("fairly_well", "Fairly well"),
                    ("not_very_well", "Not very well"),
                    ("not_at_all", "Not at all"),
                    ("dont_know", "Don’t know"),
                ],
            },
            {
                "code": "hear_from_us",
                "type": "multiple",
                "text": "How would you like to hear from local services?",
                "agencies": ("council", "police", "housing", "fire", "health"),
                "options": [
                    ("email", "Email"),
                    ("text_message", "Text message"),
                    ("letter", "Letter"),
                    ("social_media", "Social media"),
                    ("website", "Website"),
                    ("newsletter", "A printed newsletter"),
                    ("meetings", "Community meetings"),
                    ("no_contact", "I do not want to hear from them", True),
                ],
            },
            {
                "code": "one_thing",
                "type": "long_text",
                "max_length": 1000,
                "text": "If you could tell local services one thing, what would it be?",
                "hint": "Please do not write your name or anyone else’s.",
                "agencies": ALL_AGENCIES,
            },
        ],
    },
    {
        "title": "Local services",
        "intro": "",
        "questions": [
            {
                "code": "council_rating",
                "type": "rating",
                "text": "How happy are you with the way the council runs things?",
                "agencies": ("council",),
            },
            {
                "code": "gp_access",
                "ordered": True,
                "type": "single",
                "text": "How easy is it to see a GP when you need to?",
                "agencies": ("health",),
                "options": [
                    ("very_easy", "Very easy"),
                    ("fairly_easy", "Fairly easy"),
                    ("fairly_hard", "Fairly hard"),
                    ("very_hard", "Very hard"),
                    ("not_tried", "I have not tried"),
                    ("dont_know", "Don’t know"),
                ],
            },
            {
                "code": "housing_tenant",
                "type": "yes_no",
                "text": "Do you rent your home from Brackenford Homes?",
                "agencies": ("housing",),
            },
            {
                "code": "repairs_rating",
                "type": "rating",
                "show_if": ("housing_tenant", ["yes"]),
                "text": "How good is the repairs service from Brackenford Homes?",
                "agencies": ("housing",),
            },
            {
                "code": "services_work_together",
                "type": "agreement",
                "text": "Local services work well together.",
                "agencies": ALL_AGENCIES,
            },
        ],
    },
    {
        "title": "Getting on together",
        "intro": "",
        "questions": [
            {
                "code": "get_on_well",
                "type": "agreement",
                "text": "People from different backgrounds get on well in my area.",
                "agencies": ("council", "police", "vcs"),
            },
            {
                "code": "belonging",
                "ordered": True,
                "type": "single",
                "text": "How strongly do you feel you belong to your neighbourhood?",
                "agencies": ("council", "vcs", "health"),
                "options": [
                    ("very_strongly", "Very strongly"),
                    ("fairly_strongly", "Fairly strongly"),
                    ("not_very_strongly", "Not very strongly"),
                    ("not_at_all", "Not at all"),
                    ("dont_know", "Don’t know"),
                ],
            },
            {
                "code": "lonely",
                "ordered": True,
                "type": "single",
                "text": "How often do you feel lonely?",
                "agencies": ("health", "vcs", "council"),
                "options": [
                    ("often", "Often or always"),
                    ("some_of_the_time", "Some of the time"),
                    ("now_and_then", "Now and then"),
                    ("hardly_ever", "Hardly ever"),
                    ("never", "Never"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "treated_unfairly",
                "type": "yes_no",
                "text": "In the last 12 months, has anyone treated you unfairly because of "
                "who you are?",
                "hint": "For example, because of your age, race, religion, disability, sex "
                "or who you love.",
                "agencies": ("police", "council", "vcs"),
            },
        ],
    },
    {
        "title": "Health and wellbeing",
        "intro": "",
        "questions": [
            {
                "code": "general_health",
                "ordered": True,
                "type": "single",
                "text": "How is your health in general?",
                "agencies": ("health", "council"),
                "options": [
                    ("very_good", "Very good"),
                    ("good", "Good"),
                    ("fair", "Fair"),
                    ("bad", "Bad"),
                    ("very_bad", "Very bad"),
                ],
            },
            {
                "code": "life_happiness",
                "type": "rating",
                "text": "Thinking about your life as a whole, how happy are you at the moment?",
                "agencies": ("health", "vcs", "council"),
            },
            {
                "code": "active_days",
                "type": "number",
                "min_value": 0,
                "max_value": 7,
                "text": "Last week, on how many days were you active for 30 minutes or more?",
                "hint": "Active means anything that makes you breathe faster, like fast "
                "walking, cycling or sport.",
                "agencies": ("health", "council"),
            },
            {
                "code": "money_worry",
                "ordered": True,
                "type": "single",
                "text": "How often do you worry about paying for food, heating or bills?",
                "agencies": ("council", "housing", "health", "vcs"),
                "options": [
                    ("often", "Often"),
                    ("sometimes", "Sometimes"),
                    ("rarely", "Rarely"),
                    ("never", "Never"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "help_wanted",
                "type": "multiple",
                "text": "Would you like help or advice with any of these?",
                "agencies": ("health", "council", "fire", "housing", "vcs"),
                "options": [
                    ("money", "Money or debt"),
                    ("energy_bills", "Heating or energy bills"),
                    ("mental_health", "Mental health"),
                    ("getting_active", "Getting more active"),
                    ("stop_smoking", "Stopping smoking"),
                    ("fire_safety", "Fire safety at home"),
                    ("loneliness", "Feeling lonely"),
                    NONE_OF_THESE,
                ],
            },
        ],
    },
    {
        "title": "Volunteering and getting involved",
        "intro": "",
        "questions": [
            {
                "code": "volunteered",
                "type": "yes_no",
                "text": "In the last 12 months, have you given unpaid help to a group, "
                "club or charity?",
                "agencies": ("vcs", "council"),
            },
            {
                "code": "volunteer_types",
                "type": "multiple",
                "show_if": ("volunteered", ["yes"]),
                "text": "What kind of group did you help?",
                "agencies": ("vcs",),
                "options": [
                    ("sport", "Sport or fitness"),
                    ("young_people", "Schools or young people"),
                    ("faith", "A faith group"),
                    ("health_care", "Health, care or disability"),
                    ("environment", "Environment or animals"),
                    ("neighbourhood", "A neighbourhood or residents’ group"),
                    ("other", "Something else"),
                ],
            },
            {
                "code": "volunteer_interest",
                "type": "single",
                "text": "Would you like to help out in your area?",
                "hint": "For example, as a volunteer, a special constable or a "
                "community fire helper.",
                "agencies": ("vcs", "police", "fire", "health"),
                "options": [
                    ("yes", "Yes"),
                    ("maybe", "Maybe"),
                    ("no", "No"),
                    ("already", "I already help out"),
                ],
            },
        ],
    },
    {
        "title": "About you",
        "intro": "These questions help us check we hear from everyone. "
        "You can choose ‘Prefer not to say’ for any of them.",
        "questions": [
            {
                "code": "age_band",
                "ordered": True,
                "type": "single",
                "text": "How old are you?",
                "agencies": ALL_AGENCIES,
                "options": [
                    ("age_16_24", "16 to 24"),
                    ("age_25_34", "25 to 34"),
                    ("age_35_44", "35 to 44"),
                    ("age_45_54", "45 to 54"),
                    ("age_55_64", "55 to 64"),
                    ("age_65_74", "65 to 74"),
                    ("age_75_plus", "75 or over"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "gender",
                "type": "single",
                "text": "How would you describe your gender?",
                "agencies": ALL_AGENCIES,
                "options": [
                    ("woman", "Woman"),
                    ("man", "Man"),
                    ("another_way", "In another way"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "disability",
                "ordered": True,
                "type": "single",
                "text": "Do you have a health condition or disability that makes "
                "day-to-day life harder?",
                "agencies": ("health", "council", "fire", "housing"),
                "options": [
                    ("yes_a_lot", "Yes, a lot"),
                    ("yes_a_little", "Yes, a little"),
                    ("no", "No"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "ethnic_group",
                "type": "single",
                "text": "Which of these best describes your ethnic group?",
                "agencies": ALL_AGENCIES,
                "options": [
                    ("asian", "Asian or Asian British"),
                    ("black", "Black, Black British, Caribbean or African"),
                    ("mixed", "Mixed or more than one ethnic group"),
                    ("white", "White"),
                    ("other", "Another ethnic group"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "tenure",
                "type": "single",
                "text": "Which of these best describes your home?",
                "agencies": ("housing", "council", "fire"),
                "options": [
                    ("owned", "I own it, with or without a mortgage"),
                    ("social_rent", "I rent it from a housing association or the council"),
                    ("private_rent", "I rent it from a private landlord"),
                    ("family_friends", "I live with family or friends"),
                    ("other", "Something else"),
                    PREFER_NOT_TO_SAY,
                ],
            },
            {
                "code": "caring",
                "type": "multiple",
                "text": "Do you look after anyone without being paid?",
                "agencies": ("health", "vcs", "council"),
                "options": [
                    ("child", "A child under 16"),
                    ("ill_or_disabled", "Someone who is ill or disabled"),
                    ("older_person", "An older person who needs help"),
                    ("no_one", "No, I do not look after anyone", True),
                    PREFER_NOT_TO_SAY,
                ],
            },
        ],
    },
]

# Headline questions the demo shows on the public "you said" page, ward by ward.
PUBLIC_RESULTS = ("area_rating", "area_improve", "safe_after_dark", "feel_informed")

# A panel recruiting its members, so selection by lot can be tried straight away: its
# quotas come from the demo's population targets, and made-up volunteers (more women,
# more older people, and a few sharing an address, as real pools have) are in its pool.
PANEL: dict[str, Any] = {
    "name": "Brackenford residents' panel",
    "description": "Twenty-four residents chosen by lot to weigh up the survey's findings "
    "and rank the partnership's priorities for next year.",
    "size": 24,
    "variables": ["ward", "age_band", "gender"],
    "volunteers": 150,
    "seed": 2026,
}
FIRST_NAMES = (  # noqa: SIM905
    "Aisha Alan Amara Anna Bilal Beth Carys Connor Dawn Dev Ella Ewan Fatima Finn Grace "
    "Hamza Holly Imran Iris Jack Jas Kasia Kieran Layla Liam Maya Mohammed Nadia Owen "
    "Priya Rhys Rosa Sam Sana Tomasz Una Yusuf Zara"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Ahmed Bailey Begum Clarke Davies Evans Hughes Hussain Jones Khan Kowalski Lewis "
    "Morgan Nowak Patel Price Roberts Shah Smith Taylor Thomas Walsh Williams Wright"
).split()
STREETS = ("Mill Lane", "Church Street", "Hollins Road", "Canal Side", "Park View", "Station Road")
