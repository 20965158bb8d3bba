"""Text made safe to open in a spreadsheet: shared by every file Engage writes."""

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Prefix formula-like text with a single quote, so a spreadsheet shows it as text."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value
