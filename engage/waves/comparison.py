"""The change between two waves in one question's answers: overall, by ward, and by the
wards' value of an area attribute.

**Each wave stands for the population on its own.** Its responses are raked to the
default scheme's newest targets (``weighting.raking`` on ``results.weights.design``,
restricted to the wave's rows), so a wave that reached more older residents, or fewer
in one ward, is weighted back to the same population as the other. The weights stored
for the results pages (raked over every response at once) are not used. With no scheme,
or when a wave cannot be raked (a group with a target and no respondent in a small
wave), both waves are compared unweighted and the page says why.

Only respondents with a weight count, as on the other weighted pages; each row's
figures and verdict come from ``figures``, which applies the small-number rule.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from engage.partnership.models import Area
from engage.questionnaire.models import Questionnaire
from engage.results import aggregates, engine
from engage.results.catalogue import QuestionInfo
from engage.results.columns import View
from engage.results.perturbation import NONE
from engage.results.suppression import Cell
from engage.results.weights import design, min_effective_base
from engage.waves import attributes, figures
from engage.waves.services import describe, events_of
from engage.weighting import raking
from engage.weighting import services as stored
from engage.weighting.estimates import Sums
from engage.weighting.models import Wave


class Refused(ValueError):
    """The two waves cannot be compared on this question; ``problems`` says why."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


@dataclass
class Section:
    """A block of rows in an option's table: the overall row, the wards, the values."""

    heading: str
    rows: list[figures.Row]


@dataclass
class OptionTable:
    code: str
    label: str
    sections: list[Section]

    @property
    def rows(self) -> list[figures.Row]:
        return [row for section in self.sections for row in section.rows]


@dataclass
class Comparison:
    info: QuestionInfo
    before: Wave
    after: Wave
    weighted: bool
    notes: list[str]  # how the waves were weighted, or why not
    responses: tuple[Cell, Cell]  # each wave's responses, as shown
    described: tuple[str, str]
    tables: list[OptionTable] = field(default_factory=list)
    k: int = 10
    minimum: int = 50

    @property
    def tested(self) -> int:
        return figures.by_chance(row for table in self.tables for row in table.rows)[0]

    @property
    def expected_by_chance(self) -> float:
        return figures.by_chance(row for table in self.tables for row in table.rows)[1]


@dataclass
class _Group:
    label: str
    area_ids: tuple[int, ...] | None  # None: every respondent


def wave_rows(view: View, wave: Wave) -> np.ndarray:
    """The indexes of the view's rows in the wave: its events' responses, else those
    answered from its first day to its last (in the partnership's time zone)."""
    if wave.events:
        return np.flatnonzero(np.isin(view.arrays["event"][: view.n], wave.events))
    days = view.arrays["day"][: view.n]
    mask = np.ones(view.n, dtype=bool)
    if wave.since is not None:
        mask &= days >= engine.day_number(wave.since)
    if wave.until is not None:
        mask &= days <= engine.day_number(wave.until)
    return np.flatnonzero(mask)


def compare_waves(
    questionnaire: Questionnaire,
    info: QuestionInfo,
    option_codes: Sequence[str],
    before: Wave,
    after: Wave,
    attribute: attributes.Loaded | None,
    k: int,
) -> Comparison:
    """Each of ``option_codes``' change from ``before`` to ``after``, or Refused."""
    view = engine.view(questionnaire)
    column = view.schema.codes.get(info.code)
    if column is None:
        raise Refused({"question": "No response has been counted for this question yet."})
    rows = (wave_rows(view, before), wave_rows(view, after))
    _check(view, info, (before, after), rows)
    areas = list(questionnaire.partnership.areas)
    weights, weighted, notes = _weights(questionnaire, view, (before, after), rows, areas)
    rule = aggregates.rule(k)
    minimum = min_effective_base()
    groups = _groups(areas, attribute)
    found = [
        (
            heading,
            [
                (group.label, [_sums(view, info.code, w, group) for w in weights])
                for group in members
            ],
        )
        for heading, members in groups
    ]
    tables = []
    for code in (c for c in option_codes if c in column.options):
        index = column.options.index(code)
        sections = [
            Section(
                heading,
                [
                    figures.row(
                        label,
                        _side(pair[0], index, weighted),
                        _side(pair[1], index, weighted),
                        rule,
                        minimum,
                    )
                    for label, pair in members
                ],
            )
            for heading, members in found
        ]
        tables.append(OptionTable(code, info.label(code), sections))
    events = _events(questionnaire, before, after)
    return Comparison(
        info,
        before,
        after,
        weighted,
        notes,
        (rule.show(view.size(rows[0])), rule.show(view.size(rows[1]))),
        (describe(before, events), describe(after, events)),
        tables,
        k,
        minimum,
    )


def _events(questionnaire: Questionnaire, *waves: Wave):
    return events_of(questionnaire) if any(w.events for w in waves) else []


