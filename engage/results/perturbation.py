"""Cell key perturbation, the method ONS used for Census 2021. No Flask and no database.

Every response carries a random record key, 0 to 255, fixed when it is stored. A cell
(any count of respondents) has a cell key: the sum of its respondents' record keys,
modulo 256. A perturbation table (ptable) gives, for each cell value (``pcv``) and cell
key (``ckey``), the adjustment (``pvalue``) added to the true count. The same respondents
always make the same cell key, so a cell shows the same figure however it is reached:
by any filters in any order, on any page, in any language. Two overlapping tables no
longer differ by true small counts, because each of their cells moved by its own key.

As in ONS's ``cell-key-perturbation`` package, counts up to 750 read the ptable at their
own value, and larger counts reuse its rows 501 to 750 (``((count - 1) % 250) + 501``),
so the table stays small; a (pcv, ckey) the ptable lacks adds nothing. The default ptable
is the one that package ships (``ptable_10_5_rule.csv``: counts below 10 become 0 and
the rest are rounded to a multiple of 5, the cell key choosing nothing); an admin can
configure another, such as one drawn at random around each value as ONS's census ptable.
"""

import csv
import functools
import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

KEYS = 256  # record keys are 0..255; a ptable must give every cell key 0..255
DIRECT = 750  # counts up to here read the ptable at their own value
REUSED_FROM, REUSED_SPAN = 501, 250  # larger ones reuse rows 501..750
DEFAULT_FILE = "ptable_10_5_rule.csv"
PACKAGE = "cell-key-perturbation"


class PTableError(ValueError):
    """A ptable file that cannot be used, with what to fix."""


@dataclass(frozen=True)
class Count:
    """A count of respondents and the sum of their record keys (the cell key, unreduced)."""

    n: int
    keys: int = 0

    def __add__(self, other: "Count") -> "Count":
        return Count(self.n + other.n, self.keys + other.keys)


NONE = Count(0, 0)


def total(counts: Iterable[Count]) -> Count:
    """The cell made of several disjoint cells: counts and key sums both add up."""
    n = keys = 0
    for count in counts:
        n += count.n
        keys += count.keys
    return Count(n, keys)


class PTable:
    """A perturbation table as a lookup array: ``pvalue`` by cell value and cell key."""

    def __init__(self, rows: Iterable[tuple[int, int, int]], source: str = "ptable") -> None:
        self.source = source
        self.values = np.zeros((DIRECT + 1, KEYS), dtype=np.int32)
        seen = top = 0
        for pcv, ckey, pvalue in rows:
            if pcv < 1:
                raise PTableError(f"{source}: pcv {pcv} is not a count of 1 or more")
            if not 0 <= ckey < KEYS:
                raise PTableError(f"{source}: ckey {ckey} is outside 0 to {KEYS - 1}")
            if pcv + pvalue < 0:
                raise PTableError(f"{source}: pcv {pcv} with pvalue {pvalue} would be negative")
            if pcv <= DIRECT:
                self.values[pcv, ckey] = pvalue
            seen += 1
            top = max(top, ckey)
        if not seen:
            raise PTableError(f"{source}: the ptable has no rows")
        if top != KEYS - 1:
            raise PTableError(f"{source}: the ptable must give cell keys 0 to {KEYS - 1}")

    @classmethod
    def from_csv(cls, path: str | Path) -> "PTable":
        """Read a ptable CSV with the columns pcv, ckey and pvalue (ONS's layout)."""
        path = Path(path)
        try:
            with path.open(newline="", encoding="utf-8-sig") as file:
                reader = csv.DictReader(file)
                wanted = {"pcv", "ckey", "pvalue"}
                if not wanted <= set(reader.fieldnames or ()):
                    raise PTableError(f"{path}: the ptable needs the columns pcv, ckey and pvalue")
                rows = []
                for line, row in enumerate(reader, start=2):
                    try:
                        rows.append((int(row["pcv"]), int(row["ckey"]), int(row["pvalue"])))
                    except (TypeError, ValueError):
                        raise PTableError(
                            f"{path}, line {line}: pcv, ckey and pvalue must be whole numbers"
                        ) from None
        except OSError as error:
            raise PTableError(f"{path}: the ptable cannot be read ({error.strerror})") from None
        return cls(rows, str(path))

    def perturbed(self, count: Count) -> int:
        """The count with its adjustment added (zero stays zero: nobody is invented)."""
        n = count.n
        if n <= 0:
            return 0
        pcv = n if n <= DIRECT else (n - 1) % REUSED_SPAN + REUSED_FROM
        return n + int(self.values[pcv, count.keys % KEYS])

    def unperturbed_share(self, low: int, high: int = DIRECT) -> float:
        """The share of (value, cell key) pairs from ``low`` to ``high`` left unchanged."""
        block = self.values[low : high + 1]
        return float(np.count_nonzero(block == 0)) / block.size


def package_default() -> PTable:
    """The ptable ONS's ``cell-key-perturbation`` package ships, read from where it installed it."""
    try:
        files = importlib.metadata.distribution(PACKAGE).files or []
    except importlib.metadata.PackageNotFoundError:
        raise PTableError(
            f"The default ptable comes with the {PACKAGE} package, which is not installed"
        ) from None
    for file in files:
        if file.name == DEFAULT_FILE:
            return PTable.from_csv(Path(str(file.locate())))
    raise PTableError(f"The {PACKAGE} package is installed without {DEFAULT_FILE}")


@functools.lru_cache(maxsize=4)
def load(path: str | None) -> PTable:
    """The configured ptable (None: the package's default), read once per process."""
    return package_default() if path is None else PTable.from_csv(path)
