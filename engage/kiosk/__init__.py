"""Kiosk mode: the questionnaire on a shared tablet at an event, with an offline queue."""
