"""The results pages timed with the Engage package found first on ``sys.path``.

Run by ``figures.dashboard`` in a process of its own, once with a copy of the package at
the commit before cell key perturbation (``BEFORE`` there) and once with this checkout,
so the old code and the new are timed alike: each in a fresh process, on the same
database. Prints one JSON object: page name to milliseconds (median).

    python dashboard_pages.py ROOT DATABASE_URL WHO
"""

import json
import os
import sys

root, url, who = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from figures.dashboard import compared_pages  # noqa: E402  # after the path is set

print(json.dumps(compared_pages(url, who)))
