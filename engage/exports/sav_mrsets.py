"""Multiple-response sets in an SPSS .sav file: the extension record ReadStat cannot write.

A multiple-choice question is one 0/1 variable per option; SPSS, PSPP and R's haven
treat those variables as one question only when the file declares a multiple
dichotomy set ("$improve" counting the value 1). ReadStat writes no such record, so
``add_sets`` inserts it into the finished file: an extension record (type 7, subtype
7) placed before the dictionary's end (type 999), as the system-file format describes
(GNU PSPP's developer guide, "Multiple Response Sets Records"). No Flask in here.
"""

import os
import shutil
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from engage.exports.sav_dictionary import read_dictionary

COPY_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class DichotomySet:
    """A multiple dichotomy set: its name (without "$"), label, counted value, variables."""

    name: str
    label: str
    variables: Sequence[str]
    counted: int = 1


def _text(sets: Sequence[DichotomySet], shorts: dict[str, str]) -> bytes:
    """The record's text; variables go by their short names, in lower case, as SPSS and
    PSPP look them up (ReadStat's readers take either)."""
    lines = []
    for found in sets:
        counted = str(found.counted).encode()
        label = found.label.encode("utf-8")
        names = b" ".join(shorts.get(v, v).lower().encode("utf-8") for v in found.variables)
        lines.append(
            b"$%s=D%d %s %d %s %s\n"
            % (found.name.encode("utf-8"), len(counted), counted, len(label), label, names)
        )
    return b"".join(lines)


def add_sets(path: str, sets: Sequence[DichotomySet]) -> None:
    """Insert the multiple-response sets into the .sav at ``path`` (rewritten in place)."""
    if not sets:
        return
    with open(path, "rb") as source:
        found = read_dictionary(source)
        text = _text(sets, found.shorts)
        record = struct.pack(f"{found.order}4i", 7, 7, 1, len(text)) + text
        temporary = path + ".mrsets"
        with open(temporary, "wb") as target:
            source.seek(0)
            target.write(source.read(found.end))
            target.write(record)
            shutil.copyfileobj(source, target, COPY_CHUNK)
    os.replace(temporary, path)
