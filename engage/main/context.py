"""Values every template can use."""

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from engage.accounts.models import ADMIN, ANALYST, FACILITATOR
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES, language, plural_forms
from engage.partnership.services import current_partnership


def staff_navigation() -> list[dict]:
    """The staff menu for the signed-in user's role, marking the current section."""
    items = [("main.dashboard", "Home"), ("partnership.overview", "Partnership")]
    if current_user.role in (ADMIN, ANALYST):
        items.append(("bank.proposals", "Question bank"))
    if current_user.role in (FACILITATOR, ADMIN):
        items.append(("events.index", "Events"))
        items.append(("panels.index", "Panels"))
    if current_user.role in (ANALYST, FACILITATOR, ADMIN):
        items.append(("results.index", "Results"))
    if current_user.role in (ANALYST, ADMIN):
        items.append(("exports.index", "Downloads"))
    if current_user.role == ADMIN:
        items.append(("questionnaire.overview", "Questionnaire"))
        items.append(("jobs.index", "Jobs"))
        items.append(("users.index", "Users"))
        items.append(("audit.index", "Audit trail"))
    if current_user.role in (ADMIN, ANALYST):
        items.append(("tokens.index", "API tokens"))
    items.append(("accounts.password", "Your password"))
    current = (request.endpoint or "").split(".")[0]
    return [
        {"href": url_for(endpoint), "text": text, "active": endpoint.split(".")[0] == current}
        for endpoint, text in items
    ]


def register_context(app: Flask) -> None:
    """Add the partnership name and the staff menu to every template."""

    @app.context_processor
    def inject() -> dict:
        partnership = current_partnership()
        current = language(str(get_locale() or DEFAULT_LANGUAGE))
        return {
            "current_language": current,
            # Links between resident pages keep the chosen language.
            "lang_args": {} if current.code == DEFAULT_LANGUAGE else {"lang": current.code},
            "languages": LANGUAGES,
            "plural_forms": plural_forms,
            "partnership_name": partnership.name if partnership else "Engage",
            "staff_navigation": staff_navigation,
        }
