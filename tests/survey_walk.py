"""Going through the resident survey page by page, as a browser without JavaScript does.

``SurveyPage`` reads a survey page's form the way a browser sends it: the hidden
fields, the questions shown (by field name), and the buttons. ``walk`` answers
each page from a dict of answers and presses Continue until check-your-answers.
"""

from collections.abc import Mapping
from html.parser import HTMLParser

from werkzeug.datastructures import MultiDict

FIELDS = ("input", "select", "textarea")


class SurveyPage(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.hidden: list[tuple[str, str]] = []
        self.questions: list[str] = []  # q-... field names shown, in page order
        self.buttons: list[tuple[str, str]] = []
        self.h1 = ""
        self.caption = ""
        self._in: str | None = None
        self.html = html
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name") or ""
        if tag == "input" and a.get("type") == "hidden" and name:
            self.hidden.append((name, a.get("value") or ""))
        elif tag in FIELDS and name.startswith("q-") and name not in self.questions:
            self.questions.append(name)
        elif tag == "button" and name == "_action":
            self.buttons.append((name, a.get("value") or ""))
        elif tag == "h1":
            self._in = "h1"
        elif tag == "span" and "govuk-caption-l" in (a.get("class") or ""):
            self._in = "caption"

    def handle_endtag(self, tag):
        if tag in ("h1", "span") and self._in:
            self._in = None if tag == "h1" or self._in == "caption" else self._in

    def handle_data(self, data):
        if self._in == "h1":
            self.h1 += data
        elif self._in == "caption":
            self.caption += data

    @property
    def heading(self) -> str:
        return " ".join(self.h1.split())

    @property
    def codes(self) -> list[str]:
        return [name.removeprefix("q-") for name in self.questions]

    @property
    def is_check(self) -> bool:
        return ("_page", "check") in self.hidden

    def form(self, answers: Mapping[str, object], action: str) -> MultiDict:
        """The form a browser sends: hidden fields, this page's answers, the button."""
        data = MultiDict(self.hidden)
        for name in self.questions:
            value = answers.get(name)
            for item in value if isinstance(value, list) else [value] if value else []:
                data.add(name, item)
        data.add("_action", action)
        return data


def walk(client, answers: Mapping[str, object], query: str = "", most: int = 40):
    """Answer every page from ``answers`` until check-your-answers; returns the pages seen
    (the last one is the check page)."""
    response = client.get("/survey/" + query)
    assert response.status_code == 200, response.status_code
    seen = [SurveyPage(response.get_data(as_text=True))]
    while not seen[-1].is_check:
        assert len(seen) < most, "the survey never reached check-your-answers"
        response = client.post("/survey/" + query, data=seen[-1].form(answers, "next"))
        assert response.status_code == 200, (seen[-1].heading, response.get_data(as_text=True))
        seen.append(SurveyPage(response.get_data(as_text=True)))
    return seen


def submit(client, check: SurveyPage, query: str = ""):
    """Press 'Submit your answers' on the check page."""
    return client.post("/survey/" + query, data=check.form({}, "submit"))


def post_page_of(client, answers: Mapping[str, object], field: str, query: str = ""):
    """Go through the survey with ``answers`` and return the response to sending the
    page that asks ``field``."""
    page = SurveyPage(client.get("/survey/" + query).get_data(as_text=True))
    for _ in range(40):
        response = client.post("/survey/" + query, data=page.form(answers, "next"))
        if field in page.questions:
            return response
        assert response.status_code == 200, page.heading
        page = SurveyPage(response.get_data(as_text=True))
        assert not page.is_check, f"no page asks {field}"
    raise AssertionError("the survey never ended")
