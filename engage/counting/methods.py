"""Choosing and running a counting method, with the seed that makes its lots repeatable."""

from collections.abc import Sequence

import numpy as np

from engage.counting.ballots import Election
from engage.counting.errors import CountingError
from engage.counting.irv import count_irv
from engage.counting.options import CountOptions
from engage.counting.result import CountResult
from engage.counting.stv import count_stv
from engage.counting.ties import new_seed

METHODS = ("irv", "stv")


def default_method(seats: int) -> str:
    """STV for several seats, IRV for one."""
    return "stv" if seats > 1 else "irv"


def count(
    election: Election,
    method: str | None = None,
    seed: str | int | None = None,
    options: CountOptions | None = None,
    ends: np.ndarray | None = None,
    *,
    undervote: np.ndarray | None = None,
    undeclared: Sequence[str] | None = None,
) -> CountResult:
    """Count the election. The seed (made up and recorded if not given) drives any lot.

    The seed is used as text, so 42 and "42" draw the same lots. ``options`` (default
    ``CountOptions()``, Engage's own rules) are recorded in the result. ``ends`` (one
    reason per ballot row, from ``apply_rules``) adds each stage's inactive votes by
    reason; ``undervote`` marks the rows with no mark at all, left out of them.
    ``undeclared`` names the candidates standing for undeclared write-ins (default: the
    election's ``undeclared_write_ins`` attribute, if it has one).
    """
    method = method or default_method(election.seats)
    chosen = new_seed() if seed is None else str(seed)
    if undeclared is None:
        undeclared = tuple(getattr(election, "undeclared_write_ins", ()))
    if method == "irv":
        return count_irv(election, chosen, options, ends, undervote, undeclared)
    if method == "stv":
        return count_stv(election, chosen, options, ends, undervote, undeclared)
    raise CountingError(f"unknown counting method {method!r}; use one of {', '.join(METHODS)}")