def _check(view: View, info: QuestionInfo, waves: tuple[Wave, Wave], rows) -> None:
    """Refuse waves that are one, that share responses, or that straddle a break in
    the question's series (its results are never added up or compared across one)."""
    if waves[0].id == waves[1].id:
        raise Refused({"after": "Choose two different waves to compare."})
    if np.intersect1d(rows[0], rows[1]).size:
        raise Refused(
            {
                "after": f"The waves ‘{waves[0].name}’ and ‘{waves[1].name}’ share responses, "
                "so they are not separate samples and the test does not hold. Compare waves "
                "that do not overlap (an administrator can change them)."
            }
        )
    runs = info.series()
    if len(runs) > 1:
        run_of = {number: i for i, run in enumerate(runs) for number in run}
        numbers = {v.id: v.number for v in view.schema.versions.values()}
        answered = view.answered(info.code, None)
        seen = {
            run_of.get(numbers[int(v)])
            for wave_rows_ in rows
            for v in np.unique(view.arrays["version"][wave_rows_[answered[wave_rows_]]])
        }
        if len(seen - {None}) > 1:
            raise Refused(
                {
                    "question": "This question changed between these waves in a way marked "
                    "not comparable, so its results before and after cannot be compared."
                }
            )


def _weights(
    questionnaire: Questionnaire,
    view: View,
    waves: tuple[Wave, Wave],
    rows: tuple[np.ndarray, np.ndarray],
    areas: list[Area],
) -> tuple[tuple[np.ndarray, np.ndarray], bool, list[str]]:
    """Each wave's weights (one per row of the view; NaN outside the wave, or for a
    respondent the raking leaves out), whether they are weights, and what to say."""
    unweighted = []
    for wave_rows_ in rows:
        ones = np.full(view.n, np.nan)
        ones[wave_rows_] = 1.0
        unweighted.append(ones)
    plain = (unweighted[0], unweighted[1])
    scheme = stored.default_scheme(questionnaire)
    target_set = scheme.current if scheme is not None else None
    if scheme is None or target_set is None:
        return (
            plain,
            False,
            [
                "These figures are unweighted (as answered): no weighting scheme has "
                "population targets and weights yet, so neither wave can be weighted to "
                "the population. A difference may come from who answered in each wave."
            ],
        )
    margins = stored.margins_of(target_set)
    missing = [code for code in margins if code not in view.schema.codes]
    if missing:
        return plain, False, [f"These figures are unweighted: no response has {missing[0]}."]
    built = design(view, margins, areas)
    found = []
    notes = []
    for wave, wave_rows_ in zip(waves, rows, strict=True):
        try:
            raked, report = raking.rake(
                built.codes[wave_rows_],
                built.targets,
                cap=scheme.cap,
                names=built.names,
                labels=built.labels,
            )
        except ValueError as error:
            return (
                plain,
                False,
                [
                    f"These figures are unweighted (as answered), in both waves: ‘{wave.name}’ "
                    f"cannot be weighted to the population on its own. {error} A difference "
                    "may come from who answered in each wave."
                ],
            )
        weights = np.full(view.n, np.nan)
        weights[wave_rows_] = raked
        found.append(weights)
        if not report.converged:
            notes.append(f"‘{wave.name}’: {report.lines()[0]}.")
        if report.left_out:
            notes.append(
                f"‘{wave.name}’: {report.left_out:,} respondents are left out of its figures "
                "(an answer the weighting uses is blank or has no target)."
            )
    variables = ", ".join(built.names)
    notes.insert(
        0,
        f"Each wave is weighted to the population on its own: its respondents are raked "
        f"to the targets ‘{scheme.name}’ (by {variables}, describing "
        f"{target_set.describes:%-d %B %Y}), so both waves stand for the same residents.",
    )
    return (found[0], found[1]), True, notes


def _groups(
    areas: list[Area], attribute: attributes.Loaded | None
) -> list[tuple[str, list[_Group]]]:
    groups = [
        ("Overall", [_Group("All respondents", None)]),
        ("By ward", [_Group(area.name, (area.id,)) for area in areas]),
    ]
    if attribute is not None:
        groups.append(
            (
                f"By {attribute.label}",
                [
                    _Group(
                        f"{value} ({', '.join(a.name for a in wards)})", tuple(a.id for a in wards)
                    )
                    for value, wards in attributes.groups(attribute)
                ],
            )
        )
    return groups


def _sums(view: View, code: str, weights: np.ndarray, group: _Group):
    """A wave's respondents in the group (those with a weight): the distribution of
    their answers, with key sums, and their weighted sums."""
    selection = np.flatnonzero(~np.isnan(weights))
    if group.area_ids is not None:
        selection = selection[np.isin(view.arrays["area"][selection], group.area_ids)]
    return view.distribution(code, selection), view.weighted_sums(code, selection, weights)


def _side(found, index: int, weighted: bool) -> figures.Side:
    distribution, sums = found
    respondents = distribution.bases.get(index, distribution.respondents)
    choosers = distribution.counts.get(index, NONE)
    option_sums = None
    if weighted:
        n, w, w2 = sums.bases.get(index, (sums.n, sums.w, sums.w2))
        option_sums = Sums(n, w, w2, [sums.wy.get(index, 0.0)], [sums.w2y.get(index, 0.0)])
    return figures.Side(respondents, choosers, option_sums)
