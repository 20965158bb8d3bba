"""Where a survey form goes next: which page, the check-your-answers page, or storing.

No Flask in here. Nothing about a resident is kept on the server between pages:
every page's form carries the answers given so far, and the decision is made
afresh from them each time (``decide``). Answers are checked with the same rules
as a whole submission (``check_answers``), so a page shows exactly the questions
that apply, and storing checks everything again.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engage.survey import steps
from engage.survey.answers import Checked, check_answers

PAGE = "page"
CHECK = "check"
STORE = "store"


@dataclass(frozen=True)
class Decision:
    kind: str  # PAGE, CHECK or STORE
    checked: Checked
    page: steps.Page | None = None
    errors: Mapping[str, str] = field(default_factory=dict)  # shown with the page or check
    returning: bool = False  # the page was opened from check-your-answers


def decide(
    questions: Sequence[Any],
    pages: Sequence[steps.Page],
    values: Mapping[str, Sequence[str]],
    area_codes: Iterable[str],
    action: str,
    target: int | None,
    current: int | None,
    returning: bool,
) -> Decision:
    """The outcome of pressing ``action`` on page ``current`` (None: the check page).

    Next checks the page's questions and moves on to the next page that applies,
    or back to check-your-answers when the page was opened from there (unless a
    question that now applies has not been seen). Back and Change move without
    checking. Submit checks everything: every problem is listed on the check page.
    """
    checked = check_answers(questions, values, area_codes)
    shown = checked.shown

    def page_at(number: int, errors=None, returning=returning) -> Decision:
        page = pages[number]
        if not steps.applies(page, shown):
            page = steps.next_page(pages, number, shown) or steps.first_page(pages, shown)
        return Decision(PAGE, checked, page, errors or {}, returning)

    def check_page(errors=None) -> Decision:
        return Decision(CHECK, checked, None, errors or {}, True)

    if action == steps.GOTO and target is not None:
        return page_at(target)
    if action == steps.BACK:
        if current is None:  # Back from check-your-answers: the last page that applies
            last = steps.previous_page(pages, len(pages), shown)
            return page_at(last.number if last else 0, returning=False)
        before = steps.previous_page(pages, current, shown)
        return page_at(before.number if before else current)
    if action == steps.CHECK:
        return check_page() if checked.ok else _first_unfinished(pages, checked, page_at)
    if action == steps.NEXT and current is not None:
        here = {c: e for c, e in checked.errors.items() if c in pages[current].codes}
        if here:
            return page_at(current, here)
        if returning:
            return check_page() if checked.ok else _first_unfinished(pages, checked, page_at)
        after = steps.next_page(pages, current, shown)
        return page_at(after.number) if after else check_page(checked.errors)
    # A submission: from the check page, or every answer at once.
    if checked.ok:
        return Decision(STORE, checked)
    return check_page(checked.errors)


def _first_unfinished(pages: Sequence[steps.Page], checked: Checked, page_at) -> Decision:
    """The first page with a question still to answer, shown without error messages:
    the resident has not seen it yet (a change made it apply)."""
    page = next(p for p in pages if any(c in checked.errors for c in p.codes))
    return page_at(page.number)
