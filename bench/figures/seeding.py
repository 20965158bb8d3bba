"""seed-synthetic into a fresh SQLite database, against a raw sqlite3 executemany of as
many answer rows into a table with the same columns and no indexes."""

import os
import sqlite3

from figures.common import Context, row, seconds

TARGET = 20_000  # responses per second


def answer_count(path: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM answer").fetchone()[0]


def raw_insert(path: str, answers: int) -> None:
    """Insert ``answers`` rows of the answer table's columns in one executemany."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE answer (id INTEGER PRIMARY KEY, response_id INTEGER, question_id INTEGER,"
        " option_id INTEGER, area_id INTEGER, number_value INTEGER, text_value TEXT)"
    )
    rows = ((i, i // 30, i % 40, i % 7 or None, None, None, None) for i in range(1, answers + 1))
    with connection:
        connection.executemany("INSERT INTO answer VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.close()


def seeding(context: Context) -> list[dict]:
    """At 100k responses, and at 1M (the database the dashboard and exports then use)."""
    rows = []
    for n in (context.responses(100_000), context.responses(1_000_000)):
        path, took = context.build(n)
        answers = answer_count(path)
        raw_path = os.path.join(context.folder, "raw-insert.sqlite3")
        raw = seconds(lambda a=answers, p=raw_path: raw_insert(p, a))
        os.remove(raw_path)
        ours = n / took
        rows.append(
            row(
                f"seed-synthetic, {n:,} responses ({answers:,} answers), SQLite",
                ours,
                "responses/s",
                "raw sqlite3 executemany of the answer rows, no indexes",
                n / raw,
                f">= {TARGET:,} responses/s",
                ours >= TARGET,
            )
        )
    return rows
