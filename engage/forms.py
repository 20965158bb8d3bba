"""Small pieces shared by the feature packages' forms."""


def strip(value: object) -> object:
    """A WTForms filter: trim spaces around typed text, leave other values alone."""
    return value.strip() if isinstance(value, str) else value
