"""The contact key from configuration: ``ENGAGE_CONTACT_KEY``, never the database.

Outside production, an installation without the setting gets a key made once and kept
in ``instance/contact.key`` (readable by its owner only), so ``make run`` works on a
fresh machine. Production refuses to start without the setting (``engage.config``).
Losing the key loses the contact details, and only them: the pool, its quotas and the
published draw need no key.
"""

import os
from pathlib import Path

from flask import current_app

from engage.selection.contact_box import new_key, parse_key

KEY_FILE = "contact.key"


def contact_key() -> bytes:
    configured = current_app.config.get("ENGAGE_CONTACT_KEY")
    if configured:
        return parse_key(str(configured))
    path = Path(current_app.instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(new_key() + "\n")
    return parse_key(path.read_text())
