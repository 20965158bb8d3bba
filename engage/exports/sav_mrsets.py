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

HEADER = 176  # the file header record
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


def _end_of_dictionary(handle) -> tuple[int, dict[str, str]]:
    """The offset of the dictionary termination record (type 999), and each long
    variable name's short name (the names a multiple-response record must use)."""
    handle.seek(0)
    head = handle.read(HEADER)
    if head[:4] not in (b"$FL2", b"$FL3"):
        raise ValueError("not an SPSS system file")
    order = "<" if struct.unpack("<i", head[64:68])[0] in (2, 3) else ">"

    def ints(n: int) -> tuple[int, ...]:
        return struct.unpack(f"{order}{n}i", handle.read(4 * n))

    shorts: dict[str, str] = {}

    while True:
        offset = handle.tell()
        (kind,) = ints(1)
        if kind == 2:  # a variable
            _type, has_label, missing, _print, _write = ints(5)
            handle.read(8)  # the name
            if has_label:
                (length,) = ints(1)
                handle.read((length + 3) // 4 * 4)
            handle.read(8 * abs(missing))
        elif kind == 3:  # value labels
            (count,) = ints(1)
            for _ in range(count):
                handle.read(8)
                (length,) = struct.unpack("B", handle.read(1))
                handle.read((length + 1 + 7) // 8 * 8 - 1)
        elif kind == 4:  # the variables those labels belong to
            (count,) = ints(1)
            handle.read(4 * count)
        elif kind == 6:  # documents
            (lines,) = ints(1)
            handle.read(80 * lines)
        elif kind == 7:  # an extension record
            subtype, size, count = ints(3)
            data = handle.read(size * count)
            if subtype == 13:  # long variable names: SHORT=long, tab-separated
                for pair in data.decode("utf-8", "replace").split("\t"):
                    short, _, long = pair.partition("=")
                    if long:
                        shorts[long] = short
        elif kind == 999:
            return offset, shorts
        else:
            raise ValueError(f"unexpected record type {kind} at byte {offset}")


def add_sets(path: str, sets: Sequence[DichotomySet]) -> None:
    """Insert the multiple-response sets into the .sav at ``path`` (rewritten in place)."""
    if not sets:
        return
    with open(path, "rb") as source:
        head = source.read(HEADER)
        order = "<" if struct.unpack("<i", head[64:68])[0] in (2, 3) else ">"
        end, shorts = _end_of_dictionary(source)
        text = _text(sets, shorts)
        record = struct.pack(f"{order}4i", 7, 7, 1, len(text)) + text
        temporary = path + ".mrsets"
        with open(temporary, "wb") as target:
            source.seek(0)
            target.write(source.read(end))
            target.write(record)
            shutil.copyfileobj(source, target, COPY_CHUNK)
    os.replace(temporary, path)
