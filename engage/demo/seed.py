"""Seeding the demo partnership from engage.demo.content. Functions flush; the CLI commits.

Each step looks for existing rows by slug, code or email and leaves them alone,
so a second run changes nothing.
"""

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from engage.accounts.services import create_user, find_user
from engage.demo import content
from engage.demo import translations as demo_translations
from engage.events.models import Event
from engage.events.services import EventFields, create_event
from engage.extensions import db
from engage.maps.services import boundaries, load_file
from engage.panels.models import Panel
from engage.panels.process.votes import PanelFields, create_panel
from engage.partnership.models import Agency, Area, Partnership
from engage.questionnaire import services
from engage.questionnaire.demographics import is_demographic
from engage.questionnaire.models import Option, Question, Questionnaire, Section
from engage.results.services import set_public_questions
from engage.results.weights import load_targets
from engage.selection import recruitment, registration
from engage.timeutil import utcnow
from engage.weighting.models import DEFAULT_SCHEME
from engage.weighting.services import scheme_named
from engage.weighting.targets import read as read_targets

# Shown instead of the demo password for an account whose password was changed.
CHANGED = "(changed since seeding)"
# (singular, plural), in the order the summary lists them.
KINDS = {
    "partnership": ("partnership", "partnerships"),
    "agency": ("agency", "agencies"),
    "ward": ("ward", "wards"),
    "boundary": ("ward boundary", "ward boundaries"),
    "questionnaire": ("published questionnaire", "published questionnaires"),
    "question": ("question", "questions"),
    "user": ("demo login", "demo logins"),
    "event": ("demo event", "demo events"),
    "targets": ("set of population targets", "sets of population targets"),
    "panel": ("recruiting panel", "recruiting panels"),
}
# Made-up residents aged 16 and over of the six wards by age band and sex, in the layout
# of ONS's mid-year estimates by ward (demo/population.csv), dated as they are.
POPULATION_DATE = date(2025, 6, 30)


@dataclass
class Login:
    email: str
    role: str
    agency: str
    password: str


@dataclass
class SeedReport:
    """What the seed created, what it found already there, and the demo logins."""

    created: Counter[str] = field(default_factory=Counter)
    present: Counter[str] = field(default_factory=Counter)
    logins: list[Login] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def record(self, kind: str, created: bool, count: int = 1) -> None:
        (self.created if created else self.present)[kind] += count

    def summary(self) -> str:
        """One line, such as 'Created nothing; already present: 1 partnership, 6 agencies, …'."""
        return f"Created {_describe(self.created)}; already present: {_describe(self.present)}."


def _describe(counts: Counter[str]) -> str:
    parts = [
        f"{counts[kind]} {single if counts[kind] == 1 else plural}"
        for kind, (single, plural) in KINDS.items()
        if counts[kind]
    ]
    return ", ".join(parts) or "nothing"


def seed_partnership(report: SeedReport) -> Partnership:
    """The demo partnership, found by slug or created."""
    partnership = db.session.scalar(
        sa.select(Partnership).where(Partnership.slug == content.PARTNERSHIP["slug"])
    )
    report.record("partnership", partnership is None)
    if partnership is None:
        partnership = Partnership(**content.PARTNERSHIP)
        db.session.add(partnership)
        db.session.flush()
    first = db.session.scalar(sa.select(Partnership).order_by(Partnership.id).limit(1))
    if first is not None and first.id != partnership.id:
        # The app serves the first partnership created, so the demo one would stay hidden.
        report.warnings.append(
            f"This installation serves ‘{first.name}’, so the demo partnership is not shown."
        )
    return partnership


def seed_agencies(partnership: Partnership, report: SeedReport) -> dict[str, Agency]:
    """The six member agencies by slug; existing ones are left as they are."""
    query = sa.select(Agency).where(Agency.partnership_id == partnership.id)
    existing = {a.slug: a for a in db.session.scalars(query)}
    for slug, name, short_name in content.AGENCIES:
        report.record("agency", slug not in existing)
        if slug not in existing:
            existing[slug] = Agency(
                partnership=partnership, slug=slug, name=name, short_name=short_name
            )
            db.session.add(existing[slug])
    db.session.flush()
    return existing


def seed_wards(partnership: Partnership, report: SeedReport) -> None:
    """The six wards, found by code or created."""
    codes = set(
        db.session.scalars(sa.select(Area.code).where(Area.partnership_id == partnership.id))
    )
    for code, name in content.WARDS:
        report.record("ward", code not in codes)
        if code not in codes:
            db.session.add(Area(partnership=partnership, code=code, name=name))
    db.session.flush()


