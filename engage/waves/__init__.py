"""Waves of the survey and the change between them.

A wave is a named round of responses (a date range, or some events); area attributes
are facts about the wards (a deprivation decile) that results can be grouped by. Both
are stored in ``engage.weighting.models``. The change page compares two waves of a
question, each raked to the population on its own. This package reads the results
columns (``engage.results``) and the weighting (``engage.weighting``); neither of
those imports it.
"""
