"""Importing a kiosk queue file: responses a tablet saved while it could not upload.

The file, as the kiosk writes it::

    {"format": "engage-kiosk-queue", "version": 1, "event_token": "<token>",
     "exported_at": "<iso>",
     "responses": [{"key": "<32 hex>", "version": <version id>, "lang": "en",
                    "answers": {"<code>": ["<value>", ...]},
                    "answered_at": "<iso>", "queued_at": "<iso>"}]}

Each response goes through ``submit_payload``, the same way in as a kiosk
upload, so one already stored (by any route) is counted, never stored twice.
The file is imported whole or not at all. Each response is dated with the time the
resident finished (``answered_at``, or ``queued_at`` in files from older kiosks) when it
is plausible for the token the file was saved under (``engage.survey.answered``); the
summary counts those dated with the import time instead.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engage.accounts.models import User
from engage.audit import services as audit
from engage.events.models import Event
from engage.events.services import event_for_import, link_issued_at
from engage.extensions import db
from engage.partnership.models import Partnership
from engage.questionnaire.services import questionnaire_for
from engage.survey.models import KIOSK
from engage.survey.submission import DUPLICATE, INVALID, submit_payload

FORMAT = "engage-kiosk-queue"
FORMAT_VERSION = 1
NOT_THIS_PARTNERSHIP = (
    "The file’s event token does not match any event of this partnership. "
    "Check that the file came from one of this partnership’s kiosk tablets."
)


class ImportRefused(Exception):
    """The file cannot be imported; ``problems`` says why, one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    event: Event
    stored: int = 0
    already_stored: int = 0
    time_flagged: int = 0  # stored with the import time: the tablet's time was not plausible

    def describe(self) -> str:
        """For example: 2 responses stored, 1 already stored (1,200: thousands separated),
        and how many of those stored are dated with the import time, if any."""
        noun = "response" if self.stored == 1 else "responses"
        text = f"{self.stored:,} {noun} stored, {self.already_stored:,} already stored."
        if self.time_flagged:
            were = "was" if self.time_flagged == 1 else "were"
            text += (
                f" {self.time_flagged:,} {were} dated with the import time because the"
                " tablet’s time of answering was in the future or before the kiosk link"
                " was issued (check the tablet’s clock)."
            )
        return text


@dataclass
class QueueFile:
    event_token: str
    responses: list[Any] = field(default_factory=list)


def parse_queue_file(raw: bytes | str) -> QueueFile:
    """The file's token and responses, or ImportRefused when it is not a queue file."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        raise ImportRefused(["The file is not valid JSON."]) from None
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ImportRefused([f'The file is not a kiosk queue file (no "format": "{FORMAT}").'])
    if data.get("version") != FORMAT_VERSION:
        found = data.get("version")
        raise ImportRefused(
            [f"The file has format version {found!r}; only {FORMAT_VERSION} can be imported."]
        )
    token, responses = data.get("event_token"), data.get("responses")
    if not isinstance(token, str) or not token:
        raise ImportRefused(["The file does not name an event (no event_token)."])
    if not isinstance(responses, list):
        raise ImportRefused(["The file has no list of responses."])
    return QueueFile(token, responses)


def _label(index: int, item: Any) -> str:
    key = item.get("key") if isinstance(item, Mapping) else None
    return f"Response {index + 1}" + (f" (key {key})" if isinstance(key, str) and key else "")


def import_queue(
    partnership: Partnership, queue: QueueFile, progress: Callable[[int], None] | None = None
) -> ImportSummary:
    """Store every response in ``queue``, or none: raises ImportRefused listing each problem.

    The caller commits on success and rolls back on refusal; the savepoint here
    already undoes anything a refused file stored. ``progress`` hears how many
    responses have been checked.
    """
    event = event_for_import(queue.event_token, partnership)
    if event is None:
        raise ImportRefused([NOT_THIS_PARTNERSHIP])
    questionnaire = questionnaire_for(partnership)
    if questionnaire is None:
        raise ImportRefused(["There is no questionnaire to store responses against."])
    summary = ImportSummary(event)
    issued_at = link_issued_at(event, queue.event_token)
    problems: list[str] = []
    savepoint = db.session.begin_nested()
    for index, item in enumerate(queue.responses):
        if not isinstance(item, Mapping):
            problems.append(f"{_label(index, item)}: not a response object.")
            continue
        outcome = submit_payload(
            questionnaire, item, channel=KIOSK, event=event, link_issued_at=issued_at
        )
        if outcome.status == INVALID:
            details = [f"{code}: {message}" for code, message in outcome.errors.items()]
            problems.append(f"{_label(index, item)}: " + " ".join([outcome.message, *details]))
        elif outcome.status == DUPLICATE:
            summary.already_stored += 1
        else:
            summary.stored += 1
            summary.time_flagged += outcome.time_flagged
        if progress:
            progress(index + 1)
    if problems:
        savepoint.rollback()
        raise ImportRefused(problems)
    savepoint.commit()
    return summary


def import_file(
    partnership: Partnership,
    raw: bytes | str,
    user: User | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Parse and import a queue file (see import_queue) and record it in the audit trail.

    ``user`` is the admin who imported it; None for the command line.
    """
    summary = import_queue(partnership, parse_queue_file(raw), progress)
    where = "" if user is not None else " (command line)"
    audit.record(
        audit.ADMIN,
        "events.import_queue",
        user,
        rows=summary.stored,
        detail=f"Event {summary.event.id} ‘{summary.event.name}’: {summary.describe()}{where}",
    )
    return summary
