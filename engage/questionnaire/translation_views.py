"""The admin's translation editor: a version's texts in Polish or Urdu, and what is missing.

Only the draft can be translated; a published version is refused with 409, as
in the rest of the questionnaire editor.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.models import ADMIN
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.extensions import db
from engage.i18n import LANGUAGES, TRANSLATED_LANGUAGES
from engage.main.errors import render_error
from engage.questionnaire import lookups, services, translating
from engage.questionnaire.editing import EditRefused, require_draft
from engage.questionnaire.models import QuestionnaireVersion
from engage.questionnaire.services import QuestionnaireError

bp = Blueprint("translations", __name__, url_prefix="/admin/questionnaire/versions")


@bp.errorhandler(QuestionnaireError)
def refused(error: QuestionnaireError):
    db.session.rollback()
    return render_error(409, str(error))


@bp.app_template_global()
def translation_summary(version: QuestionnaireVersion) -> list[dict]:
    """For the version pages: per language, how many texts residents still see in English."""
    return [
        {
            "language": LANGUAGES[lang],
            "missing": count,
            "href": url_for("translations.missing", number=version.number, lang=lang),
            "edit_href": url_for("translations.edit", number=version.number, lang=lang),
        }
        for lang, count in translating.missing_counts(version).items()
    ]


def _version_and_language(number: int, lang: str):
    if lang not in TRANSLATED_LANGUAGES:
        abort(404)
    version = services.version_by_number(lookups.questionnaire(), number) or abort(404)
    return version, LANGUAGES[lang]


@bp.route("/<int:number>/translations/<lang>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit(number: int, lang: str):
    """Every text of the draft with its English, and a box for the translation."""
    version, language = _version_and_language(number, lang)
    require_draft(version)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            changed = translating.save_translations(version, lang, request.form)
        except EditRefused as error:
            db.session.rollback()
            errors[error.field or ""] = str(error)
        else:
            audit.record(
                audit.QUESTIONNAIRE,
                "questionnaire.translations",
                current_user,
                target=f"Version {version.number}, {language.english_name}",
                detail=f"{changed} texts changed",
            )
            db.session.commit()
            flash(f"{language.english_name} translations saved ({changed} changed).", "success")
            return redirect(url_for(".edit", number=number, lang=lang))
    html = render_template(
        "questionnaire/translations.html",
        version=version,
        language=language,
        texts=translating.translatable_texts(version),
        values=request.form if errors else None,
        errors=errors,
        error_items=[{"text": message, "href": f"#{key}"} for key, message in errors.items()],
        error_count=len(errors),
    )
    return html, 400 if errors else 200


@bp.route("/<int:number>/translations/<lang>/missing")
@role_required(ADMIN)
def missing(number: int, lang: str):
    """The texts residents see in English because they have no translation yet."""
    version, language = _version_and_language(number, lang)
    return render_template(
        "questionnaire/missing_translations.html",
        version=version,
        language=language,
        texts=translating.missing_translations(version, lang),
    )
