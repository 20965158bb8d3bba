"""Finding what an editor request names, or stopping it: 404 if it is not this
partnership's, 409 (through QuestionnaireError) if it cannot be changed."""

from flask import abort

from engage.extensions import db
from engage.partnership.models import Partnership
from engage.partnership.services import current_partnership
from engage.questionnaire import editing, services
from engage.questionnaire.models import Option, Questionnaire, QuestionnaireVersion


def partnership() -> Partnership:
    return current_partnership() or abort(404)


def questionnaire() -> Questionnaire:
    return services.questionnaire_for(partnership()) or abort(404)


def draft() -> QuestionnaireVersion | None:
    found = services.questionnaire_for(partnership())
    return services.draft_version(found) if found else None


def draft_or_404() -> QuestionnaireVersion:
    return draft() or abort(404)


def editable(model, item_id: int):
    """A section, question or option of this partnership's draft that can be changed."""
    item = db.get_or_404(model, item_id)
    if editing.version_of(item).questionnaire_id != questionnaire().id:
        abort(404)
    editing.require_draft(item)
    if isinstance(item, Option):
        editing.require_editable_options(item.question)
    return item
