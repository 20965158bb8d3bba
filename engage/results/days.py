"""The partnership's day of each response, for the results' day column. No Flask in here.

A response is stored at a UTC instant; the results count it on the day it was in the
partnership's time zone (Europe/London by default), so a response sent at 00:30 on
1 July in British Summer Time counts in July, as the resident and the analyst see it.
"""

from collections.abc import Sequence
from datetime import datetime, tzinfo

import numpy as np

# Time zones change their offset on a quarter of an hour (in practice on the hour):
# one offset is looked up per quarter-hour that has responses, not per response.
QUARTER = 900
DAY = 86_400


def local_days(seconds: Sequence[int] | np.ndarray, zone: tzinfo) -> np.ndarray:
    """Days since 1970-01-01 in ``zone`` of moments given as whole seconds since the epoch."""
    moments = np.asarray(seconds, dtype=np.int64)
    if moments.size == 0:
        return moments.astype(np.int32)
    quarters, where = np.unique(moments // QUARTER, return_inverse=True)
    offsets = np.array([_offset(int(q) * QUARTER, zone) for q in quarters.tolist()], dtype=np.int64)
    return ((moments + offsets[where]) // DAY).astype(np.int32)


def _offset(second: int, zone: tzinfo) -> int:
    offset = datetime.fromtimestamp(second, zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0
