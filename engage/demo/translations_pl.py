"""Polish texts of the demo questionnaire, keyed by section position and question code."""

TITLE = "Życie w Brackenford: ankieta dla mieszkańców"
INTRO = (
    "Powiedz nam, jak się żyje w Brackenford. Ankieta zajmuje około 10 minut. "
    "Trzeba odpowiedzieć tylko na pierwsze pytanie. Każde inne pytanie możesz pominąć. "
    "Nie pytamy o imię i nazwisko."
)

# (title, intro) for each section, in order; "" where the English has no intro.
SECTIONS = [
    ("Twoja okolica", "Te pytania dotyczą okolicy, w której mieszkasz."),
    (
        "Poczucie bezpieczeństwa",
        "Te pytania dotyczą poczucia bezpieczeństwa w okolicy i w domu.",
    ),
    ("Wpływ na decyzje", ""),
    ("Usługi lokalne", ""),
    ("Życie w sąsiedztwie", ""),
    ("Zdrowie i samopoczucie", ""),
    ("Wolontariat i zaangażowanie", ""),
    (
        "O Tobie",
        "Te pytania pomagają nam sprawdzić, czy słyszymy głos wszystkich. "
        "Przy każdym z nich możesz wybrać ‘Wolę nie odpowiadać’.",
    ),
]

# Labels of options that many questions share (agreement, yes/no and the like).
SHARED_OPTIONS = {
    "strongly_agree": "Zdecydowanie się zgadzam",
    "agree": "Zgadzam się",
    "neither": "Ani się zgadzam, ani nie zgadzam",
    "disagree": "Nie zgadzam się",
    "strongly_disagree": "Zdecydowanie się nie zgadzam",
    "dont_know": "Nie wiem",
    "yes": "Tak",
    "no": "Nie",
    "prefer_not_to_say": "Wolę nie odpowiadać",
    "none": "Nic z tych rzeczy",
    "other": "Coś innego",
}

SAFE = {
    "very_safe": "Bardzo bezpiecznie",
    "fairly_safe": "Raczej bezpiecznie",
    "a_bit_unsafe": "Trochę niebezpiecznie",
    "very_unsafe": "Bardzo niebezpiecznie",
}

