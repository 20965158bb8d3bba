"""Preparing a download, recording it, and writing it in any format.

Shared by the downloads page and the command line. Services flush; the caller commits.
"""

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engage.accounts.models import User
from engage.audit.services import DOWNLOAD, record
from engage.exports import rows as row_source
from engage.exports import values
from engage.exports.codebook import write_codebook_csv, write_codebook_json
from engage.exports.csv_writer import BOM, csv_chunks
from engage.exports.datapackage import write_datapackage
from engage.exports.dta_writer import write_dta
from engage.exports.jsonl_writer import jsonl_chunks
from engage.exports.r_script import write_r_bundle
from engage.exports.sav_writer import write_sav
from engage.exports.xlsx_writer import write_xlsx
from engage.i18n import DEFAULT_LANGUAGE, LANGUAGES
from engage.questionnaire.models import Questionnaire
from engage.results.filters import ResultFilter

WRONG_LANGUAGE = "Choose the language of the labels: {}"


@dataclass(frozen=True)
class Format:
    key: str
    filename: str
    mimetype: str
    text: bool  # streamed as text chunks; the others are prepared as background jobs
    description: str


FORMATS = {
    f.key: f
    for f in (
        Format(
            "csv", "responses.csv", "text/csv; charset=utf-8", True, "CSV (UTF-8, opens in Excel)"
        ),
        Format(
            "xlsx",
            "responses.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            False,
            "Excel workbook with a codebook sheet",
        ),
        Format(
            "jsonl",
            "responses.jsonl",
            "application/x-ndjson; charset=utf-8",
            True,
            "JSON Lines, one response per line",
        ),
        Format(
            "sav",
            "responses.sav",
            "application/x-spss-sav",
            False,
            "SPSS data file with variable and value labels",
        ),
        Format(
            "dta",
            "responses.dta",
            "application/x-stata-dta",
            False,
            "Stata data file (Stata 14 or later) with value labels and extended missing values",
        ),
        Format(
            "datapackage",
            "responses-datapackage.zip",
            "application/zip",
            False,
            "Frictionless data package (CSV with a schema)",
        ),
        Format(
            "r",
            "responses-r.zip",
            "application/zip",
            False,
            "R: the CSV and a script that reads it with labels, factor levels and missing values",
        ),
        Format(
            "codebook",
            "codebook.csv",
            "text/csv; charset=utf-8",
            True,
            "Codebook: every question as each version asked it, in every language",
        ),
        Format(
            "codebook_json",
            "codebook.json",
            "application/json; charset=utf-8",
            True,
            "Codebook as JSON, by variable and version",
        ),
    )
}
BY_FILENAME = {f.filename: f for f in FORMATS.values()}
CODEBOOKS = ("codebook", "codebook_json")  # one entry per question, not per response
# The formats whose option answers follow the analyst's choice (engage.exports.values).
CHOOSES_VALUES = ("csv", "jsonl", "xlsx")


@dataclass
class Download:
    """What one download will hold: the plan for its rows and how many there are."""

    questionnaire: Questionnaire
    filters: ResultFilter
    plan: row_source.RowPlan
    rows: int
    free_text: bool


def prepare(
    questionnaire: Questionnaire,
    filters: ResultFilter,
    free_text: bool,
    agency_id: int | None = None,
    style: str = values.NUMBERS,
    lang: str = DEFAULT_LANGUAGE,
) -> Download:
    """The plan and row count of a download; ``style`` is how its rows carry choice
    answers (``style_for`` gives a format's), ``lang`` the language of its labels."""
    plan = row_source.build_plan(questionnaire, filters, free_text, agency_id, style, lang)
    return Download(questionnaire, filters, plan, row_source.prepare_count(plan), free_text)


def language(args: Any) -> tuple[str, str | None]:
    """The language of labels asked for (``lang``; English by default), and a message
    when it is not one Engage has."""
    asked = (args.get("lang") or "").strip() or DEFAULT_LANGUAGE
    if asked not in LANGUAGES:
        return DEFAULT_LANGUAGE, WRONG_LANGUAGE.format(", ".join(LANGUAGES))
    return asked, None


def style_for(fmt: Format, asked: str) -> str:
    """The analyst's convention for the formats that follow it; numbers for the rest."""
    return asked if fmt.key in CHOOSES_VALUES else values.NUMBERS


def record_download(
    download: Download,
    fmt: Format,
    user: User | None,
    style: str = values.DEFAULT,
    via: str = "web",
) -> None:
    """Add the audit entry: who, which format, which filters, how many rows."""
    rows = len(download.plan.layout.questions) if fmt.key in CODEBOOKS else download.rows
    details = [via, "with free text" if download.free_text else "without free text"]
    if fmt.key in CHOOSES_VALUES:
        details.append(f"option values as {style}")
    record(DOWNLOAD, fmt.filename, user, download.filters.as_dict(), rows, "; ".join(details))


def counted(
    rows: Iterable[list[Any]], progress: Callable[[int], None] | None, every: int = 2_000
) -> Iterator[list[Any]]:
    """``rows``, calling ``progress(rows so far)`` every ``every`` rows and at the end."""
    done = 0
    for row in rows:
        yield row
        done += 1
        if progress is not None and done % every == 0:
            progress(done)
    if progress is not None:
        progress(done)


def text_chunks(
    download: Download,
    fmt: Format,
    style: str = values.DEFAULT,
    rows: Iterable[list[Any]] | None = None,
) -> Iterator[str]:
    """The download as text, chunk by chunk (CSV, JSON Lines, codebook)."""
    layout = download.plan.layout
    rows = row_source.iter_rows(download.plan) if rows is None else rows
    if fmt.key == "codebook":
        out = io.StringIO()
        write_codebook_csv(layout, out)
        yield BOM + out.getvalue()
    elif fmt.key == "codebook_json":
        out = io.StringIO()
        write_codebook_json(layout, out)
        yield out.getvalue()
    elif fmt.key == "csv":
        yield from csv_chunks(layout, rows, style)
    elif fmt.key == "jsonl":
        yield from jsonl_chunks(layout, rows, style)
    else:
        raise ValueError(f"{fmt.key} is written to a file, not streamed as text")


def write_file(
    download: Download,
    fmt: Format,
    path: str,
    style: str = values.DEFAULT,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the download to ``path`` in any format; ``progress`` hears the rows written.
    ``style`` says how option answers are written where the format lets the analyst
    choose (CSV, JSON Lines, XLSX); .sav, .dta and the data package hold numbers."""
    layout = download.plan.layout
    rows = counted(row_source.iter_rows(download.plan), progress)
    if fmt.text:
        with open(path, "w", encoding="utf-8", newline="") as out:
            for chunk in text_chunks(download, fmt, style, rows):
                out.write(chunk)
    elif fmt.key == "xlsx":
        write_xlsx(path, layout, rows, count=download.rows, style=style)
    elif fmt.key == "sav":
        write_sav(path, layout, rows, download.rows, row_source.text_widths(download.plan))
    elif fmt.key == "dta":
        write_dta(path, layout, rows, download.rows)
    elif fmt.key == "r":
        write_r_bundle(path, layout, rows)
    elif fmt.key == "datapackage":
        write_datapackage(path, layout, rows, download.questionnaire.title)
    else:
        raise ValueError(f"Unknown format {fmt.key}")
