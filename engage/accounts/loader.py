"""Flask-Login's user loader: the session holds "id:session_token"."""

import sqlalchemy as sa

from engage.accounts.models import User
from engage.extensions import db, login_manager


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.scalar(sa.select(User).where(User.id == int(user_id)))
    if user is None or user.session_token != token or not user.active:
        return None
    return user