QUESTIONS: dict[str, dict] = {
    "ward": {
        "text": "W którym okręgu mieszkasz?",
        "hint": "Jeśli nie masz pewności, wybierz okręg najbliżej domu.",
    },
    "years_in_area": {
        "text": "Od ilu lat mieszkasz w tej okolicy?",
        "hint": "Jeśli krócej niż rok, wpisz 0.",
    },
    "area_rating": {"text": "Jak dobrze mieszka się w Twojej okolicy?"},
    "area_improve": {
        "text": "Co najbardziej poprawiłoby Twoją okolicę?",
        "options": {
            "cleaner_streets": "Czystsze ulice i mniej śmieci",
            "parks": "Lepsze parki i tereny zielone",
            "youth_activities": "Więcej zajęć dla młodzieży",
            "road_safety": "Bezpieczniejsze drogi i mniej szybkiej jazdy",
            "street_lighting": "Lepsze oświetlenie ulic",
            "less_asb": "Mniej zachowań aspołecznych",
            "better_housing": "Lepsze mieszkania",
            "transport": "Lepsze autobusy i komunikacja",
            "meeting_places": "Więcej miejsc, gdzie ludzie mogą się spotykać",
        },
    },
    "area_best": {
        "text": "Co jest najlepsze w mieszkaniu tutaj?",
        "hint": "Wystarczy kilka słów.",
    },
    "safe_after_dark": {
        "text": "Jak bezpiecznie czujesz się, idąc sam lub sama po okolicy po zmroku?",
        "options": SAFE,
    },
    "unsafe_reasons": {
        "text": "Co sprawia, że nie czujesz się bezpiecznie?",
        "options": {
            "poor_lighting": "Słabe oświetlenie ulic",
            "groups": "Grupy ludzi przesiadujące na ulicy",
            "drugs": "Zażywanie narkotyków lub handel nimi",
            "drinking": "Ludzie pijący alkohol na ulicy",
            "traffic": "Szybki lub niebezpieczny ruch",
            "quiet_streets": "Ulice są puste lub ciche",
            "past_experience": "Coś, co przydarzyło się mnie lub komuś, kogo znam",
        },
    },
    "asb_problem": {
        "text": "Zachowania aspołeczne to problem tam, gdzie mieszkam.",
        "hint": "Chodzi o takie rzeczy jak głośny hałas, niszczenie mienia albo ludzi, "
        "którzy są niegrzeczni lub grożą innym.",
    },
    "issues_dealt_with": {
        "text": "Policja i rada miasta zajmują się sprawami, które są ważne w mojej okolicy."
    },
    "crime_victim": {
        "text": "Czy w ciągu ostatnich 12 miesięcy doszło do przestępstwa wobec Ciebie "
        "lub Twojego domu?",
        "hint": "Na przykład ktoś coś ukradł lub zniszczył albo zrobił Ci krzywdę.",
    },
    "smoke_alarm": {
        "text": "Czy masz w domu działającą czujkę dymu?",
        "hint": "Naciśnij przycisk testowy, żeby to sprawdzić. Jeśli czujka zapiszczy, działa.",
    },
    "influence_decisions": {"text": "Mam wpływ na decyzje dotyczące mojej okolicy."},
    "feel_informed": {
        "text": "Jak dobrze lokalne służby informują Cię o tym, co robią?",
        "options": {
            "very_well": "Bardzo dobrze",
            "fairly_well": "Raczej dobrze",
            "not_very_well": "Niezbyt dobrze",
            "not_at_all": "Wcale",
        },
    },
    "hear_from_us": {
        "text": "Jak chcesz otrzymywać wiadomości od lokalnych służb?",
        "options": {
            "email": "E-mail",
            "text_message": "SMS",
            "letter": "List",
            "social_media": "Media społecznościowe",
            "website": "Strona internetowa",
            "newsletter": "Drukowany biuletyn",
            "meetings": "Spotkania mieszkańców",
            "no_contact": "Nie chcę otrzymywać od nich wiadomości",
        },
    },
    "one_thing": {
        "text": "Gdyby można było powiedzieć lokalnym służbom jedną rzecz, co by to było?",
        "hint": "Prosimy nie wpisywać swojego imienia ani nazwiska, ani danych innych osób.",
    },
    "council_rating": {"text": "Jak oceniasz to, w jaki sposób rada miasta prowadzi sprawy?"},
    "gp_access": {
        "text": "Jak łatwo jest dostać się do lekarza rodzinnego (GP), kiedy tego potrzebujesz?",
        "options": {
            "very_easy": "Bardzo łatwo",
            "fairly_easy": "Raczej łatwo",
            "fairly_hard": "Raczej trudno",
            "very_hard": "Bardzo trudno",
            "not_tried": "Nie próbowałem / nie próbowałam",
        },
    },
    "housing_tenant": {"text": "Czy wynajmujesz mieszkanie od Brackenford Homes?"},
    "repairs_rating": {"text": "Jak dobrze działa serwis napraw Brackenford Homes?"},
    "services_work_together": {"text": "Lokalne służby dobrze ze sobą współpracują."},
    "get_on_well": {
        "text": "W mojej okolicy ludzie różnego pochodzenia dobrze się ze sobą dogadują."
    },
    "belonging": {
        "text": "Jak silna jest Twoja więź z sąsiedztwem?",
        "options": {
            "very_strongly": "Bardzo silna",
            "fairly_strongly": "Raczej silna",
            "not_very_strongly": "Niezbyt silna",
            "not_at_all": "Nie czuję żadnej więzi",
        },
    },
    "lonely": {
        "text": "Jak często czujesz się samotnie?",
        "options": {
            "often": "Często lub zawsze",
            "some_of_the_time": "Przez część czasu",
            "now_and_then": "Od czasu do czasu",
            "hardly_ever": "Prawie nigdy",
            "never": "Nigdy",
        },
    },
    "treated_unfairly": {
        "text": "Czy w ciągu ostatnich 12 miesięcy ktoś potraktował Cię niesprawiedliwie "
        "z powodu tego, kim jesteś?",
        "hint": "Na przykład z powodu wieku, rasy, religii, niepełnosprawności, płci "
        "albo tego, kogo kochasz.",
    },
    "general_health": {
        "text": "Jak ogólnie oceniasz swoje zdrowie?",
        "options": {
            "very_good": "Bardzo dobrze",
            "good": "Dobrze",
            "fair": "Ani dobrze, ani źle",
            "bad": "Źle",
            "very_bad": "Bardzo źle",
        },
    },
    "life_happiness": {
        "text": "Gdy myślisz o swoim życiu jako całości, jak bardzo czujesz się teraz "
        "szczęśliwy lub szczęśliwa?"
    },
    "active_days": {
        "text": "Przez ile dni w zeszłym tygodniu ruszałeś się lub ruszałaś się aktywnie "
        "przez 30 minut lub dłużej?",
        "hint": "Aktywność to wszystko, przy czym oddychasz szybciej, na przykład szybki "
        "marsz, jazda na rowerze albo sport.",
    },
    "money_worry": {
        "text": "Jak często martwisz się, czy wystarczy pieniędzy na jedzenie, ogrzewanie "
        "lub rachunki?",
        "options": {
            "often": "Często",
            "sometimes": "Czasami",
            "rarely": "Rzadko",
            "never": "Nigdy",
        },
    },
    "help_wanted": {
        "text": "Czy chcesz dostać pomoc lub poradę w którejś z tych spraw?",
        "options": {
            "money": "Pieniądze lub długi",
            "energy_bills": "Ogrzewanie lub rachunki za energię",
            "mental_health": "Zdrowie psychiczne",
            "getting_active": "Więcej ruchu",
            "stop_smoking": "Rzucenie palenia",
            "fire_safety": "Bezpieczeństwo pożarowe w domu",
            "loneliness": "Samotność",
        },
    },
    "volunteered": {
        "text": "Czy w ciągu ostatnich 12 miesięcy pomagałeś lub pomagałaś bez zapłaty "
        "jakiejś grupie, klubowi lub organizacji charytatywnej?"
    },
    "volunteer_types": {
        "text": "Jakiej grupie pomagałeś lub pomagałaś?",
        "options": {
            "sport": "Sport lub fitness",
            "young_people": "Szkoły lub młodzież",
            "faith": "Wspólnota religijna",
            "health_care": "Zdrowie, opieka lub niepełnosprawność",
            "environment": "Środowisko lub zwierzęta",
            "neighbourhood": "Grupa sąsiedzka lub stowarzyszenie mieszkańców",
        },
    },
    "volunteer_interest": {
        "text": "Czy chcesz pomagać w swojej okolicy?",
        "hint": "Na przykład jako wolontariusz, policjant ochotnik (special constable) "
        "albo pomocnik straży pożarnej w społeczności.",
        "options": {"maybe": "Może", "already": "Już pomagam"},
    },
    "age_band": {
        "text": "Ile masz lat?",
        "options": {
            "age_16_24": "Od 16 do 24",
            "age_25_34": "Od 25 do 34",
            "age_35_44": "Od 35 do 44",
            "age_45_54": "Od 45 do 54",
            "age_55_64": "Od 55 do 64",
            "age_65_74": "Od 65 do 74",
            "age_75_plus": "75 lub więcej",
        },
    },
    "gender": {
        "text": "Jak określasz swoją płeć?",
        "options": {"woman": "Kobieta", "man": "Mężczyzna", "another_way": "Inaczej"},
    },
    "disability": {
        "text": "Czy masz problem zdrowotny lub niepełnosprawność, które utrudniają "
        "codzienne życie?",
        "options": {"yes_a_lot": "Tak, bardzo", "yes_a_little": "Tak, trochę"},
    },
    "ethnic_group": {
        "text": "Co najlepiej opisuje Twoje pochodzenie etniczne?",
        "options": {
            "asian": "Azjatyckie lub azjatycko-brytyjskie",
            "black": "Czarnoskóre, czarnoskóre brytyjskie, karaibskie lub afrykańskie",
            "mixed": "Mieszane lub więcej niż jedno",
            "white": "Białe",
            "other": "Inne pochodzenie etniczne",
        },
    },
    "tenure": {
        "text": "Co najlepiej opisuje Twoje mieszkanie?",
        "options": {
            "owned": "Jestem właścicielem lub właścicielką, z kredytem hipotecznym lub bez",
            "social_rent": "Wynajmuję od stowarzyszenia mieszkaniowego lub od rady miasta",
            "private_rent": "Wynajmuję od prywatnego właściciela",
            "family_friends": "Mieszkam u rodziny lub znajomych",
        },
    },
    "caring": {
        "text": "Czy opiekujesz się kimś bez zapłaty?",
        "options": {
            "child": "Dzieckiem poniżej 16 lat",
            "ill_or_disabled": "Osobą chorą lub z niepełnosprawnością",
            "older_person": "Starszą osobą, która potrzebuje pomocy",
            "no_one": "Nie, nie opiekuję się nikim",
        },
    },
}
