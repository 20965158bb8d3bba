"""The results pages timed with Engage as it was before cell key perturbation.

Run by ``figures.dashboard`` in a process of its own: ``sys.path`` starts with a copy of
the package at the commit before perturbation (``BEFORE`` there), so the same pages
on the same database are timed by the old code and the new in one bench run. Prints
one JSON object: page name to milliseconds (median).
"""

import json
import os
import sys

root, url = sys.argv[1], sys.argv[2]
sys.path.insert(0, root)
sys.path.insert(1, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from figures.dashboard import compared_pages  # noqa: E402  # after the path is set

print(json.dumps(compared_pages(url, "before")))
