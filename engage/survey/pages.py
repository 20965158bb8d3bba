"""The survey's pages as residents see them: one page of questions, or check-your-answers.

The survey, the draft's preview and the error handlers (an expired form, too many
requests) all show a page through here, so a form always comes back as the page it
was sent from, with every answer it carried.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from flask import g, render_template
from flask_babel import gettext

from engage.i18n import DEFAULT_LANGUAGE
from engage.partnership.services import areas as partnership_areas
from engage.questionnaire.models import QuestionnaireVersion
from engage.survey import flow, rendering, services, steps
from engage.survey.answers import check_answers
from engage.survey.plans import plan_for

NO_STORE = {"Cache-Control": "no-store"}
CHECK_PAGE = "check"  # the _page of the check-your-answers form


def survey_pages(version: QuestionnaireVersion) -> list[steps.Page]:
    return steps.pages_of([section.questions for section in version.sections])


def _language() -> str:
    return g.get("lang") or DEFAULT_LANGUAGE


def _common(version: QuestionnaireVersion, key: str | None, preview: bool, notice: str | None):
    return {
        "version": version,
        **rendering.version_texts(version, _language()),
        "key": key if services.valid_key(key) else services.new_key(),
        "preview": preview,
        "notice": notice,
        "store_name": f"engage-survey-{version.questionnaire_id}",
    }


def render_page(
    version: QuestionnaireVersion,
    page: steps.Page,
    values: Mapping[str, Sequence[str]],
    shown: set[str],
    *,
    errors: Mapping[str, str] | None = None,
    key: str | None = None,
    returning: bool = False,
    preview: bool = False,
    notice: str | None = None,
    status: int = 200,
):
    """One page of questions, the answers to every other page carried in hidden fields."""
    errors = errors or {}
    lang = _language()
    pages = survey_pages(version)
    areas = partnership_areas(version.questionnaire.partnership)
    on_page = [code for code in page.codes if code in shown]
    number, total = steps.progress(pages, page, shown)
    section = version.sections[page.section]
    html = render_template(
        "survey/page.html",
        **_common(version, key, preview, notice),
        page=page,
        first=steps.previous_page(pages, page.number, shown) is None,
        progress=gettext("Section %(number)s of %(total)s", number=number, total=total),
        section_title=rendering.translated(section, "title", lang),
        section_intro=rendering.translated(section, "intro", lang),
        questions=rendering.page_questions(version, on_page, values, errors, areas, lang),
        carried=rendering.carried_fields(version, values, shown - set(on_page)),
        error_items=rendering.error_list(version, errors, lang=lang),
        error_count=len(errors),
        returning=returning,
    )
    return html, status, NO_STORE


def render_check(
    version: QuestionnaireVersion,
    values: Mapping[str, Sequence[str]],
    shown: set[str],
    *,
    errors: Mapping[str, str] | None = None,
    key: str | None = None,
    preview: bool = False,
    notice: str | None = None,
    status: int = 200,
):
    """Check your answers: each one with a Change button, and the button that sends them."""
    errors = errors or {}
    lang = _language()
    areas = partnership_areas(version.questionnaire.partnership)
    page_of = {code: page.number for page in survey_pages(version) for code in page.codes}
    html = render_template(
        "survey/check.html",
        **_common(version, key, preview, notice),
        sections=rendering.check_rows(version, shown, page_of, values, errors, areas, lang),
        carried=rendering.carried_fields(version, values, shown),
        error_items=[
            {**item, "href": "#answer-" + item["href"].removeprefix("#" + rendering.FIELD_PREFIX)}
            for item in rendering.error_list(version, errors, lang=lang)
        ],
        error_count=len(errors),
    )
    return html, status, NO_STORE


def first_page(version: QuestionnaireVersion, *, preview: bool = False):
    """The survey's first page, with nothing answered yet."""
    checked = check_answers(plan_for(version).questions, {}, ())
    page = steps.first_page(survey_pages(version), checked.shown)
    return render_page(version, page, {}, checked.shown, preview=preview)


def _sent_from(form: Any, count: int) -> tuple[int | None, bool]:
    """(the page the form was on, None for the check page; whether it was opened from it)."""
    page = form.get("_page")
    current = None if page == CHECK_PAGE else steps.page_number(page, count)
    return current, form.get("_return") == CHECK_PAGE


def answer(
    version: QuestionnaireVersion,
    form: Any,
    area_codes: Sequence[str],
    *,
    preview: bool = False,
    stay: bool = False,
    notice: str | None = None,
    status: int | None = None,
) -> tuple[flow.Decision, Any]:
    """Decide where a posted form goes, and render that page unless it is to be stored.

    ``stay`` shows the page the form came from again, as sent (an expired form, a
    refused request), with ``notice`` above it.
    """
    pages = survey_pages(version)
    values = rendering.submitted_values(version, form)
    action, target = steps.parse_action(form.get("_action"), len(pages))
    current, returning = _sent_from(form, len(pages))
    if stay:
        action, target = (steps.CHECK, None) if current is None else (steps.GOTO, current)
    decision = flow.decide(
        plan_for(version).questions, pages, values, area_codes, action, target, current, returning
    )
    key = form.get("_key")
    shown = decision.checked.shown
    if decision.kind == flow.STORE:
        return decision, None
    if decision.kind == flow.CHECK or (stay and current is None):
        code = status or (400 if decision.errors else 200)
        return decision, render_check(
            version,
            values,
            shown,
            errors=decision.errors,
            key=key,
            preview=preview,
            notice=notice,
            status=code,
        )
    assert decision.page is not None  # noqa: S101  # nosec B101  # PAGE decisions name one
    code = status or (400 if decision.errors else 200)
    return decision, render_page(
        version,
        decision.page,
        values,
        shown,
        errors=decision.errors,
        key=key,
        returning=decision.returning,
        preview=preview,
        notice=notice,
        status=code,
    )
