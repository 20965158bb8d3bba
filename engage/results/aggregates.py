"""Aggregate results: totals, breakdowns and per-question results, already suppressed.

The counting reads the results columns (``reading``, ``columns``), where versions
are joined by question code. Counts never leave this module raw: each public function
passes them through ``suppression`` before returning, and the raw counts are private.
"""

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import current_app

from engage.events.models import Event
from engage.extensions import db
from engage.i18n import LANGUAGES
from engage.partnership.models import Area
from engage.questionnaire import types
from engage.questionnaire.models import Questionnaire
from engage.results import (
    contents,
    engine,
    estimated,
    perturbation,
    reading,
    suppression,
    weights,
)
from engage.results.catalogue import CLOSED_TYPES, QuestionInfo, catalogue
from engage.results.filters import ResultFilter
from engage.results.periods import date_period, period_label, period_of
from engage.results.perturbation import NONE, Count

CHANNEL_LABELS = {"online": "Online", "kiosk": "Kiosk at an event"}


def configured_k() -> int:
    """The suppression threshold k from ENGAGE_SUPPRESSION_K (default 10)."""
    return int(current_app.config.get("ENGAGE_SUPPRESSION_K", suppression.DEFAULT_K))


def rule(k: int) -> suppression.Rule:
    """The threshold ``k`` with the configured ptable (ENGAGE_PTABLE)."""
    return suppression.Rule(k, perturbation.load(current_app.config.get("ENGAGE_PTABLE")))


# --- Private: raw counts, from the results columns -----------------------------------


def _raw_question_counts(
    questionnaire: Questionnaire,
    filters: ResultFilter,
    infos: list[QuestionInfo],
    weighting: estimated.Weighting | None = None,
):
    """Respondents per code, per code the count of each option, area or value, per code
    the base of each option not every version asking it offered, and, weighted, per code
    the sums its estimates are made of (of the respondents with a weight only)."""
    view, selection = reading.selected(questionnaire, filters)
    if weighting is not None:
        selection = weighting.only_weighted(view, selection)
    key = reading.Keys(view, questionnaire.partnership.areas)
    totals: dict[str, Count] = {}
    values: dict[str, dict[str, Count]] = {}
    bases: dict[str, dict[str, Count]] = {}
    sums: dict[str, estimated.ShownSums] = {}
    for info in infos:
        values[info.code], bases[info.code] = {}, {}
        if info.code not in view.schema.codes:
            continue
        if weighting is not None:
            found_sums = view.weighted_sums(info.code, selection, weighting.weights)
            sums[info.code] = estimated.ShownSums.of(
                found_sums, lambda k, code=info.code: key(code, k)
            )
        found = view.distribution(info.code, selection)
        totals[info.code] = found.respondents
        for value, count in found.counts.items():
            if (shown := key(info.code, value)) is not None:
                values[info.code][shown] = values[info.code].get(shown, NONE) + count
        for value, base in found.bases.items():
            if (shown := key(info.code, value)) is not None:
                bases[info.code][shown] = base
    return totals, values, bases, sums


MAX_NUMBER_ROWS = 12  # more distinct numbers than this are shown in bands
BAND_WIDTHS = (1, 2, 5, 10, 20, 25, 50, 100, 250, 500, 1000)


def _band_of(labels: dict[str, str]):
    """The band key of a number, from the keys ``number_bands`` made ("10-19")."""
    bands = [(int(k.split("-")[0]), int(k.rsplit("-", 1)[1]), k) for k in labels]

    def band_of(value: int) -> str:
        return next((k for low, high, k in bands if low <= value <= high), str(value))

    return band_of


