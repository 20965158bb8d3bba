"""The survey as pages: each section is a page, split where skip logic needs an answer first.

No Flask in here. A page never holds a question together with the question that
decides whether it is asked, so every question a page shows applies: without
JavaScript, the server can only know an answer once the page is sent. A section
whose conditional question follows its controller on the same page is split there;
the second part is the same section, "continued".

Which pages a resident sees depends on their answers so far (``Checked.shown``): a
page none of whose questions apply is passed over, forwards and back.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

NEXT = "next"
BACK = "back"
CHECK = "check"
SUBMIT = "submit"
GOTO = "goto"  # "goto:<page>": a Change link on the check page, or coming back later


@dataclass(frozen=True)
class Page:
    number: int  # its place among every page of the survey, from 0
    section: int  # the section it belongs to, from 0
    codes: tuple[str, ...]  # its questions, in questionnaire order
    continued: bool  # the second or later page of its section


def pages_of(sections: Sequence[Sequence[Any]]) -> list[Page]:
    """The pages of a survey whose sections hold questions (with code and condition_code)."""
    pages: list[Page] = []
    for s, questions in enumerate(sections):
        current: list[str] = []
        continued = False
        for question in questions:
            if current and question.condition_code in current:
                pages.append(Page(len(pages), s, tuple(current), continued))
                current, continued = [], True
            current.append(question.code)
        if current:
            pages.append(Page(len(pages), s, tuple(current), continued))
    return pages


def applies(page: Page, shown: set[str]) -> bool:
    return any(code in shown for code in page.codes)


def next_page(pages: Sequence[Page], after: int, shown: set[str]) -> Page | None:
    """The first page after page number ``after`` with a question that applies."""
    return next((p for p in pages[after + 1 :] if applies(p, shown)), None)


def previous_page(pages: Sequence[Page], before: int, shown: set[str]) -> Page | None:
    """The last page before page number ``before`` with a question that applies."""
    return next((p for p in reversed(pages[: max(before, 0)]) if applies(p, shown)), None)


def first_page(pages: Sequence[Page], shown: set[str]) -> Page:
    return next_page(pages, -1, shown) or pages[0]


def progress(pages: Sequence[Page], page: Page, shown: set[str]) -> tuple[int, int]:
    """(this page's section number from 1, the number of sections that apply)."""
    sections = sorted({p.section for p in pages if applies(p, shown)} | {page.section})
    return sections.index(page.section) + 1, len(sections)


def parse_action(raw: str | None, count: int) -> tuple[str, int | None]:
    """(action, page number for GOTO) from the button pressed; SUBMIT when none was.

    A form sent without a button (every answer at once, as a script or a test may
    send it) is a submission: all of it is checked before anything is stored.
    """
    raw = (raw or "").strip()
    if raw.startswith(GOTO + ":"):
        number = raw.partition(":")[2]
        if number.isdigit() and int(number) < count:
            return GOTO, int(number)
        return NEXT, None
    if raw in (NEXT, BACK, CHECK, SUBMIT):
        return raw, None
    return SUBMIT, None


def page_number(raw: str | None, count: int) -> int:
    """The page a form came from (0 when the field is missing or not a page)."""
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() and int(raw) < count else 0
