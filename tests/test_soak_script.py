"""The soak's reckoning (bench/harness/ledger.py): a loss, a duplicate or an unexplained
failure must show in its figures and fail the run. The soak itself, with real servers
killed, runs in CI as `make soak-short`.
"""

import os
import sys

sys.path.append(os.path.join(os.path.dirname(os.path.dirname(__file__)), "bench"))

from harness.ledger import Ledger, Window, reconcile  # noqa: E402

KEYS = [f"{n:032x}" for n in range(1, 4)]


def _ledger(acknowledged=KEYS, rows=5):
    ledger = Ledger()
    for key in acknowledged:
        ledger.attempt(key, retry=False)
        ledger.acknowledge(key, rows, 0.0, 0.1)
    return ledger


def test_every_acknowledged_response_stored_once_passes():
    figures = reconcile(_ledger(), [(key, 5) for key in KEYS], [])

    assert figures.line() == (
        "acknowledged=3 stored=3 duplicates=0 lost=0 errors_outside_kill_window=0 "
        "http_500=0 http_503=0"
    )
    assert figures.ok


def test_an_acknowledged_response_missing_from_the_database_is_lost():
    figures = reconcile(_ledger(), [(key, 5) for key in KEYS[:2]], [])

    assert (figures.stored, figures.lost) == (2, 1)
    assert not figures.ok


def test_a_response_stored_twice_or_without_all_its_answers_fails():
    twice = reconcile(_ledger(), [(key, 5) for key in KEYS] + [(KEYS[0], 5)], [])
    partial = reconcile(_ledger(), [(KEYS[0], 4), (KEYS[1], 5), (KEYS[2], 5)], [])

    assert twice.duplicates == 1 and not twice.ok
    assert partial.incomplete == 1 and not partial.ok


def test_only_failures_overlapping_a_kill_window_are_excused():
    ledger = _ledger()
    ledger.fail(9.5, 10.5, "ConnectionResetError")  # in flight when the worker died
    ledger.fail(20.0, 20.2, "HTTP 500")  # long after the server came back
    window = Window("worker", started=10.0, ended=11.0)

    figures = reconcile(ledger, [(key, 5) for key in KEYS], [window])

    assert (figures.errors_inside_kill_window, figures.errors_outside_kill_window) == (1, 1)
    assert figures.first_errors == ["HTTP 500"]
    assert not figures.ok


def test_a_refusal_is_an_error_even_during_a_kill():
    ledger = _ledger()
    ledger.refuse("HTTP 422: the answers need fixing")

    figures = reconcile(ledger, [(key, 5) for key in KEYS], [Window("master", 0.0, 99.0)])

    assert figures.errors_outside_kill_window == 1
    assert not figures.ok


def test_a_500_fails_the_run_even_inside_a_window_and_a_503_with_retry_after_does_not():
    window = Window("PostgreSQL restart", 10.0, 20.0)
    ledger = _ledger()
    ledger.server_error(12.0, 12.1, 503, retry_after=True)
    figures = reconcile(ledger, [(key, 5) for key in KEYS], [window])
    assert figures.ok and figures.unavailable == 1 and figures.server_errors == 0

    ledger.server_error(13.0, 13.1, 500, retry_after=False)
    figures = reconcile(ledger, [(key, 5) for key in KEYS], [window])
    assert not figures.ok and figures.server_errors == 1
    assert "HTTP 500" in figures.first_errors[-1]


def test_a_503_without_retry_after_is_a_fault():
    ledger = _ledger()
    ledger.server_error(12.0, 12.1, 503, retry_after=False)
    figures = reconcile(ledger, [(key, 5) for key in KEYS], [Window("restart", 10.0, 20.0)])
    assert not figures.ok and figures.server_errors == 1
