"""Backups: a consistent copy of the SQLite database, and restoring one."""
