"""Weighting responses to the population: targets, raking, estimates with their uncertainty."""
