"""Facilitators' pages and forms (the ``panels`` blueprint)."""
