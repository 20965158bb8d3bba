"""What the kiosk views need: the event behind a token, the questionnaire it
takes, the per-question rules the tablet checks before Next, and storing an
upload through the one submission path (engage.survey.submission).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext

from engage.events.services import event_for_token, kiosk_active
from engage.extensions import db
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.partnership.models import Area, Partnership
from engage.partnership.services import areas as partnership_areas
from engage.questionnaire import types
from engage.questionnaire.models import Question, Questionnaire, QuestionnaireVersion
from engage.questionnaire.services import current_version, questionnaire_for
from engage.survey import rendering
from engage.survey import services as survey_services
from engage.survey.answers import check_one, max_length, number_range_message
from engage.survey.models import KIOSK
from engage.survey.services import KioskLink
from engage.survey.submission import Outcome, submit_payload
from engage.timeutil import aware

# Each start button is written in its own language, whatever the page's language.
START_LABELS = {
    "en": "Start in English",
    "pl": "Rozpocznij po polsku",
    "ur": "اردو میں شروع کریں",
}


@dataclass(frozen=True)
class AreaRef:
    """An area as a kiosk keeps it between requests: plain values, in no session."""

    id: int
    code: str
    name: str


@dataclass
class Kiosk:
    """An event whose kiosk link is valid, with the questionnaire residents answer there."""

    event: Any  # the event's row: the columns of an Event, read-only
    questionnaire_id: int
    areas: list[AreaRef]
    token: str = ""

    @cached_property
    def questionnaire(self) -> Questionnaire:
        found = db.session.get(Questionnaire, self.questionnaire_id)
        assert found is not None  # noqa: S101  # nosec B101  # a questionnaire is never deleted
        return found

    @cached_property
    def version(self) -> QuestionnaireVersion | None:
        """The version residents answer now (an upload names its own version instead)."""
        return current_version(self.questionnaire)

    @property
    def link(self) -> KioskLink:
        return KioskLink(self.event.id, self.token)


SETTINGS = "engage.kiosk_settings"
LINKS = "engage.kiosk_links"
MOST_LINKS = 256  # events whose link a process remembers; a partnership runs a few at once


def kiosk_for(token: str, remembered: bool = False) -> Kiosk | None:
    """The kiosk behind ``token``; None when the token is unknown, replaced or expired.

    Pages look the token up every time (``event_for_token``), so a link replaced or
    expired in any process stops showing the kiosk at once. An upload may take the
    event this process read before (``remembered``): the INSERT that stores it checks
    the link again in the database (``KioskLink``), and a link it refuses is forgotten
    (``forget``). What follows from the event's partnership (its one questionnaire, its
    areas) never changes once set up, so each process keeps it.
    """
    links = current_app.extensions.setdefault(LINKS, {})
    event = links.get(token) if remembered and isinstance(token, str) else None
    if event is None or not kiosk_active(event):
        event = event_for_token(token)
        if event is None:
            forget(token)
            return None
        if len(links) >= MOST_LINKS:
            links.clear()
        links[token] = event
    cache = current_app.extensions.setdefault(SETTINGS, {})
    settings = cache.get(event.partnership_id)
    if settings is None:
        partnership = db.session.get(Partnership, event.partnership_id)
        questionnaire = questionnaire_for(partnership) if partnership else None
        if partnership is None or questionnaire is None:
            return None
        areas = tuple(AreaRef(a.id, a.code, a.name) for a in partnership_areas(partnership))
        settings = cache[event.partnership_id] = (questionnaire.id, areas)
    return Kiosk(event, settings[0], list(settings[1]), token)


def forget(token: str) -> None:
    """Drop what this process remembers of a kiosk link (it was refused)."""
    if isinstance(token, str):
        current_app.extensions.get(LINKS, {}).pop(token, None)


def start_choices() -> list[dict[str, str]]:
    """One start button per language, each labelled in that language."""
    return [
        {"code": code, "label": START_LABELS.get(code, lang.name), "dir": lang.direction}
        for code, lang in LANGUAGES.items()
    ]


def _rules(question: Question) -> dict[str, Any]:
    """Data attributes for the tablet's own check of a question before Next.

    The server checks everything again; these only save a resident a round trip.
    """
    rules: dict[str, Any] = {"code": question.code, "type": question.type}
    if question.required:
        _, missing = check_one(question, [], [])
        rules["required"] = rendering.error_text(missing or "", question)
    if question.condition_code:
        rules["condition"] = question.condition_code
        rules["condition-options"] = " ".join(question.condition_options or [])
    if question.type == types.NUMBER:
        rules["min"] = "" if question.min_value is None else question.min_value
        rules["max"] = "" if question.max_value is None else question.max_value
        message = number_range_message(question.min_value, question.max_value)
        rules["number-message"] = rendering.error_text(message, question)
    if question.type in types.TEXT_TYPES:
        rules["max-length"] = max_length(question)
        rules["length-message"] = gettext(
            "Your answer must be %(limit)s characters or fewer", limit=max_length(question)
        )
    if question.type == types.MULTIPLE and question.max_choices:
        rules["max-choices"] = question.max_choices
        rules["choices-message"] = gettext(
            "Select no more than %(max)s options", max=question.max_choices
        )
    return rules


def kiosk_sections(
    version: QuestionnaireVersion,
    values: Mapping[str, list[str]],
    errors: Mapping[str, str],
    areas: Sequence[Area | AreaRef],
    lang: str,
) -> list[dict]:
    """The survey sections as rendering.page_sections gives them, each question with rules."""
    sections = rendering.page_sections(version, values, errors, areas, lang=lang)
    for section, model in zip(sections, version.sections, strict=True):
        section["questions"] = [
            (macro, params, _rules(question))
            for (macro, params), question in zip(section["questions"], model.questions, strict=True)
        ]
    return sections


def form_payload(version: QuestionnaireVersion, form: Any, lang: str) -> dict[str, Any]:
    """A no-JavaScript kiosk post, as the same payload a tablet uploads."""
    return {
        "key": form.get("_key", ""),
        "version": version.id,
        "lang": lang,
        "answers": rendering.submitted_values(version, form),
    }


def submit(kiosk: Kiosk, payload: Mapping[str, Any]) -> Outcome:
    """Check and store one kiosk response for the event; the view commits, and writes
    nothing else in that request."""
    return submit_payload(
        kiosk.questionnaire_id,
        payload,
        channel=KIOSK,
        event=kiosk.event,
        areas=kiosk.areas,
        link=kiosk.link,
        alone=True,
        # The row matches the token, and the INSERT stores nothing once it does not.
        link_issued_at=aware(kiosk.event.kiosk_issued_at),
    )


def error_messages(
    kiosk: Kiosk, payload: Mapping[str, Any], errors: Mapping[str, str]
) -> dict[str, str]:
    """Each problem in an upload, in the resident's language, keyed by question code."""
    lang = str(payload.get("lang") or "en")
    version = survey_services.published_version(kiosk.questionnaire, payload.get("version"))
    questions = {q.code: q for q in version.questions} if version else {}
    return {
        code: rendering.error_text(message, questions[code], lang) if code in questions else message
        for code, message in errors.items()
    }


# The assets every kiosk page loads, relative to the static folder.
STATIC_ASSETS = (
    "css/engage.css",
    "js/js-enabled.js",
    "js/govuk-frontend.min.js",
    "js/init.mjs",
    "js/kiosk.js",
    "assets/images/favicon.ico",
)


def precache_urls(token: str) -> list[str]:
    """What the service worker keeps for an event: its pages in every language and assets."""
    urls = [url_for("kiosk.start", token=token)]
    for code in LANGUAGES:
        if code != DEFAULT_LANGUAGE:
            urls.append(url_for("kiosk.start", token=token, lang=code))
        urls.append(url_for("kiosk.survey", token=token, lang=code))
        urls.append(url_for("kiosk.thanks", token=token, lang=code))
    urls += [url_for("static", filename=name) for name in STATIC_ASSETS]
    return urls
