"""A flush-time guard: nothing in a published version can be added, changed or removed.

Services check this too and give friendly messages; this guard is the backstop
that holds for any code path, including a shell session.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.questionnaire.models import (
    PUBLISHED,
    Option,
    Question,
    QuestionnaireVersion,
    Section,
)


class PublishedVersionError(RuntimeError):
    """Raised when a change would alter a published questionnaire version."""


def _status_before_flush(version: QuestionnaireVersion) -> str | None:
    state = sa.inspect(version)
    if state.pending or state.transient:
        return None
    history = state.attrs.status.load_history()
    before = history.deleted or history.unchanged
    return before[0] if before else version.status


def _owning_version(obj: object) -> QuestionnaireVersion | None:
    if isinstance(obj, QuestionnaireVersion):
        return obj
    if isinstance(obj, Section):
        return obj.version
    if isinstance(obj, Question):
        return obj.section.version if obj.section is not None else None
    if isinstance(obj, Option):
        question = obj.question
        return question.section.version if question is not None else None
    return None


def _changed(session: so.Session, obj: object) -> bool:
    return obj in session.deleted or obj in session.new or session.is_modified(obj)


def check_flush(session: so.Session, _context: object, _instances: object) -> None:
    """Refuse a flush that touches a version that was already published."""
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if not isinstance(obj, QuestionnaireVersion | Section | Question | Option):
            continue
        if not _changed(session, obj):
            continue
        version = _owning_version(obj)
        if version is not None and _status_before_flush(version) == PUBLISHED:
            raise PublishedVersionError(
                f"Version {version.number} is published and cannot be changed; "
                "edit the draft instead."
            )


def install() -> None:
    """Attach the guard to every session (idempotent)."""
    if not sa.event.contains(so.Session, "before_flush", check_flush):
        sa.event.listen(so.Session, "before_flush", check_flush)
