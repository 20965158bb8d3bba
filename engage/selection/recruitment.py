"""A panel's recruitment settings, who may see its volunteers' contact details, and its
quotas: typed in as a CSV or derived from the population targets used for weighting."""

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from engage.accounts.models import FACILITATOR, User
from engage.audit import services as audit
from engage.extensions import db
from engage.panels.models import Panel
from engage.panels.rules import require_manager
from engage.questionnaire.models import Question, QuestionnaireVersion, Section
from engage.selection.errors import SelectionError
from engage.selection.models import RETENTION_DAYS, PanelQuota, Recruitment, Volunteer
from engage.weighting.models import TargetSet
from engage.weighting.services import margins_of

MAX_PANEL = 500
CODE_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_-"


def note(action: str, user: User | None, recruitment: Recruitment, detail: str = "") -> None:
    audit.record(
        audit.PANEL,
        f"selection.{action}",
        user,
        detail=detail,
        target=f"Panel {recruitment.panel_id} ‘{recruitment.panel.name}’",
    )


def recruitment_for(panel: Panel) -> Recruitment | None:
    return db.session.get(Recruitment, panel.id)


def by_token(token: str | None) -> Recruitment | None:
    if not token:
        return None
    return db.session.scalar(sa.select(Recruitment).where(Recruitment.public_token == token))


def open_for_registration(partnership_id: int) -> list[Recruitment]:
    return list(
        db.session.scalars(
            sa.select(Recruitment)
            .join(Panel, Panel.id == Recruitment.panel_id)
            .where(Panel.partnership_id == partnership_id, Recruitment.registration_open)
            .order_by(Panel.name)
        )
    )


def start(panel: Panel, user: User | None) -> Recruitment:
    """Begin recruiting for ``panel``; whoever starts it may see contact details."""
    require_manager(user)
    found = recruitment_for(panel)
    if found is not None:
        return found
    recruitment = Recruitment(panel_id=panel.id, draws=[], letter_batches=[], letters_for_votes=[])
    recruitment.panel = panel
    db.session.add(recruitment)
    if user is not None:
        recruitment.facilitators.append(user)
    db.session.flush()
    note("start", user, recruitment)
    return recruitment


def published(recruitment: Recruitment) -> bool:
    return recruitment.published_pool is not None


def require_unpublished(recruitment: Recruitment, doing: str) -> None:
    if published(recruitment):
        raise SelectionError(
            f"{doing} only before the pool is published. Withdraw the publication first "
            "(possible until the draw)."
        )


@dataclass(frozen=True)
class Settings:
    panel_size: int
    household_rule: bool
    registration_open: bool
    ends_on: date | None
    retention_until: date | None


def retention_default(ends_on: date | None) -> date | None:
    return ends_on + timedelta(days=RETENTION_DAYS) if ends_on else None


def update_settings(recruitment: Recruitment, settings: Settings, user: User | None) -> None:
    require_manager(user)
    if not 1 <= settings.panel_size <= MAX_PANEL:
        raise SelectionError(f"The panel size must be between 1 and {MAX_PANEL}.")
    changes_pool = (
        settings.panel_size != recruitment.panel_size
        or settings.household_rule != recruitment.household_rule
        or (settings.registration_open and not recruitment.registration_open)
    )
    if changes_pool:
        require_unpublished(recruitment, "The panel size, household rule and registration change")
    retention = settings.retention_until or retention_default(settings.ends_on)
    if retention and settings.ends_on and retention < settings.ends_on:
        raise SelectionError(
            "The contact details must be kept at least until the panel ends: choose a "
            "retention date on or after its end date."
        )
    recruitment.panel_size = settings.panel_size
    recruitment.household_rule = settings.household_rule
    recruitment.registration_open = settings.registration_open
    recruitment.ends_on = settings.ends_on
    recruitment.retention_until = retention
    db.session.flush()
    note(
        "settings",
        user,
        recruitment,
        f"panel of {settings.panel_size}, household rule "
        f"{'on' if settings.household_rule else 'off'}, registration "
        f"{'open' if settings.registration_open else 'closed'}, contact details kept until "
        f"{retention.isoformat() if retention else 'not set'}",
    )


