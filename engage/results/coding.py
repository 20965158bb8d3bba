"""A response's closed answers as one compact row of fixed-width numbers. No Flask in here.

Each published version has a row layout: one slot per question that can be counted
(choices, ratings, numbers, the area question), in questionnaire order. A slot holds

- a single choice: the chosen option's position in that version's question (0, 1, …);
- a multiple choice: a bit per option position (bit 0 for the first option);
- a rating or number question (``VALUE``): the number given;
- the area question (``AREA``): the area's id;

or says why there is no value: the question was shown and left blank (``NO_ANSWER``,
or no bits), or its show-if condition kept it from the respondent (``NOT_SHOWN``, or
``HIDDEN_BIT``). A question the version did not ask has no slot at all. So the row says
exactly who was asked what, which is what every base of the results is counted from.

The rows are stored with the responses (``response.coded``), written in the transaction
that stores the answers, and decoded in bulk with numpy (``decode``).
"""

import struct
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

CHOICE = "choice"
MULTIPLE = "multiple"
VALUE = "value"
AREA = "area"

NO_ANSWER = -(2**31)  # shown, left blank
NOT_SHOWN = NO_ANSWER + 1  # its condition kept it from the respondent
HIDDEN_BIT = 1 << 63  # a multiple choice that was not shown
MAX_MULTIPLE_OPTIONS = 63


@dataclass(frozen=True)
class Slot:
    """One counted question of a version: its code, kind and option codes in position order."""

    code: str
    kind: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowLayout:
    """The slots of one version's rows, and how they pack."""

    slots: tuple[Slot, ...]
    _index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for slot in self.slots:
            if slot.kind == MULTIPLE and len(slot.options) > MAX_MULTIPLE_OPTIONS:
                raise ValueError(
                    f"{slot.code}: a multiple-choice question has at most "
                    f"{MAX_MULTIPLE_OPTIONS} options"
                )
        self._index.update({s.code: i for i, s in enumerate(self.slots)})

    @cached_property
    def _struct(self) -> struct.Struct:
        return struct.Struct("<" + "".join("Q" if s.kind == MULTIPLE else "i" for s in self.slots))

    @cached_property
    def dtype(self) -> np.dtype:
        return np.dtype(
            [(f"s{i}", "<u8" if s.kind == MULTIPLE else "<i4") for i, s in enumerate(self.slots)]
        )

    @property
    def size(self) -> int:
        return self._struct.size

    def slot(self, code: str) -> int | None:
        return self._index.get(code)

    def encode(self, values: Mapping[str, Sequence[int]], shown: Container[str]) -> bytes:
        """The row for one response.

        ``values`` maps each answered code to its option positions (choices) or its one
        number or area id; ``shown`` holds the codes the respondent was shown.
        """
        packed: list[int] = []
        for slot in self.slots:
            given = values.get(slot.code)
            if slot.kind == MULTIPLE:
                bits = 0
                for position in given or ():
                    bits |= 1 << position
                packed.append(bits if given or slot.code in shown else HIDDEN_BIT)
            elif given:
                packed.append(given[0])
            else:
                packed.append(NO_ANSWER if slot.code in shown else NOT_SHOWN)
        return self._struct.pack(*packed)

    def decode(self, rows: Iterable[bytes]) -> np.ndarray:
        """Many rows of this layout at once, as a structured array (field ``s<i>`` per slot)."""
        joined = b"".join(rows)
        if len(joined) % self.size:
            raise ValueError("A stored row does not fit its version's layout")
        return np.frombuffer(joined, dtype=self.dtype)

    def describe(self, row: bytes) -> dict[str, list[int] | str]:
        """One row as {code: values, or "blank" / "not shown"}: for reports and tests."""
        out: dict[str, list[int] | str] = {}
        for slot, value in zip(self.slots, self._struct.unpack(row), strict=True):
            if slot.kind == MULTIPLE:
                if value == HIDDEN_BIT:
                    out[slot.code] = "not shown"
                else:
                    positions = [p for p in range(MAX_MULTIPLE_OPTIONS) if value >> p & 1]
                    out[slot.code] = positions or "blank"
            elif value == NO_ANSWER:
                out[slot.code] = "blank"
            elif value == NOT_SHOWN:
                out[slot.code] = "not shown"
            else:
                out[slot.code] = [value]
        return out
