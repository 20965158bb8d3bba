"""A HiGHS solver that prints nothing.

HiGHS writes its banner to the process's standard output (file descriptor 1, from C)
when the first solver of a process is made, before any option can silence it: that
would spoil ``--format json``. The first solver is made with descriptor 1 pointed at
the null device for that moment.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import highspy

_made = False


@contextmanager
def _stdout_to_null() -> Iterator[None]:
    sys.stdout.flush()
    saved = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(null)
        os.close(saved)


def new_solver() -> highspy.Highs:
    """A silent HiGHS instance on one thread."""
    global _made
    if _made:
        h = highspy.Highs()
    else:
        with _stdout_to_null():
            h = highspy.Highs()
        _made = True
    h.silent()
    h.setOptionValue("threads", 1)
    return h
