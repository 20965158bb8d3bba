"""Offline: a response queued on the tablet reaches the database exactly once, whichever
way it travels (automatic upload, a later page load, export and import), and however
many of them happen. Also the size and hosts of what a kiosk page loads."""

import json
from datetime import datetime, timedelta
from pathlib import Path

from engage.events.imports import import_file
from engage.extensions import db
from engage.partnership.services import current_partnership
from engage.timeutil import utcnow
from tests.browser.kiosk import complete_survey

WAITING = "[data-kiosk-queue-count]"
LIMIT = 150 * 1024


def wait_for_service_worker(page):
    # A function, not an expression: Playwright evaluates expressions with eval, which the
    # Content-Security-Policy refuses.
    page.wait_for_function(
        "() => navigator.serviceWorker && navigator.serviceWorker.controller !== null"
    )


def test_offline_submission_is_stored_exactly_once(live_server, event, context, page):
    page.goto(live_server.kiosk(event))
    wait_for_service_worker(page)
    page.get_by_role("button", name="Start in English").click()
    page.wait_for_url(live_server.kiosk(event, "en/"))  # kiosk.js has laid out the sections
    context.set_offline(True)
    complete_survey(page)
    assert page.locator("[data-kiosk-queued]").is_visible()
    assert live_server.responses(event) == []

    # The start screen comes from the service worker and tells staff what is waiting.
    page.locator("[data-kiosk-restart]:visible").click()
    page.wait_for_url(live_server.kiosk(event))
    page.locator(WAITING).filter(has_text="1 response waiting to upload").wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Save waiting responses to a file").click()
    saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert {k: saved[k] for k in ("format", "version", "event_token")} == {
        "format": "engage-kiosk-queue",
        "version": 1,
        "event_token": event.kiosk_token,
    }
    [entry] = saved["responses"]
    assert set(entry) == {"key", "version", "lang", "answers", "answered_at", "queued_at"}
    assert entry["lang"] == "en" and entry["answers"]["ward"]

    # An administrator imports the file while the tablet is still offline...
    with live_server.app.app_context():
        import_file(current_partnership(), json.dumps(saved))
        db.session.commit()
    assert [r.key for r in live_server.responses(event)] == [entry["key"]]

    # ...then the tablet comes back online and uploads by itself: the server says
    # it already has the response, and the queue empties.
    context.set_offline(False)
    page.locator(WAITING).filter(has_text="0 responses waiting to upload").wait_for()
    assert page.get_by_role("button", name="Save waiting responses to a file").is_hidden()
    page.reload()
    page.locator(WAITING).filter(has_text="0 responses waiting to upload").wait_for()
    [stored] = live_server.responses(event)
    assert (stored.key, stored.channel, stored.language) == (entry["key"], "kiosk", "en")
    # Dated when the resident finished on the tablet, to the millisecond it recorded.
    assert stored.submitted_at == datetime.fromisoformat(entry["answered_at"])
    assert not stored.time_flagged


def test_a_response_queued_ten_days_ago_is_dated_that_day(live_server, event, context, page):
    """The tablet's clock says ten days ago (inside the link's life): the upload keeps it."""
    answered = (utcnow() - timedelta(days=10)).replace(microsecond=0)
    live_server.backdate_link(event, answered - timedelta(days=1))
    page.clock.set_fixed_time(answered)
    answer_offline_then_reconnect(live_server, event, context, page)
    [stored] = live_server.responses(event)
    assert (stored.submitted_at, stored.time_flagged) == (answered, False)


def answer_offline_then_reconnect(live_server, event, context, page):
    """One response finished offline (queued), then the connection returns: it uploads."""
    page.goto(live_server.kiosk(event, "en/"))
    wait_for_service_worker(page)
    context.set_offline(True)
    complete_survey(page)
    assert page.locator("[data-kiosk-queued]").is_visible()
    context.set_offline(False)
    page.locator("[data-kiosk-restart]:visible").click()
    page.locator(WAITING).filter(has_text="0 responses waiting to upload").wait_for()


def test_queue_uploads_when_the_connection_returns(live_server, event, context, page):
    answer_offline_then_reconnect(live_server, event, context, page)
    assert len(live_server.responses(event)) == 1
    page.reload()
    page.locator(WAITING).filter(has_text="0 responses waiting to upload").wait_for()
    assert len(live_server.responses(event)) == 1


def test_kiosk_page_is_small_and_loads_only_from_its_own_host(live_server, event, browser):
    # Measure the page and its assets as the browser fetches them: no service worker answers.
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    sizes: dict[str, int] = {}

    def measure(request):
        transferred = request.sizes()  # encoded (gzipped) body plus headers
        sizes[request.url] = transferred["responseBodySize"] + transferred["responseHeadersSize"]

    page.on("requestfinished", measure)
    page.goto(live_server.kiosk(event, "en/"), wait_until="networkidle")
    total = sum(sizes.values())
    print(f"kiosk survey page with its assets: {total} bytes over {len(sizes)} requests")
    assert total <= LIMIT, sizes
    assert all(url.startswith(live_server.url + "/") for url in sizes), sizes
    context.close()

    # With the service worker too (its precache included), nothing leaves the app's host.
    context = browser.new_context()
    hosts = set()
    context.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page = context.new_page()
    page.goto(live_server.kiosk(event))
    wait_for_service_worker(page)
    page.get_by_role("button", name="Start in English").click()
    page.wait_for_load_state("networkidle")
    assert hosts == {live_server.url.split("/")[2]}
    context.close()


def test_a_tablet_told_to_slow_down_keeps_the_response_and_sends_it_later(
    live_server, event, browser
):
    # Fifty tablets coming back online at once can meet the rate limit (429): that is
    # "try again later", not a refusal for staff to deal with.
    context = browser.new_context(service_workers="block")
    context.set_default_timeout(10_000)
    page = context.new_page()
    uploads = f"**/kiosk/{event.kiosk_token}/responses"
    refused = []

    def slow_down(route):
        refused.append(route.request.url)
        route.fulfill(status=429, headers={"Retry-After": "1"}, body="Too many requests")

    context.route(uploads, slow_down)
    page.goto(live_server.kiosk(event, "en/"))
    complete_survey(page)
    page.locator("[data-kiosk-restart]:visible").click()
    page.locator(WAITING).filter(has_text="1 response waiting to upload").wait_for()
    assert refused and live_server.responses(event) == []
    assert page.locator("[data-kiosk-attention]").is_hidden()  # nothing for staff to do
    context.unroute(uploads)
    page.reload()
    page.locator(WAITING).filter(has_text="0 responses waiting to upload").wait_for()
    assert len(live_server.responses(event)) == 1
    context.close()
