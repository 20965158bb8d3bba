"""Flask-Login's user loader: the session holds "id:generation:session_token".

Checked on every request: a session made before the account's password, role or
active flag last changed, or before its last sign-out, signs nobody in.
"""

import hmac

import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db, login_manager


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    user_id, _, rest = identity.partition(":")
    generation, _, token = rest.partition(":")
    if not user_id.isdigit() or not generation.isdigit() or not token:
        return None
    user = db.session.scalar(sa.select(User).where(User.id == int(user_id)))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    return user
