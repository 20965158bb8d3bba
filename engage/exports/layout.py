"""What a row-level download holds: its columns and the questions behind them.

Plain data, no Flask and no database, so every writer can use it on its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NOMINAL, ORDINAL, SCALE = "nominal", "ordinal", "scale"

INTEGER = "integer"
NUMBER = "number"  # a decimal number, such as a weight
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
    # Stored number -> option code, for choice questions written as codes.
    value_codes: Mapping[Any, str] = field(default_factory=dict)
    free_text: bool = False
    # Holds only option codes ([a-z0-9_]), which a spreadsheet never runs as a formula.
    safe: bool = False
    # How statistics files measure it: NOMINAL, ORDINAL or SCALE ("" lets the writer
    # decide: labelled values nominal, numbers scale).
    measure: str = ""


@dataclass(frozen=True)
class OptionInfo:
    code: str
    label: str
    value: int


@dataclass(frozen=True)
class VersionOption:
    """An option as one version offered it."""

    code: str
    value: int
    labels: Mapping[str, str]  # language -> label
    missing: bool = False  # a "don't know" or "prefer not to say" answer


@dataclass(frozen=True)
class VersionQuestion:
    """A question as one version asked it: wording in every language, options, rules."""

    number: int
    texts: Mapping[str, str]  # language -> wording
    options: tuple[VersionOption, ...] = ()
    required: bool = False
    condition_code: str | None = None
    condition_options: tuple[str, ...] = ()
    condition_words: str = ""  # the show-if condition in words
    min_value: int | None = None
    max_value: int | None = None
    max_choices: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class QuestionInfo:
    """One question code, joined across versions: a codebook entry."""

    code: str
    text: str
    type: str
    options: tuple[OptionInfo, ...]
    agencies: tuple[str, ...]
    versions: tuple[int, ...]
    columns: tuple[str, ...]
    history: tuple[VersionQuestion, ...] = ()  # oldest version first
    breaks: tuple[int, ...] = ()  # versions that start a new series (not comparable)
    missing_values: tuple[int, ...] = ()  # numeric codes of missing answers


@dataclass(frozen=True)
class Layout:
    columns: tuple[Column, ...]
    questions: tuple[QuestionInfo, ...]
    # The column statistics files weight the responses by (the .sav's weight variable),
    # or None when no weighting scheme has weights.
    weight: str | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]