def seed_boundaries(partnership: Partnership, report: SeedReport) -> None:
    """Made-up outlines of the six wards (demo/wards.geojson), loaded through the same
    checks as an admin's upload; boundaries already loaded are left alone."""
    stored = boundaries(partnership)
    if stored.wards:
        report.record("boundary", False, len(stored.wards))
        return
    data = (Path(__file__).parent / "wards.geojson").read_bytes()
    checked = load_file(partnership, data, "wards.geojson (made-up demo boundaries)", None)
    report.record("boundary", True, len(checked.shapes))


def _option(position: int, spec: tuple) -> Option:
    code, label, *rest = spec
    exclusive = bool(rest and rest[0])
    return Option(
        position=position, code=code, label=label, value=position + 1, exclusive=exclusive
    )


def build_question(
    partnership: Partnership, spec: dict[str, Any], position: int, agencies: dict[str, Agency]
) -> Question:
    """A new question from its content spec, with its options and agency tags."""
    entry = services.bank_question(partnership.id, spec["code"])
    for slug in spec["agencies"]:
        services.tag_agency(entry, agencies[slug])
    condition_code, condition_options = spec.get("show_if", (None, []))
    question = Question(
        bank_question=entry,
        position=position,
        code=spec["code"],
        text=spec["text"],
        hint=spec.get("hint", ""),
        type=spec["type"],
        required=spec.get("required", False),
        ordered=spec.get("ordered", False),
        min_value=spec.get("min_value"),
        max_value=spec.get("max_value"),
        max_choices=spec.get("max_choices"),
        max_length=spec.get("max_length"),
        condition_code=condition_code,
        condition_options=list(condition_options),
    )
    if "options" in spec:
        question.options = [_option(i, o) for i, o in enumerate(spec["options"])]
    else:
        question.options = services.fixed_options(spec["type"])
    return question


def seed_questionnaire(
    partnership: Partnership, agencies: dict[str, Agency], report: SeedReport
) -> None:
    """Publish version 1 of the joint questionnaire, unless any version exists already.

    Raises PublishRefused if the content fails the publish checks.
    """
    questionnaire = services.questionnaire_for(partnership)
    if questionnaire is not None and questionnaire.versions:
        current = services.current_version(questionnaire)
        if current is None:
            report.warnings.append(
                "The questionnaire has a draft but no published version; it was left alone."
            )
        else:
            report.record("questionnaire", False)
            report.record("question", False, len(current.questions))
        return
    if questionnaire is None:
        questionnaire = Questionnaire(partnership=partnership, title=content.QUESTIONNAIRE_TITLE)
        db.session.add(questionnaire)
        db.session.flush()
    draft = services.start_draft(questionnaire)
    draft.title = content.VERSION_TITLE
    draft.intro = content.VERSION_INTRO
    for position, section_spec in enumerate(content.SECTIONS):
        section = Section(
            position=position, title=section_spec["title"], intro=section_spec["intro"]
        )
        draft.sections.append(section)
        for index, spec in enumerate(section_spec["questions"]):
            question = build_question(partnership, spec, index, agencies)
            # "About you" holds the demo's questions about who the respondent is.
            question.about_respondent = is_demographic(
                spec["code"], spec["text"], section_spec["title"]
            )
            section.questions.append(question)
    db.session.flush()
    demo_translations.apply(draft)
    services.publish(draft)
    set_public_questions(questionnaire, set(content.PUBLIC_RESULTS))
    report.record("questionnaire", True)
    report.record("question", True, len(draft.questions))


def seed_targets(partnership: Partnership, report: SeedReport) -> None:
    """The demo's population targets (scheme ``default``), unless it has some already.
    Weights are computed once there are responses to weight (``weights compute``, or the
    worker within a quarter of an hour)."""
    questionnaire = services.questionnaire_for(partnership)
    if questionnaire is None:
        return
    if scheme_named(questionnaire, DEFAULT_SCHEME) is not None:
        report.record("targets", False)
        return
    text = (Path(__file__).parent / "population.csv").read_text(encoding="utf-8")
    load_targets(
        questionnaire,
        read_targets(text),
        DEFAULT_SCHEME,
        POPULATION_DATE,
        "population.csv (made-up demo population, ONS layout)",
    )
    report.record("targets", True)


def seed_users(agencies: dict[str, Agency], report: SeedReport) -> None:
    """One demo login per role; an existing account with the same email is left alone."""
    for email, role, slug, name in content.USERS:
        user = find_user(email)
        created = user is None
        report.record("user", created)
        if user is None:
            # The demo's password is published (README, seeding's output): it is not a
            # secret, so the strength check, which counts the partnership's name, is skipped.
            user = create_user(
                email, content.DEMO_PASSWORD, role, agencies[slug], name=name, check=False
            )
        known = created or user.check_password(content.DEMO_PASSWORD)
        shown = content.DEMO_PASSWORD if known else CHANGED
        report.logins.append(Login(user.email, user.role, user.agency.name, shown))


