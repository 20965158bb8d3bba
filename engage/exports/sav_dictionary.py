"""A finished .sav file's dictionary, read to add what ReadStat cannot write.

An SPSS system file is a 176-byte header, then the dictionary's records up to the
termination record (type 999), then the data (GNU PSPP's developer guide, "System
File Format"). ReadStat writes no multiple-response sets (``sav_mrsets``) and no
weight variable: ``set_weight`` fills in the header's weight index. No Flask in here.
"""

import struct
from dataclasses import dataclass, field
from typing import BinaryIO

HEADER = 176  # the file header record
# The header's int32 naming the weight variable: the 1-based index, among the variable
# records, of its first record (0: unweighted). It follows the record type (4 bytes),
# the product name (60), the layout code, the case size and the compression (4 each).
WEIGHT_INDEX_AT = 76


@dataclass
class Dictionary:
    order: str  # struct's byte order: "<" or ">"
    end: int  # the offset of the termination record (type 999)
    # Each long variable name's short name (the names some records must use).
    shorts: dict[str, str] = field(default_factory=dict)
    # Each numeric variable's index among the variable records, by short name in upper
    # case (a long text variable takes several records, so indexes are not positions).
    numeric: dict[str, int] = field(default_factory=dict)


def byte_order(head: bytes) -> str:
    """The byte order of a file whose header is ``head`` (its layout code is 2 or 3)."""
    if head[:4] not in (b"$FL2", b"$FL3"):
        raise ValueError("not an SPSS system file")
    return "<" if struct.unpack("<i", head[64:68])[0] in (2, 3) else ">"


def read_dictionary(handle: BinaryIO) -> Dictionary:
    """The dictionary of the .sav open as ``handle``, read from its start."""
    handle.seek(0)
    order = byte_order(handle.read(HEADER))

    def ints(n: int) -> tuple[int, ...]:
        return struct.unpack(f"{order}{n}i", handle.read(4 * n))

    found = Dictionary(order, 0)
    records = 0
    while True:
        offset = handle.tell()
        (kind,) = ints(1)
        if kind == 2:  # a variable, or a continuation of a long text one (type -1)
            records += 1
            width, has_label, missing, _print, _write = ints(5)
            name = handle.read(8).decode("utf-8", "replace").rstrip()
            if width == 0:
                found.numeric[name.upper()] = records
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
                        found.shorts[long] = short
        elif kind == 999:
            found.end = offset
            return found
        else:
            raise ValueError(f"unexpected record type {kind} at byte {offset}")


def set_weight(path: str, variable: str) -> None:
    """Make the numeric ``variable`` the weight of the .sav at ``path`` (SPSS's WEIGHT
    BY, kept in the file), changing its header in place."""
    with open(path, "r+b") as handle:
        found = read_dictionary(handle)
        short = found.shorts.get(variable, variable).upper()
        if short not in found.numeric:
            raise ValueError(f"{variable} is not a numeric variable of {path}")
        handle.seek(WEIGHT_INDEX_AT)
        handle.write(struct.pack(f"{found.order}i", found.numeric[short]))
