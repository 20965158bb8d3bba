"""What bench/soak.py and bench/scaleout.py share: real gunicorn servers on 127.0.0.1,
throwaway databases, simulated kiosk tablets and the ledger that checks nothing
acknowledged was lost. Scripts, not tests: they print measured figures.
"""

import sys
import time

STARTED = time.monotonic()


def progress(message: str) -> None:
    """What a script is doing, on standard error (its figures go to standard output)."""
    print(f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True)
