"""Kiosk weight: the bytes transferred (response headers included) and the requests of a
kiosk page on an empty cache in headless Chromium, served by gunicorn from a freshly
migrated and seeded SQLite database; against GOV.UK Frontend's own minimum, a static page
that links only its compiled CSS and JavaScript (and loads the fonts that CSS asks for).

Three loads, each in a new browser context: the start screen and the English survey with
service workers blocked (what the page itself costs), then the start screen letting its
service worker install, which precaches every page of the event and the assets. The scale
does not change this figure. KB are of 1,024 bytes. The baseline is gzipped by the app's
own rule, so the ratio shows what Engage adds, not compression; it links no icon, so
Chromium asks for /favicon.ico and gets a 404, counted like any request.
"""

import os
import shutil
from typing import Any

from harness import progress
from harness.databases import prepare, server_env
from harness.pageweight import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Fetch,
    Load,
    decoded_kb,
    kb,
    measure,
    static_server,
)
from harness.servers import ROOT, Gunicorn, free_port

from figures.common import Context, row

STATIC = os.path.join(ROOT, "engage", "static")
GOVUK = os.path.join(ROOT, "node_modules", "govuk-frontend", "dist", "govuk")
# The same budget as tests/browser/test_kiosk_offline.py: the survey page with its assets.
BUDGET_KB = 150
BASELINE = "static page with only govuk-frontend.min.css and .min.js (and its fonts), gzipped"

BASELINE_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head>
  <meta charset="utf-8">
  <title>Start – GOV.UK Frontend</title>
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <link rel="stylesheet" href="/govuk-frontend.min.css">
</head>
<body class="govuk-template__body">
  <script>document.body.className += " js-enabled govuk-frontend-supported";</script>
  <a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main
    content</a>
  <div class="govuk-width-container">
    <main class="govuk-main-wrapper" id="main-content">
      <h1 class="govuk-heading-xl">Tell us about living here</h1>
      <p class="govuk-body-l">Answer a few questions on this tablet.</p>
      <h2 class="govuk-heading-m">Your privacy</h2>
      <p class="govuk-body">We do not ask for your name.</p>
      <a href="#" role="button" draggable="false" data-module="govuk-button"
         class="govuk-button govuk-button--start">Start in English</a>
    </main>
  </div>
  <script type="module">
    import { initAll } from "/govuk-frontend.min.js";
    initAll();
  </script>
</body>
</html>
"""


def _check_assets() -> None:
    for name in ("css/engage.css", "js/govuk-frontend.min.js", "js/kiosk.js", "js/kiosk-sw.js"):
        if not os.path.isfile(os.path.join(STATIC, name)):
            raise RuntimeError(f"engage/static/{name} is missing: run `make assets` first")
    if not os.path.isfile(os.path.join(GOVUK, "govuk-frontend.min.css")):
        raise RuntimeError("node_modules/govuk-frontend is missing: run `make install` first")
    if not os.path.exists(CHROMIUM):
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium package")


def _baseline_folder(folder: str) -> str:
    """GOV.UK Frontend's page, CSS, JavaScript and assets (fonts, images) in ``folder``."""
    root = os.path.join(folder, "govuk-baseline")
    os.makedirs(root, exist_ok=True)
    for name in ("govuk-frontend.min.css", "govuk-frontend.min.js"):
        shutil.copy(os.path.join(GOVUK, name), root)
    # Its CSS asks for /assets/fonts/... and /assets/images/..., from the site's root.
    shutil.copytree(os.path.join(GOVUK, "assets"), os.path.join(root, "assets"), dirs_exist_ok=True)
    with open(os.path.join(root, "index.html"), "w", encoding="utf-8") as out:
        out.write(BASELINE_PAGE)
    return root


def _describe(label: str, fetches: list[Fetch]) -> None:
    """Each request on standard error: status, bytes, encoding and cache headers."""
    decoded = decoded_kb(fetches)
    plain = "" if decoded is None else f", {decoded:.1f} KB once decompressed"
    progress(f"{label}: {kb(fetches):.1f} KB transferred over {len(fetches)} requests{plain}")
    for fetch in sorted(fetches, key=lambda f: -f.transferred):
        body = "" if fetch.body is None else f", body {fetch.body:,} B"
        unzipped = ""
        if fetch.gzipped is not None:
            unzipped = f", not compressed (gzip would make it {fetch.gzipped:,} B)"
        progress(
            f"  {fetch.status} {fetch.path[:70]}: {fetch.transferred:,} B{body}"
            f" [{fetch.encoding or 'identity'}{unzipped};"
            f" cache-control: {fetch.headers.get('cache-control', '-')}]"
        )


def _kiosk_loads(browser: Any, folder: str) -> dict[str, Load]:
    """The three kiosk loads against gunicorn on a fresh, seeded SQLite database."""
    port = free_port()
    path = os.path.join(folder, "kiosk-weight.sqlite3")
    if os.path.exists(path):
        os.remove(path)  # a fresh database each time, even in a reused folder
    database = "sqlite:///" + path
    token, _, _ = prepare(database, port)
    server = Gunicorn(port, server_env(database, port), os.path.join(folder, "gunicorn.log"), 1)
    server.start()
    try:
        server.wait_until_answering(f"/kiosk/{token}/")
        base = f"http://127.0.0.1:{port}/kiosk/{token}/"
        return {
            "start": measure(browser, base),
            "survey": measure(browser, base + "en/"),
            "precache": measure(browser, base, service_worker=True),
        }
    except Exception:
        progress(f"gunicorn's log ends:\n{server.log_tail()}")
        raise
    finally:
        server.stop()


def kiosk_weight(context: Context) -> list[dict]:
    from playwright.sync_api import sync_playwright

    _check_assets()
    root = _baseline_folder(context.folder)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            with static_server(root) as url:
                baseline = measure(browser, url + "/").page
            loads = _kiosk_loads(browser, context.folder)
        finally:
            browser.close()

    _describe("GOV.UK Frontend baseline page", baseline)
    _describe("kiosk start page, service workers blocked", loads["start"].page)
    _describe("kiosk survey page (en), service workers blocked", loads["survey"].page)
    precache = loads["precache"]
    _describe("kiosk start page, its own requests, service worker allowed", precache.page)
    _describe("kiosk service worker: its script and precache", precache.worker)

    survey = kb(loads["survey"].page)
    rows = []
    for label, fetches, target in (
        ("kiosk start page", loads["start"].page, None),
        ("kiosk survey page (en)", loads["survey"].page, BUDGET_KB),
        ("kiosk start page with the service worker's precache", precache.everything, None),
    ):
        value = kb(fetches)
        rows.append(
            row(
                f"{label}, empty cache: bytes transferred",
                value,
                "KB",
                BASELINE,
                kb(baseline),
                f"<= {target} KB" if target else "",
                value <= target if target else None,
            )
        )
        rows.append(
            row(
                f"{label}, empty cache: requests",
                len(fetches),
                "requests",
                BASELINE,
                len(baseline),
            )
        )
    progress(f"survey page {survey:.1f} KB against the {BUDGET_KB} KB budget of the browser test")
    return rows
