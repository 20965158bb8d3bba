"""What the results keep in the database besides the responses themselves: one marker.

The results are counted from each response's compact row (``response.coded``), which
every process decodes into columns of its own (``results.engine``). A process knows
which rows it has read; when rows it has read may have changed (a restore, a recount
that corrected rows), ``epoch`` changes and every process reads them all again.
"""

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.extensions import Model


class ResultsState(Model):
    """A single row (id 1) whose epoch changes whenever stored results rows are rewritten."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    epoch: so.Mapped[str] = so.mapped_column(sa.String(32))
