"""Refusals from the panel services; each message is written for the person who asked."""

from dataclasses import dataclass


class PanelError(ValueError):
    """A change to a panel or vote that must be refused, with a message that says why."""


class PhaseError(PanelError):
    """The vote is not in a phase that allows this."""


class BallotError(PanelError):
    """A ballot that cannot be cast as it stands."""


class CodeError(PanelError):
    """A voter code that is unknown, cancelled or already used."""


@dataclass(frozen=True)
class LineProblem:
    """What is wrong with one line of a paper-ballot file (line 1 is the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}"


class PaperImportError(PanelError):
    """A paper-ballot file with bad rows; nothing from it was stored."""

    def __init__(self, problems: list[LineProblem]) -> None:
        count = len(problems)
        rows = "1 line has a problem" if count == 1 else f"{count} lines have problems"
        super().__init__(f"{rows}, so no ballots were imported. Correct the file and try again.")
        self.problems = problems
