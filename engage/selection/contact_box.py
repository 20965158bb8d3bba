"""Sealing volunteers' contact details with a key that is never in the database.

A ``SecretBox`` (XSalsa20-Poly1305, libsodium through PyNaCl) with a fresh random nonce
per box. The plaintext is JSON padded to a fixed size, so the boxes' lengths say nothing
about whose details are longer. The key comes from configuration
(``ENGAGE_CONTACT_KEY``): whoever holds only the database files, a backup or a
download holds ciphertext. Households are compared by a keyed hash of the address
(BLAKE2b keyed with a key derived from the same secret), so the pool can apply the
one-per-household rule without storing an address in the clear or a hash that a
list of addresses could reverse.

Pure: no Flask, no database.
"""

import base64
import binascii
import json
import re
from dataclasses import asdict, dataclass

import nacl.exceptions
import nacl.hash
import nacl.secret
import nacl.utils
from nacl.encoding import RawEncoder

# Every box holds this many bytes of plaintext (name, email, phone and address fit).
PADDED_SIZE = 1024
KEY_SIZE = nacl.secret.SecretBox.KEY_SIZE


class ContactKeyError(ValueError):
    """The configured key is missing or is not 32 bytes in base64 or hex."""


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    postcode: str = ""


def parse_key(text: str) -> bytes:
    """The 32-byte key from its configured form: 64 hex digits or base64."""
    value = (text or "").strip()
    if not value:
        raise ContactKeyError("ENGAGE_CONTACT_KEY is not set.")
    key: bytes | None = None
    if re.fullmatch(r"[0-9a-fA-F]{64}", value):
        key = bytes.fromhex(value)
    else:
        try:
            key = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            key = None
    if key is None or len(key) != KEY_SIZE:
        raise ContactKeyError(
            "ENGAGE_CONTACT_KEY must be 32 random bytes, as 64 hex digits or in base64. "
            'Generate one with: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    return key


def new_key() -> str:
    """A fresh key in the form ``parse_key`` reads."""
    return nacl.utils.random(KEY_SIZE).hex()


def seal(key: bytes, contact: Contact) -> bytes:
    plain = json.dumps(asdict(contact), ensure_ascii=False, separators=(",", ":")).encode()
    if len(plain) > PADDED_SIZE:
        raise ValueError("Contact details are too long to store.")
    padded = plain + b" " * (PADDED_SIZE - len(plain))
    return bytes(nacl.secret.SecretBox(key).encrypt(padded))


def unseal(key: bytes, box: bytes) -> Contact:
    try:
        plain = nacl.secret.SecretBox(key).decrypt(box)
    except nacl.exceptions.CryptoError:
        raise ContactKeyError(
            "These contact details were sealed with another key than ENGAGE_CONTACT_KEY."
        ) from None
    return Contact(**json.loads(plain.decode().rstrip(" ")))


def normal_address(address: str, postcode: str) -> str:
    """The part of an address that names a household, written one way: the postcode
    without spaces and the first line, in capitals, letters and digits only."""
    first = (address or "").strip().splitlines()[0] if (address or "").strip() else ""
    first = re.sub(r"[^0-9A-Z]+", " ", first.upper()).strip()
    code = re.sub(r"[^0-9A-Z]", "", (postcode or "").upper())
    return f"{code}|{first}" if code or first else ""


def household_key(key: bytes, address: str, postcode: str = "") -> str:
    """A keyed hash standing for the household at ``address``; "" with no address."""
    normal = normal_address(address, postcode)
    if not normal:
        return ""
    subkey = nacl.hash.blake2b(b"household", key=key, digest_size=32, encoder=RawEncoder)
    return nacl.hash.blake2b(normal.encode(), key=subkey, digest_size=16).decode()
