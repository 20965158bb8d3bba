"""Choosing and running a counting method, with the seed that makes its lots repeatable."""

from engage.counting.ballots import Election
from engage.counting.errors import CountingError
from engage.counting.irv import count_irv
from engage.counting.result import CountResult
from engage.counting.stv import count_stv
from engage.counting.ties import new_seed

METHODS = ("irv", "stv")


def default_method(seats: int) -> str:
    """STV for several seats, IRV for one."""
    return "stv" if seats > 1 else "irv"


def count(
    election: Election, method: str | None = None, seed: str | int | None = None
) -> CountResult:
    """Count the election. The seed (made up and recorded if not given) drives any lot.

    The seed is used as text, so 42 and "42" draw the same lots.
    """
    method = method or default_method(election.seats)
    chosen = new_seed() if seed is None else str(seed)
    if method == "irv":
        return count_irv(election, chosen)
    if method == "stv":
        return count_stv(election, chosen)
    raise CountingError(f"unknown counting method {method!r}; use one of {', '.join(METHODS)}")
