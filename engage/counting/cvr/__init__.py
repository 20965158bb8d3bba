"""Readers of cast vote records, as counting offices publish them, into ``MarkedBallots``.

Each keeps every mark as the voter made it: blank ranks, overvotes, repeated
candidates. ``engage.counting.rules.apply_rules`` then reads them by a set of rules.

- ``read_long_csv(path_or_text, source=None, *, candidates=None, title="")``: one line
  per mark, ``ballot_id,rank,choice``, with ``$UNDERVOTE`` and ``$OVERVOTE`` (Burlington);
- ``read_cdf(path, *, contest=None)``: NIST CVR Common Data Format JSON (as RCTab writes
  and reads it);
- ``read_ess_xlsx(path, *, candidates=None, first_vote_column=None)``: an ES&S cast vote
  record spreadsheet, one row per ballot ("1st Choice", "2nd Choice", ...), cells
  "overvote" and "undervote";
- ``read_wide_csv(path, *, rank_columns=None, weight_column=None, id_column=None,
  overvote="overvote", blank=("", "undervote", "skipped"), candidates=None)``: any CSV
  with one row per ballot and one column per rank; "A=B" in a cell is an overvote.

A malformed file raises ``BallotFileError``, one line naming where (line, row or CVR)
and what is wrong.
"""

from engage.counting.cvr.cdf import read_cdf
from engage.counting.cvr.ess import read_ess_xlsx
from engage.counting.cvr.longcsv import read_long_csv
from engage.counting.cvr.widecsv import read_wide_csv

__all__ = ["read_cdf", "read_ess_xlsx", "read_long_csv", "read_wide_csv"]