def seed_event(partnership: Partnership, report: SeedReport) -> None:
    """The demo event, two weeks after the first seed; left alone once it exists."""
    spec = content.EVENT
    existing = db.session.scalar(
        sa.select(Event.id).where(
            Event.partnership_id == partnership.id, Event.name == spec["name"]
        )
    )
    report.record("event", existing is None)
    if existing is not None:
        return
    ward = db.session.scalar(
        sa.select(Area).where(Area.partnership_id == partnership.id, Area.code == spec["ward"])
    )
    fields = EventFields(
        name=spec["name"],
        starts_on=utcnow().date() + timedelta(days=spec["days_ahead"]),
        place=spec["place"],
        default_area=ward,
        idle_seconds=spec["idle_seconds"],
    )
    create_event(partnership, fields)


def _volunteers_csv(partnership: Partnership, variables: list[str]) -> str:
    """Made-up volunteers, the same every time: a skewed pool, some sharing an address."""
    spec = content.PANEL
    rng = random.Random(spec["seed"])  # noqa: S311  # nosec B311  # made-up demo people
    questionnaire = services.questionnaire_for(partnership)
    assert questionnaire is not None  # noqa: S101  # nosec B101  # seeded just before
    scheme = scheme_named(questionnaire, DEFAULT_SCHEME)
    assert scheme is not None and scheme.current is not None  # noqa: S101  # nosec B101
    margins: dict[str, list[str]] = {}
    for target in scheme.current.targets:
        margins.setdefault(target.variable, []).append(target.value)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "phone", "address", "postcode", *variables])
    addresses: list[tuple[str, str]] = []
    for number in range(spec["volunteers"]):
        first, last = rng.choice(content.FIRST_NAMES), rng.choice(content.LAST_NAMES)
        if addresses and rng.random() < 0.08:
            address, postcode = rng.choice(addresses)  # someone else at the same address
        else:
            address = f"{rng.randint(1, 180)} {rng.choice(content.STREETS)}"
            postcode = f"BK{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}Q"
            addresses.append((address, postcode))
        answers = []
        for variable in variables:
            values = margins[variable]
            # Older people and women volunteer more, as they do.
            weights = (
                [1 + index for index in range(len(values))]
                if variable == "age_band"
                else [1] * len(values)
            )
            if variable == "gender":
                weights = [3 if value == "woman" else 2 for value in values]
            answers.append(rng.choices(values, weights)[0])
        email = f"{first}.{last}.{number}@example.org".lower()
        writer.writerow(
            [f"{first} {last}", email, "", f"{address}, Brackenford", postcode, *answers]
        )
    return out.getvalue()


def seed_panel(partnership: Partnership, report: SeedReport) -> None:
    """The demo's recruiting panel (found again by name), with quotas from the targets
    and a pool of made-up volunteers, ready to publish and draw."""
    spec = content.PANEL
    existing = db.session.scalar(
        sa.select(Panel.id).where(
            Panel.partnership_id == partnership.id, Panel.name == spec["name"]
        )
    )
    report.record("panel", existing is None)
    questionnaire = services.questionnaire_for(partnership)
    scheme = scheme_named(questionnaire, DEFAULT_SCHEME) if questionnaire else None
    if existing is not None or scheme is None or scheme.current is None:
        return
    facilitator = find_user(content.USERS[2][0])
    panel = create_panel(
        partnership, PanelFields(name=spec["name"], description=spec["description"]), facilitator
    )
    found = recruitment.start(panel, facilitator)
    recruitment.update_settings(
        found,
        recruitment.Settings(
            panel_size=spec["size"],
            household_rule=True,
            registration_open=True,
            ends_on=utcnow().date() + timedelta(days=120),
            retention_until=None,
        ),
        facilitator,
    )
    recruitment.derive_quotas(found, scheme.current, spec["variables"], facilitator)
    registration.import_list(found, _volunteers_csv(partnership, spec["variables"]), facilitator)


def seed_demo() -> SeedReport:
    """Everything the demo needs, in dependency order."""
    report = SeedReport()
    partnership = seed_partnership(report)
    agencies = seed_agencies(partnership, report)
    seed_wards(partnership, report)
    seed_boundaries(partnership, report)
    seed_questionnaire(partnership, agencies, report)
    seed_targets(partnership, report)
    seed_users(agencies, report)
    seed_event(partnership, report)
    seed_panel(partnership, report)
    return report
