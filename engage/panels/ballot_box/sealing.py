"""Sealed ballots: the inner envelope of a double-envelope vote. Pure: no Flask, no database.

When voting opens, ``make_key`` makes the vote's key pair (libsodium sealed boxes, through
PyNaCl). The private key is kept only locked: encrypted with a key derived from the
facilitator's passphrase by Argon2id, with the salt and the cost it was derived at, so a
later change of the default cost still opens it. Each ballot is sealed with the public
key alone (``seal``): whoever holds the database sees that *a* ballot was stored, never
what it says, and a sealed box names neither its sender nor the time it was sealed.

Every plaintext is padded to the same length for the vote (``plaintext_size``), so the
size of a sealed box does not tell how many options a member ranked.

``open_boxes`` unlocks the private key with the passphrase, opens every box and returns
the ballots shuffled by the operating system's random source; the key exists only inside
that call. A wrong passphrase raises ``WrongPassphrase`` before anything is opened.
"""

import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey, SealedBox

# Argon2id cost (operations, bytes of memory) by name; "moderate" is the default.
# "minimal" exists for tests only: the app refuses it outside testing.
KDF_COSTS = {
    "minimal": (argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN),
    "interactive": (argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE),
    "moderate": (argon2id.OPSLIMIT_MODERATE, argon2id.MEMLIMIT_MODERATE),
    "sensitive": (argon2id.OPSLIMIT_SENSITIVE, argon2id.MEMLIMIT_SENSITIVE),
}
MIN_PASSPHRASE = 12
# Bytes of a padded plaintext beyond the option ids: the receipt and the JSON around them.
_FRAME = 64
_BLOCK = 64


class WrongPassphrase(Exception):
    """The passphrase does not unlock the vote's private key."""


class DamagedBox(Exception):
    """A sealed box that the vote's key does not open, or whose content is not a ballot."""


@dataclass(frozen=True)
class LockedKey:
    """A vote's key pair as stored: the public key, and the private key locked."""

    public_key: bytes
    locked: bytes  # nonce and ciphertext of the private key (XSalsa20-Poly1305)
    salt: bytes
    opslimit: int
    memlimit: int


@dataclass(frozen=True)
class Opened:
    """One ballot out of its envelope: the receipt its member was given, and the ranking."""

    receipt: str
    ranking: tuple[int, ...]


def passphrase_problem(passphrase: str, context: Sequence[str] = ()) -> str | None:
    """What is wrong with a passphrase chosen to lock a vote's key, or None.

    At least ``MIN_PASSPHRASE`` characters, and not guessable: zxcvbn's score of 3 or
    more (about 10^8 guesses), counting words of the vote itself (``context``) as known.
    """
    from zxcvbn import zxcvbn

    if len(passphrase) < MIN_PASSPHRASE:
        return (
            f"The passphrase must be at least {MIN_PASSPHRASE} characters long. "
            "Four or five unrelated words are easy to type and hard to guess."
        )
    found = zxcvbn(passphrase[:100], user_inputs=[w for w in context if w])
    if found["score"] < 3:
        hint = found["feedback"].get("warning") or "It is too easy to guess."
        return (
            f"Choose a passphrase that is harder to guess: {hint.rstrip('.')}. "
            "Four or five unrelated words are easy to type and hard to guess."
        )
    return None


def _derived(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    return argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        passphrase.encode("utf-8"),
        salt,
        opslimit=opslimit,
        memlimit=memlimit,
    )


def make_key(passphrase: str, cost: str = "moderate") -> LockedKey:
    """A new key pair for a vote, its private key locked under ``passphrase``."""
    opslimit, memlimit = KDF_COSTS[cost]
    private = PrivateKey.generate()
    salt = nacl.utils.random(argon2id.SALTBYTES)
    box = nacl.secret.SecretBox(_derived(passphrase, salt, opslimit, memlimit))
    locked = bytes(box.encrypt(bytes(private)))
    return LockedKey(bytes(private.public_key), locked, salt, opslimit, memlimit)


def unlock(key: LockedKey, passphrase: str) -> PrivateKey:
    """The private key, or ``WrongPassphrase``."""
    box = nacl.secret.SecretBox(_derived(passphrase, key.salt, key.opslimit, key.memlimit))
    try:
        return PrivateKey(box.decrypt(key.locked))
    except nacl.exceptions.CryptoError:
        raise WrongPassphrase from None


def plaintext_size(option_ids: Iterable[int]) -> int:
    """The padded length of every plaintext of a vote with these options: room for all
    of them ranked, rounded up to a whole block."""
    ids = list(option_ids)
    room = _FRAME + sum(len(str(i)) + 1 for i in ids)
    return -(-room // _BLOCK) * _BLOCK


def seal(public_key: bytes, receipt: str, ranking: Sequence[int], size: int) -> bytes:
    """The ballot sealed for the vote's key, padded to ``size`` bytes before sealing."""
    text = json.dumps({"receipt": receipt, "ranking": list(ranking)}, separators=(",", ":"))
    data = text.encode("ascii")
    if len(data) > size:
        raise ValueError(f"a ballot of {len(data)} bytes does not fit in {size}")
    return bytes(SealedBox(PublicKey(public_key)).encrypt(data.ljust(size, b" ")))


def _opened(box: SealedBox, sealed: bytes) -> Opened:
    try:
        found = json.loads(box.decrypt(sealed))
        receipt, ranking = found["receipt"], found["ranking"]
    except (nacl.exceptions.CryptoError, ValueError, KeyError, TypeError):
        raise DamagedBox from None
    if not isinstance(receipt, str) or not all(isinstance(i, int) for i in ranking):
        raise DamagedBox
    return Opened(receipt, tuple(ranking))


def open_boxes(key: LockedKey, passphrase: str, sealed: Iterable[bytes]) -> list[Opened]:
    """Every sealed ballot opened, in an order drawn at random: nothing of the order the
    boxes were stored in survives. ``WrongPassphrase`` if the passphrase is wrong;
    ``DamagedBox`` if any box does not open (then none is returned)."""
    opener = SealedBox(unlock(key, passphrase))
    opened = [_opened(opener, item) for item in sealed]
    del opener
    secrets.SystemRandom().shuffle(opened)
    return opened