def may_see_contacts(recruitment: Recruitment, user: User | None) -> bool:
    """Only the panel's own facilitators see its volunteers' contact details."""
    return user is not None and any(f.id == user.id for f in recruitment.facilitators)


def facilitator_choices() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.role == FACILITATOR, User.active).order_by(User.name)
        )
    )


def set_facilitators(recruitment: Recruitment, users: list[User], user: User | None) -> None:
    require_manager(user)
    recruitment.facilitators = list(users)
    db.session.flush()
    names = ", ".join(u.name or u.email for u in users) or "nobody"
    note("facilitators", user, recruitment, f"contact details visible to {names}")


# --- Quotas ---------------------------------------------------------------------------

HEADER = ("category", "feature", "min", "max")


def _code(text: str) -> str:
    return text.strip()


def parse_quotas(text: str) -> tuple[list[PanelQuota], list[str]]:
    """Quota rows from CSV (``category,feature,min,max`` and, optionally,
    ``category_label`` and ``feature_label``), with every problem by line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = {c.strip() for c in reader.fieldnames or () if c}
    missing = [c for c in HEADER if c not in columns]
    if missing:
        return [], [
            "The first line must name the columns category, feature, min and max "
            f"(missing: {', '.join(missing)})."
        ]
    problems: list[str] = []
    rows: list[PanelQuota] = []
    seen: set[tuple[str, str]] = set()
    categories: list[str] = []
    for row in reader:
        line = reader.line_num
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        category, feature = _code(row.get("category", "")), _code(row.get("feature", ""))
        if not category or not feature:
            problems.append(f"Line {line}: give both a category and a feature.")
            continue
        numbers = []
        for column in ("min", "max"):
            try:
                value = int(row.get(column, ""))
                if value < 0:
                    raise ValueError
                numbers.append(value)
            except ValueError:
                problems.append(
                    f"Line {line}: {column} must be a whole number of 0 or more, "
                    f"not ‘{row.get(column, '')}’."
                )
        if len(numbers) < 2:
            continue
        low, high = numbers
        if low > high:
            problems.append(f"Line {line}: min {low} is more than max {high}.")
            continue
        if (category, feature) in seen:
            problems.append(f"Line {line}: {category} = {feature} is given twice.")
            continue
        seen.add((category, feature))
        if category not in categories:
            categories.append(category)
        rows.append(
            PanelQuota(
                category=category,
                category_label=row.get("category_label") or category.replace("_", " ").title(),
                category_position=categories.index(category),
                feature=feature,
                feature_label=row.get("feature_label") or feature,
                position=sum(1 for r in rows if r.category == category),
                minimum=low,
                maximum=high,
            )
        )
    if not rows and not problems:
        problems.append("The file has no quota rows under its first line.")
    return rows, problems


def _check_against_pool(recruitment: Recruitment, rows: list[PanelQuota]) -> list[str]:
    """Volunteers already registered must still fit the categories."""
    volunteers = db.session.scalars(
        sa.select(Volunteer.features).where(Volunteer.panel_id == recruitment.panel_id)
    ).all()
    if not volunteers:
        return []
    known: dict[str, set[str]] = {}
    for row in rows:
        known.setdefault(row.category, set()).add(row.feature)
    for features in volunteers:
        if set(features) != set(known) or any(features[c] not in known[c] for c in known):
            return [
                "Volunteers have already registered with other categories or features: "
                "quotas may change their numbers, but not the categories and features "
                "people answered."
            ]
    return []


def replace_quotas(recruitment: Recruitment, rows: list[PanelQuota], user: User | None) -> None:
    require_manager(user)
    require_unpublished(recruitment, "Quotas can change")
    problems = _check_against_pool(recruitment, rows)
    if problems:
        raise SelectionError("The quotas were not changed.", problems)
    # The old rows go first: the new ones may name the same category and feature.
    for old in list(recruitment.quotas):
        recruitment.quotas.remove(old)
    db.session.flush()
    recruitment.quotas.extend(rows)
    db.session.flush()
    note(
        "quotas",
        user,
        recruitment,
        f"{len(rows)} quotas in {len({r.category for r in rows})} categories",
    )


def load_quotas(recruitment: Recruitment, text: str, user: User | None) -> None:
    rows, problems = parse_quotas(text)
    if problems:
        raise SelectionError(
            "The quotas were not changed: fix these lines and try again.", problems
        )
    replace_quotas(recruitment, rows, user)


def quotas_csv(recruitment: Recruitment) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*HEADER, "category_label", "feature_label"])
    for q in recruitment.quotas:
        writer.writerow(
            [q.category, q.feature, q.minimum, q.maximum, q.category_label, q.feature_label]
        )
    return out.getvalue()


@dataclass(frozen=True)
class Labels:
    question: str
    options: dict[str, str]
    # "pl" → the question's translation; "pl:code" → an option's.
    translated: dict[str, dict[str, str]]

    def translations_of(self, value: str) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for key, fields in self.translated.items():
            lang, _, code = key.partition(":")
            if not code or code == value:
                found.setdefault(lang, {}).update(fields)
        return found


def _labels(questionnaire_id: int, variable: str, areas: dict[str, str]) -> Labels:
    """How a weighting variable reads to a volunteer, in English and in each translation:
    its question and option labels (the newest version that asks it), or the ward names."""
    question = db.session.scalar(
        sa.select(Question)
        .join(Section, Section.id == Question.section_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Section.version_id)
        .where(QuestionnaireVersion.questionnaire_id == questionnaire_id, Question.code == variable)
        .order_by(QuestionnaireVersion.number.desc())
        .limit(1)
    )
    if question is None:
        return Labels(variable.replace("_", " ").title(), {}, {})
    translated: dict[str, dict[str, str]] = {}
    for lang, fields in (question.translations or {}).items():
        if fields.get("text"):
            translated.setdefault(lang, {})["category_label"] = fields["text"]
    if question.type == "area" or not question.options:
        return Labels(question.text, dict(areas), translated)
    options = {}
    for option in question.options:
        options[option.code] = option.label
        for lang, fields in (option.translations or {}).items():
            if fields.get("label"):
                translated.setdefault(f"{lang}:{option.code}", {})["feature_label"] = fields[
                    "label"
                ]
    return Labels(question.text, options, translated)


def derive_quotas(
    recruitment: Recruitment, target_set: TargetSet, variables: list[str], user: User | None
) -> list[PanelQuota]:
    """Quotas in proportion to the population: for a share s of the population, between
    ⌊k·s⌋ and ⌈k·s⌉ members (k the panel size); then replace the panel's quotas."""
    margins = margins_of(target_set)
    unknown = [v for v in variables if v not in margins]
    if not variables or unknown:
        raise SelectionError(
            "Choose at least one of the targets’ variables"
            + (f" (not {', '.join(unknown)})." if unknown else ".")
        )
    k = recruitment.panel_size
    areas = {a.code: a.name for a in recruitment.panel.partnership.areas}
    rows: list[PanelQuota] = []
    for position, variable in enumerate(variables):
        values = margins[variable]
        total = sum(values.values())
        labels = _labels(target_set.scheme.questionnaire_id, variable, areas)
        for index, (value, population) in enumerate(values.items()):
            share = population / total if total else 0.0
            exact = k * share
            rows.append(
                PanelQuota(
                    category=variable,
                    category_label=labels.question,
                    category_position=position,
                    feature=value,
                    feature_label=labels.options.get(value, value),
                    translations=labels.translations_of(value),
                    position=index,
                    minimum=math.floor(exact + 1e-9),
                    maximum=math.ceil(exact - 1e-9),
                    population_share=share,
                )
            )
    replace_quotas(recruitment, rows, user)
    note(
        "quotas.derive",
        user,
        recruitment,
        f"from the targets of {target_set.describes.isoformat()}: {', '.join(variables)}",
    )
    return rows


def categories(recruitment: Recruitment) -> list[tuple[str, str, list[PanelQuota]]]:
    """(category, label, its quota rows) in order: the questions registration asks."""
    found: dict[str, tuple[str, str, list[PanelQuota]]] = {}
    for quota in sorted(recruitment.quotas, key=lambda q: (q.category_position, q.position)):
        found.setdefault(quota.category, (quota.category, quota.category_label, []))[2].append(
            quota
        )
    return list(found.values())
