"""What a row-level download holds: its columns and the questions behind them.

Plain data, no Flask and no database, so every writer can use it on its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

INTEGER = "integer"
STRING = "string"
DATETIME = "datetime"

# A multiple-choice question becomes one 0/1 column per option ("multiple
# dichotomy" in SPSS): 1 chosen, 0 answered but not chosen, blank not answered.
CHOSEN_LABELS = {0: "Not chosen", 1: "Chosen"}
SEPARATOR = "__"


@dataclass(frozen=True)
class Column:
    """One column of the download."""

    name: str
    label: str
    kind: str = INTEGER
    # Stored value -> label, for labelled CSV, SPSS value labels and data-package categories.
    value_labels: Mapping[Any, str] = field(default_factory=dict)
    free_text: bool = False


@dataclass(frozen=True)
class OptionInfo:
    code: str
    label: str
    value: int


@dataclass(frozen=True)
class QuestionInfo:
    """One question code, joined across versions: a codebook row."""

    code: str
    text: str
    type: str
    options: tuple[OptionInfo, ...]
    agencies: tuple[str, ...]
    versions: tuple[int, ...]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    columns: tuple[Column, ...]
    questions: tuple[QuestionInfo, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]
