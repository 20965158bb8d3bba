"""Small pieces shared by the feature packages' forms."""

import re

# Control characters other than tab and line breaks: nobody types them, PostgreSQL
# refuses NUL in text, and terminals act on escape sequences.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip(value: object) -> object:
    """A WTForms filter: trim spaces around typed text and drop control characters."""
    return _CONTROL.sub("", value).strip() if isinstance(value, str) else value
