"""Sealing and opening ballots (engage.panels.ballot_box.sealing): pure, no app."""

import ast
import pathlib
from collections import Counter

import pytest

from engage.panels.ballot_box import sealing

PASSPHRASE = "tawny otter lantern quarry"
PANELS = pathlib.Path(__file__).resolve().parent.parent / "engage" / "panels"


@pytest.fixture(scope="module")
def key():
    return sealing.make_key(PASSPHRASE, "minimal")


def test_a_sealed_ballot_opens_only_with_the_passphrase(key):
    box = sealing.seal(key.public_key, "ABCDE-FGHJK", [3, 1, 2], 128)
    assert b"ABCDE" not in box and b"ranking" not in box
    (opened,) = sealing.open_boxes(key, PASSPHRASE, [box])
    assert opened == sealing.Opened("ABCDE-FGHJK", (3, 1, 2))
    with pytest.raises(sealing.WrongPassphrase):
        sealing.open_boxes(key, PASSPHRASE + " ", [box])
    with pytest.raises(sealing.WrongPassphrase):
        sealing.unlock(key, "")


def test_the_private_key_is_stored_only_locked(key):
    private = sealing.unlock(key, PASSPHRASE)
    assert bytes(private) not in key.locked
    assert bytes(private.public_key) == key.public_key
    # Two keys locked under one passphrase share neither salt nor ciphertext.
    other = sealing.make_key(PASSPHRASE, "minimal")
    assert other.salt != key.salt and other.locked != key.locked


def test_every_box_of_a_vote_has_the_same_size_however_many_options_are_ranked(key):
    size = sealing.plaintext_size(range(1000, 1020))
    lengths = {
        len(sealing.seal(key.public_key, "ABCDE-FGHJK", list(range(1000, 1000 + n)), size))
        for n in range(1, 21)
    }
    assert len(lengths) == 1
    with pytest.raises(ValueError, match="does not fit"):
        sealing.seal(key.public_key, "ABCDE-FGHJK", list(range(10**6, 10**6 + 40)), size)


def test_a_damaged_box_opens_nothing(key):
    good = sealing.seal(key.public_key, "ABCDE-FGHJK", [1], 128)
    damaged = good[:-1] + bytes([good[-1] ^ 1])
    with pytest.raises(sealing.DamagedBox):
        sealing.open_boxes(key, PASSPHRASE, [good, damaged])


def test_opened_ballots_come_out_in_an_order_drawn_at_random(key):
    boxes = [sealing.seal(key.public_key, f"R{i:04d}-00000", [1], 128) for i in range(8)]
    first = Counter(sealing.open_boxes(key, PASSPHRASE, boxes)[0].receipt for _ in range(400))
    # Each of 8 boxes comes first about 50 times in 400; stored order would give 400, 0, ...
    assert len(first) == 8
    assert max(first.values()) < 100


@pytest.mark.parametrize(
    ("passphrase", "problem"),
    [
        ("short", "at least 12 characters"),
        ("aaaaaaaaaaaaaaaa", "harder to guess"),
        ("password1234", "harder to guess"),
        ("Where should the panel meet", None),
        (PASSPHRASE, None),
    ],
)
def test_a_passphrase_must_be_long_and_hard_to_guess(passphrase, problem):
    found = sealing.passphrase_problem(passphrase)
    assert (found is None) if problem is None else (problem in found)


def test_the_vote_s_own_words_make_a_weak_passphrase():
    words = "Parks and street lighting first"
    assert "harder to guess" in sealing.passphrase_problem(words, [words])


def _imports(path: pathlib.Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_sealing_is_plain_python_with_no_flask_and_no_database():
    imported = _imports(PANELS / "ballot_box" / "sealing.py")
    assert not [m for m in imported if m.split(".")[0] in ("flask", "sqlalchemy", "engage")]


def test_the_panel_packages_import_one_way():
    """process → ballot_box → (models, rules, errors); outcome, staff and members on top.
    No sub-package imports one that imports it back."""
    packages = [p.name for p in PANELS.iterdir() if (p / "__init__.py").exists()]
    uses: dict[str, set[str]] = {name: set() for name in packages}
    for name in packages:
        for module in (PANELS / name).glob("*.py"):
            for imported in _imports(module):
                parts = imported.split(".") + [""]
                if parts[:2] == ["engage", "panels"] and parts[2] in uses.keys() - {name}:
                    uses[name].add(parts[2])

    def reaches(start: str, goal: str, seen: frozenset = frozenset()) -> bool:
        return any(
            step == goal or (step not in seen and reaches(step, goal, seen | {step}))
            for step in uses[start]
        )

    cycles = [name for name in uses if reaches(name, name)]
    assert not cycles, uses
    assert uses["ballot_box"] == set()
