"""Kiosk link tokens: made from a random nonce and the app's secret key, stored hashed.

The database holds the nonce and the SHA-256 of the token, never the token: someone who
reads the database (a copy, a backup) cannot open a kiosk link without the secret key
as well. Staff pages make the token again from the nonce whenever they show the link.
No Flask in here.
"""

import base64
import hashlib
import hmac
import secrets

PURPOSE = b"engage kiosk link\x00"
TOKEN_BYTES = 24  # 32 characters of URL-safe base64, as random tokens were before


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(secret_key: str | bytes, nonce: str) -> str:
    """The link token of ``nonce``: an HMAC-SHA256 under the app's secret key."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    mac = hmac.new(key, PURPOSE + nonce.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:TOKEN_BYTES]).decode("ascii")


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex. A token has 192 random bits, so a
    fast hash is enough: there is nothing small to guess."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def token_if_current(secret_key: str | bytes, nonce: str | None, stored: str) -> str | None:
    """The token made again from ``nonce``, if it is the one stored (by its digest); None
    for a link issued before links were stored hashed (no nonce) or under another
    secret key: those links still work on the tablets that have them, but cannot be
    shown again."""
    if not nonce:
        return None
    token = token_for(secret_key, nonce)
    return token if hmac.compare_digest(digest(token), stored) else None
