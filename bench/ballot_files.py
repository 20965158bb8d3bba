"""Write generated ranked ballots as BLT and Engage CSV files, fast (numpy, no object per ballot).

    .venv/bin/python bench/ballot_files.py OUT_PREFIX [--ballots N] [--options 20]
                                           [--shape skewed|uniform] [--seed 1]

``skewed``: bench/count_ballots.py's Plackett-Luce rankings of varied length (Zipf-like
appeal). ``uniform``: every ballot ranks all the options in a uniformly random order.
Writes OUT_PREFIX.blt and OUT_PREFIX.csv.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from count_ballots import CHUNK, generate  # noqa: E402


def uniform(ballots: int, options: int, seed: int) -> np.ndarray:
    """Every ballot ranks every option, in a uniformly random order."""
    rng = np.random.default_rng(seed)
    rankings = np.empty((ballots, options), dtype=np.int8)
    for start in range(0, ballots, CHUNK):
        size = min(CHUNK, ballots - start)
        rankings[start : start + size] = np.argsort(rng.random((size, options)), axis=1)
    return rankings


def rankings_for(shape: str, ballots: int, options: int, seed: int) -> np.ndarray:
    return (
        uniform(ballots, options, seed) if shape == "uniform" else generate(ballots, options, seed)
    )


def _rows(rankings: np.ndarray, cell: list[bytes], pad: bytes, end: bytes) -> bytes:
    """Each row's cells joined by the separator baked into ``cell``, for a chunk of rows."""
    lines = []
    for row in rankings.tolist():
        lines.append(b"".join(cell[i] if i >= 0 else pad for i in row) + end)
    return b"".join(lines)


def write_files(prefix: str, rankings: np.ndarray, names: list[str]) -> tuple[str, str]:
    """PREFIX.blt and PREFIX.csv for these rankings (weights 1); returns both paths."""
    options = len(names)
    blt, csv = prefix + ".blt", prefix + ".csv"
    with open(blt, "wb") as out:
        out.write(f"{options} 1\n".encode())
        numbers = [f" {i + 1}".encode() for i in range(options)]
        for start in range(0, len(rankings), CHUNK):
            out.write(_blt_chunk(rankings[start : start + CHUNK], numbers))
        out.write(b"0\n")
        for name in names:
            out.write(f'"{name}"\n'.encode())
        out.write(f'"{os.path.basename(prefix)}"\n'.encode())
    with open(csv, "wb") as out:
        out.write(",".join(f"rank_{r + 1}" for r in range(options)).encode() + b"\r\n")
        cells = [name.encode() + b"," for name in names]
        for start in range(0, len(rankings), CHUNK):
            text = _rows(rankings[start : start + CHUNK], cells, b",", b"\r\n")
            out.write(text.replace(b",\r\n", b"\r\n"))
    return blt, csv


def _blt_chunk(rankings: np.ndarray, numbers: list[bytes]) -> bytes:
    return b"".join(
        b"1" + b"".join(numbers[i] for i in row if i >= 0) + b" 0\n" for row in rankings.tolist()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("prefix")
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--options", type=int, default=20)
    parser.add_argument("--shape", choices=["skewed", "uniform"], default="skewed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rankings = rankings_for(args.shape, args.ballots, args.options, args.seed)
    names = [f"Option {i + 1}" for i in range(args.options)]
    for path in write_files(args.prefix, rankings, names):
        print(f"{path}: {os.path.getsize(path) / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
