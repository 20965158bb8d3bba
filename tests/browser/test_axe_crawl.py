"""axe-core over every page a crawl reaches, for every role: WCAG 2.0, 2.1 and 2.2 A and
AA. The test follows the links each role is shown, from its start page, rather than
listing pages, so a new page is checked without editing the test. Residents' and panel
members' pages are crawled in English and in Urdu (right to left); staff pages are in
English only, as the app serves them.
"""

import re
from urllib.parse import urldefrag, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError

from engage.accounts.models import User
from engage.extensions import db
from engage.panels.ballot_box import codes
from engage.panels.models import DELIBERATION, DRAFT, VOTING
from engage.partnership.services import current_partnership
from tests.browser.kiosk import axe_violations
from tests.panel_factories import make_vote

PASSWORD = "brackenford-demo"  # noqa: S105  (the demo's published password)
MAX_PAGES = 150  # per role and language: far more than any role's pages
PER_PATH = 2  # the same address with different query strings: filters, sorting ...
# Files, machine-readable addresses and the kiosk (its own test checks it offline).
NOT_PAGES = re.compile(
    r"\.(csv|jsonl?|zip|xlsx|sav|dta|svg|png|pdf|txt|js|css|ico)(\?|$)"
    r"|^/(api|odata|static|kiosk)/"
    r"|^/exports/jobs/\d+/file"
)


# Links, and GET forms sent as they stand (filters, the cross-tab's choice of questions):
# the pages a person reaches by pressing the form's button without changing anything.
LINKS = """() => [
  ...Array.from(document.querySelectorAll('a[href]'))
    .filter(a => !a.hasAttribute('download')).map(a => a.href),
  ...Array.from(document.querySelectorAll('form'))
    .filter(f => (f.getAttribute('method') || 'get').toLowerCase() === 'get')
    .map(f => {
      const url = new URL(f.action || location.href);
      url.search = new URLSearchParams(new FormData(f)).toString();
      return url.href;
    }),
]"""


def _links(page) -> list[str]:
    return page.evaluate(LINKS)


def crawl(page, base: str, start: str, lang: str = "") -> tuple[list[str], list[str]]:
    """(problems, pages checked) over every page reachable by links from ``start``."""
    queue, seen = [base + start], set()
    per_path: dict[str, set[str]] = {}
    problems: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file behind an ordinary link (the XLSForm of a version)
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if lang and page.evaluate("document.documentElement.lang") != lang:
            continue  # a staff page a member's link reaches: English by design
        problems += [f"{urlsplit(url).path}: {v}" for v in axe_violations(page)]
        for link in _links(page):
            link = urldefrag(link)[0]
            parts = urlsplit(link)
            if not link.startswith(base) or NOT_PAGES.search(parts.path):
                continue
            if lang and "lang=" not in parts.query:
                link += ("&" if parts.query else "?") + f"lang={lang}"
            variants = per_path.setdefault(parts.path, set())
            if link not in variants and len(variants) < PER_PATH:
                variants.add(link)
                queue.append(link)
    return problems, sorted(seen)


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/home"))


@pytest.fixture
def votes(live_server):
    """A vote in each phase a page shows differently, so the panel pages have content."""
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
        for phase in (DRAFT, DELIBERATION, VOTING):
            make_vote(current_partnership(), user, phase, titles=("Parks", "Lights", "Roads"))
        db.session.commit()


@pytest.mark.parametrize("role", ["admin", "analyst", "facilitator"])
def test_axe_finds_nothing_on_any_page_staff_reach(live_server, page, votes, role):
    sign_in(page, live_server.url, f"{role}@demo.engage.test")

    problems, pages = crawl(page, live_server.url, "/home")

    assert problems == [], "\n".join(problems)
    assert len(pages) >= 10, pages  # the crawl really went somewhere


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_axe_finds_nothing_on_any_page_residents_reach(live_server, page, lang):
    problems, pages = crawl(page, live_server.url, f"/?lang={lang}", lang)

    assert problems == []
    assert any("/survey" in p for p in pages) and any("/you-said" in p for p in pages)


@pytest.fixture
def member_code(live_server):
    """A vote in deliberation, and one member's code for it."""
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
        vote = make_vote(current_partnership(), user, DELIBERATION, titles=("Parks", "Lights"))
        (issued,) = codes.generate_codes(vote, 1, user)
        db.session.commit()
        return vote.id, issued.code


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_axe_finds_nothing_on_any_page_panel_members_reach(live_server, page, member_code, lang):
    vote_id, code = member_code
    page.goto(f"{live_server.url}/vote/enter?lang={lang}")
    page.fill("input[name=code]", code)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/vote/{vote_id}"))

    problems, pages = crawl(page, live_server.url, f"/vote/{vote_id}?lang={lang}", lang)

    assert problems == []
    assert len(pages) >= 2, pages