def number_bands(counts: dict[str, Count]) -> tuple[dict[str, Count], dict[str, str]]:
    """Counts of a number question in about ten equal bands ("10-19"), and their labels.

    A bar per distinct value would make a list of a hundred near-empty rows (years
    lived here, say), most of them hidden as small numbers.
    """
    values = [int(key) for key in counts]
    low, high = min(values), max(values)
    width = next((w for w in BAND_WIDTHS if (high - low) // w < 10), BAND_WIDTHS[-1])
    start = low - low % width if width >= 5 else low  # "10 to 19", but "1 to 2"
    bands: dict[str, Count] = {}
    labels: dict[str, str] = {}
    for first in range(start, high + 1, width):
        key = f"{first}-{first + width - 1}"
        bands[key] = perturbation.total(
            n for v, n in zip(values, counts.values(), strict=True) if first <= v < first + width
        )
        labels[key] = f"{first} to {first + width - 1}"
    return bands, labels


def _value_keys(info: QuestionInfo, observed: dict[str, Count], areas: list[Area]) -> list[str]:
    if info.type in types.CHOICE_TYPES:
        return list(info.options) + [c for c in observed if c not in info.options]
    if info.type == types.AREA:
        return [a.code for a in areas]
    low = info.question.min_value if info.question.min_value is not None else types.RATING_MIN
    high = info.question.max_value if info.question.max_value is not None else types.RATING_MAX
    if info.type == types.RATING:
        return [str(v) for v in range(low, high + 1)]
    return sorted(observed, key=int)


# --- Public: suppressed results ------------------------------------------------------


def _suppressed_result(
    info: QuestionInfo,
    total: Count,
    observed: dict[str, Count],
    k: int,
    areas,
    lang: str | None,
    bases: dict[str, Count] | None = None,
    sums: estimated.ShownSums | None = None,
    weighting: estimated.Weighting | None = None,
) -> dict[str, Any]:
    """Counts, each option's base (the respondents whose version offered it: all who
    answered, unless a version asking the question did not offer it) and percentages
    of those bases, perturbed and thresholded; the mean from the shown counts. Each
    option's estimate with its uncertainty (``estimated``): weighted when ``weighting``
    is given (``sums`` then holds the sums of the respondents counted)."""
    shown_rule = rule(k)
    bases = bases or {}
    keys = _value_keys(info, observed, areas)
    counts = {key: observed.get(key, NONE) for key in keys}
    mean = None
    if info.type in (types.RATING, types.NUMBER) and total.n:
        value_cells = {int(key): shown_rule.show(n) for key, n in counts.items()}
        found = suppression.mean(value_cells)
        mean = None if found is None else round(found, 2)
    labels: dict[str, str] = {}
    if info.type == types.NUMBER and len(keys) > MAX_NUMBER_ROWS:
        counts, labels = number_bands(counts)
        keys = list(counts)
    cells, respondents = suppression.suppress_distribution(counts, total, shown_rule)
    area_names = {a.code: a.name for a in areas}
    shown_bases = {
        key: respondents if key not in bases else shown_rule.show(bases[key]) for key in keys
    }
    options = [
        {
            "code": key,
            "label": labels.get(key)
            or (area_names.get(key, key) if info.type == types.AREA else info.label(key, lang)),
            "count": cells[key],
            "base": shown_bases[key],
            "percent": suppression.share(cells[key], shown_bases[key]),
        }
        for key in keys
    ]
    for key, option in zip(keys, options, strict=True):
        if info.type in types.CHOICE_TYPES and len(seen := info.labels(key, lang)) > 1:
            option["labels"] = seen  # relabelled: each group saw its own label
    hidden = isinstance(respondents, str) or any(
        isinstance(o["count"], str) or isinstance(o["base"], str) for o in options
    )
    if hidden:
        mean = None
    result = {
        "code": info.code,
        "text": info.text(lang),
        "type": info.type,
        "versions": sorted(info.versions),
        "wordings": info.wordings(lang),
        "respondents": respondents,
        "options": options,
        "mean": mean,
        "suppressed": hidden,
        "k": k,
    }
    if weighting is not None and sums is not None:
        weighted_mean = sums.mean() if info.type in (types.RATING, types.NUMBER) else None
        if labels:
            sums = sums.banded(_band_of(labels))
        estimated.weighted(result, sums, weighting, weighted_mean)
    else:
        estimated.unweighted(result, weights.min_effective_base())
    return result


def results_for(
    questionnaire: Questionnaire,
    infos: list[QuestionInfo],
    filters: ResultFilter,
    k: int,
    lang: str | None = None,
    weighting: estimated.Weighting | None = None,
) -> list[dict[str, Any]]:
    """Suppressed results for several questions at once, in their order.

    A question whose wording changed in a way marked not comparable gives one result
    per series (newest first), each counted over its own versions only, with a note:
    results across a break in series are never added up."""
    infos = [i for i in infos if i.type in (*CLOSED_TYPES, types.AREA)]
    if not infos:
        return []
    runs_of = {info.code: info.series() for info in infos}
    pooled = [info for info in infos if len(runs_of[info.code]) <= 1]
    totals, values, bases, sums = _raw_question_counts(questionnaire, filters, pooled, weighting)
    areas = questionnaire.partnership.areas
    results = []
    for info in infos:
        runs = runs_of[info.code]
        if len(runs) <= 1:
            code = info.code
            results.append(
                _suppressed_result(
                    info,
                    totals.get(code, NONE),
                    values[code],
                    k,
                    areas,
                    lang,
                    bases[code],
                    sums.get(code),
                    weighting,
                )
            )
            continue
        for numbers in runs:
            part = info.for_versions(numbers)
            narrowed = replace(filters, versions=tuple(numbers))
            n, found, offered, run_sums = _raw_question_counts(
                questionnaire, narrowed, [part], weighting
            )
            result = _suppressed_result(
                part,
                n.get(part.code, NONE),
                found[part.code],
                k,
                areas,
                lang,
                offered[part.code],
                run_sums.get(part.code),
                weighting,
            )
            result["series"] = {"versions": numbers, "note": _series_note(numbers)}
            results.append(result)
    return results


def _series_note(numbers: list[int]) -> str:
    which = f"version {numbers[0]}" if len(numbers) == 1 else f"versions {numbers[0]}–{numbers[-1]}"
    return (
        f"Results of {which} only: the question changed in a way marked not comparable, "
        "so its results before and after the change are shown apart and never added up."
    )


def question_results(
    questionnaire: Questionnaire,
    code: str,
    filters: ResultFilter,
    k: int,
    lang: str | None = None,
    weighting: estimated.Weighting | None = None,
) -> dict[str, Any] | None:
    """One question's suppressed results, JSON-serialisable; None for an unknown or free-text code.

    Choice and area questions count respondents per option (a multiple-choice
    respondent counts once per chosen option, so percentages can add up to more
    than 100); rating and number questions give the distribution of values and
    the mean (the mean only when no cell is hidden, as it could reveal them).
    """
    info = next((i for i in catalogue(questionnaire, filters) if i.code == code), None)
    if info is None:
        return None
    newest, *earlier = results_for(questionnaire, [info], filters, k, lang, weighting)
    if earlier:  # a break in series: the newest series, and the earlier ones apart
        newest["earlier_series"] = earlier
    return newest


def dashboard_results(
    questionnaire: Questionnaire,
    filters: ResultFilter,
    k: int,
    agency_id: int | None = None,
    codes: Collection[str] = (),
    weighting: estimated.Weighting | None = None,
) -> list[dict[str, Any]]:
    """Every closed question's results in questionnaire order (the area question is a
    breakdown), or only those of ``codes`` when some are given."""
    infos = [
        i
        for i in catalogue(questionnaire, filters, agency_id)
        if i.type in CLOSED_TYPES and (not codes or i.code in codes)
    ]
    return results_for(questionnaire, infos, filters, k, weighting=weighting)


def small_base_threshold() -> int:
    """ENGAGE_SMALL_BASE: a result on fewer respondents than this is flagged (default 100)."""
    return int(current_app.config.get("ENGAGE_SMALL_BASE", contents.SMALL_BASE))


def _breakdown(rows: list[tuple[Any, str, Count]], total: Count, k: int) -> list[dict[str, Any]]:
    counts = {str(key): count for key, _label, count in rows}
    labels = {str(key): label for key, label, _count in rows}
    cells, shown_total = suppression.suppress_distribution(counts, total, rule(k))
    return [
        {
            "key": key,
            "label": labels[key],
            "count": cells[key],
            "percent": suppression.share(cells[key], shown_total),
        }
        for key in counts
    ]


def overview(questionnaire: Questionnaire, filters: ResultFilter, k: int) -> dict[str, Any]:
    """Total responses and responses by ward, event, date, channel and language. Dates
    are grouped by day, week or month, whichever keeps the list readable."""
    view, selection = reading.selected(questionnaire, filters)
    by_area = view.grouped("area", selection)
    total = view.size(selection)
    wards = [(a.code, a.name, by_area.get(a.id, NONE)) for a in questionnaire.partnership.areas]
    known = {a.id for a in questionnaire.partnership.areas}
    unknown = perturbation.total(n for area_id, n in by_area.items() if area_id not in known)
    if unknown.n:
        wards.append(("none", "No ward given", unknown))
    by_event = view.grouped("event", selection)
    names = {
        event_id: name
        for event_id, name in db.session.execute(
            sa.select(Event.id, Event.name).where(Event.id.in_([e for e in by_event if e]))
        )
    }
    events = [
        (event_id or "none", names.get(event_id) or "No event (answered online)", n)
        for event_id, n in by_event.items()
    ]
    by_day = {engine.from_day_number(day): n for day, n in view.grouped("day", selection).items()}
    period = date_period(min(by_day, default=None), max(by_day, default=None))
    by_period: dict[date, Count] = {}
    for day, n in by_day.items():
        start = period_of(day, period)
        by_period[start] = by_period.get(start, NONE) + n
    dates = [(start, period_label(str(start), period), n) for start, n in by_period.items()]
    channels = [
        (view.channels[c], CHANNEL_LABELS.get(view.channels[c], view.channels[c]), n)
        for c, n in view.grouped("channel", selection).items()
    ]
    languages = [
        (code, LANGUAGES[code].english_name if code in LANGUAGES else code, n)
        for code, n in (
            (view.languages[i], n) for i, n in view.grouped("language", selection).items()
        )
    ]
    return {
        "total": rule(k).show(total),
        "k": k,
        "by_ward": _breakdown(wards, total, k),
        "by_event": _breakdown(sorted(events, key=lambda r: str(r[1])), total, k),
        "by_date": _breakdown(sorted(dates, key=lambda r: str(r[0])), total, k),
        "date_period": period,
        "by_channel": _breakdown(channels, total, k),
        "by_language": _breakdown(languages, total, k),
    }
