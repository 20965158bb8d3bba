"""The two ways a count can be refused: a bad election, or a bad ballot file."""


class CountingError(ValueError):
    """The election cannot be counted as given (unknown candidate, no seats, ...)."""


class NothingToCount(CountingError):
    """No ballot paper ranks a standing candidate: nobody can be elected, not even by lot."""


class BallotFileError(CountingError):
    """A ballot file could not be read; says which line and what is wrong with it."""

    def __init__(self, line: int | None, problem: str, source: str | None = None) -> None:
        self.line = line
        self.problem = problem
        self.source = source
        where = source or "ballot file"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")
