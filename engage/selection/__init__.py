"""Recruiting a citizens' panel and choosing its members by lot.

Volunteers come from invitation letters sent to a random sample of addresses, from
residents who opt in after the survey (on a separate form, in a separate request) and
from imported lists. Their contact details are sealed with a key from configuration and
deleted on the panel's retention date. The pure selection logic (LEXIMIN, draws,
relaxations, replacements) lives in ``engage.sortition``; this package stores the pool,
publishes it anonymised before the draw and turns the selected volunteers into members.
"""
