"""Streamed downloads whose failures still get Engage's error page.

A streamed body is made after the view returns, when the status line has gone: an
error there can only cut the download short. ``started`` makes the first item inside
the view, so whatever fails before the first byte (the query, a bad filter, a lost
database) raises there and gets Engage's own error page (500, or 503 with Retry-After).
A failure after the first byte is logged, and the connection is closed without the
end of the body, so the client sees an incomplete download rather than a short file
that looks whole.
"""

from collections.abc import Iterable, Iterator
from typing import TypeVar

from flask import current_app, request

T = TypeVar("T")


def _rest(first: T, items: Iterator[T], what: str) -> Iterator[T]:
    yield first
    try:
        yield from items
    except Exception:
        current_app.logger.exception("%s failed after its first bytes were sent", what)
        raise


def started(items: Iterable[T]) -> Iterator[T]:
    """``items`` with the first one already made (here, in the view)."""
    iterator = iter(items)
    try:
        first = next(iterator)
    except StopIteration:
        return iter(())
    return _rest(first, iterator, f"{request.method} {request.path}")
