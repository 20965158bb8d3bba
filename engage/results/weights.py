"""Weighting a questionnaire's responses: its results columns in the terms of the raking.

A weighting variable is a question's code: a single-choice question (its option codes
are the values) or the ward question (ward codes; a response's ward is the one results
count it in: the ward chosen, or the event's at a kiosk). Responses whose version did
not ask a weighting question, or who left it blank or chose an answer with no target
("Prefer not to say"), are left out of the raking and get no weight.

The weights are stored by ``engage.weighting.services`` and read back, lined up with the
columns, by ``engage.weighting.aligned``.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from flask import current_app

from engage.extensions import db
from engage.questionnaire.models import Questionnaire
from engage.results import engine, estimated, reading
from engage.results.coding import AREA, CHOICE, MULTIPLE
from engage.results.columns import SHIFT, View
from engage.results.perturbation import Count
from engage.weighting import aligned, raking
from engage.weighting import services as stored
from engage.weighting.estimates import Sums, from_sums
from engage.weighting.models import DEFAULT_SCHEME, TargetSet, WeightingScheme
from engage.weighting.targets import Targets, TargetsError


def _variables(questionnaire: Questionnaire) -> tuple[View, dict[str, list[str]]]:
    """The codes that can weight responses, with their values (option or ward codes)."""
    view = engine.view(questionnaire)
    ward_codes = [a.code for a in questionnaire.partnership.areas]
    found: dict[str, list[str]] = {}
    for code, column in view.schema.codes.items():
        if column.kind == CHOICE:
            found[code] = list(column.options)
        elif column.kind == AREA:
            found[code] = ward_codes
    return view, found


def variables(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """The codes that can weight responses, with their values (option or ward codes)."""
    return _variables(questionnaire)[1]


def check_targets(questionnaire: Questionnaire, targets: Targets) -> list[str]:
    """What stops these targets weighting this questionnaire's responses, a line each."""
    _view, variables = _variables(questionnaire)
    problems = []
    usable = ", ".join(sorted(variables)) or "none yet"
    for variable, values in targets.margins.items():
        if variable not in variables:
            problems.append(
                f"‘{variable}’ (line {targets.lines[(variable, next(iter(values)))]}) is not "
                "the code of a single-choice question or of the ward question, so responses "
                f"cannot be weighted by it. The codes that can are: {usable}."
            )
            continue
        known = variables[variable]
        for value in values:
            if value not in known:
                shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
                problems.append(
                    f"Line {targets.lines[(variable, value)]}: ‘{variable}’ has no value "
                    f"‘{value}’. Its values are: {shown}."
                )
    return problems


@dataclass
class Design:
    """Each respondent's category per margin, and the margins' targets, for ``raking``."""

    codes: np.ndarray  # (respondents, margins), -1 where blank or without a target
    targets: list[np.ndarray]
    names: list[str]
    labels: list[list[str]]


def design(view: View, margins: dict[str, dict[str, float]], areas) -> Design:
    """The view's respondents in the terms of ``raking``."""
    area_codes = {a.id: a.code for a in areas}
    columns = []
    targets = []
    labels = []
    for variable, values in margins.items():
        value_codes = list(values)
        index = {code: i for i, code in enumerate(value_codes)}
        column = view.schema.codes[variable]
        if column.kind == AREA:
            ids = view.arrays["area"].astype(np.int64)
            lut = np.full(max(area_codes, default=0) + 2, -1, dtype=np.int64)
            for area_id, code in area_codes.items():
                lut[area_id] = index.get(code, -1)
            categories = lut[np.clip(ids, 0, len(lut) - 1)]
        else:
            chosen = (view.arrays[variable] >> 8).astype(np.int64) - SHIFT
            lut = np.array([index.get(o, -1) for o in column.options] + [-1], dtype=np.int64)
            categories = np.where(chosen >= 0, lut[np.clip(chosen, 0, len(lut) - 1)], -1)
        columns.append(categories)
        targets.append(np.array([values[c] for c in value_codes], dtype=np.float64))
        labels.append(value_codes)
    codes = np.column_stack(columns) if columns else np.zeros((view.n, 0), dtype=np.int64)
    return Design(codes, targets, list(margins), labels)


def load_targets(questionnaire: Questionnaire, targets: Targets, *args, **kwargs) -> TargetSet:
    """Check ``targets`` against the questionnaire and store them as the scheme's newest
    set (the rest as ``store_targets``: name, describes, source_name, user, cap), or
    raise TargetsError saying what to fix (nothing is stored then)."""
    problems = check_targets(questionnaire, targets)
    if problems:
        raise TargetsError(problems)
    return stored.store_targets(questionnaire, targets, *args, **kwargs)


def compute(
    scheme: WeightingScheme, progress: Callable[[int, int], None] | None = None
) -> raking.RakeReport:
    """Rake every response of the scheme's questionnaire to its newest targets and store
    the weights (flushes, in the caller's transaction). Raises TargetsError if the
    targets cannot be met (a group with a target but no respondents, say)."""
    target_set = scheme.current
    if target_set is None:
        raise TargetsError([f"The scheme ‘{scheme.name}’ has no population targets yet."])
    questionnaire = db.session.get(Questionnaire, scheme.questionnaire_id)
    assert questionnaire is not None  # noqa: S101  # nosec B101  # the foreign key holds
    view = engine.view(questionnaire)
    if not view.n:
        raise TargetsError(["There are no responses to weight yet."])
    built = design(view, stored.margins_of(target_set), questionnaire.partnership.areas)
    try:
        weights, report = raking.rake(
            built.codes, built.targets, cap=scheme.cap, names=built.names, labels=built.labels
        )
    except ValueError as error:
        raise TargetsError([str(error)]) from error
    stored.store_weights(scheme, target_set, view.arrays["id"][: view.n], weights, report, progress)
    return report


def stale(scheme: WeightingScheme, questionnaire: Questionnaire) -> bool:
    """Do the stored weights miss newer targets or responses?"""
    current = scheme.current
    if current is None:
        return False
    if scheme.computed_set_id != current.id:
        return True
    return engine.view(questionnaire).n != scheme.computed_responses


def weights_of(view: View, scheme: WeightingScheme) -> np.ndarray:
    """The scheme's weight of each of the view's rows (NaN: not weighted)."""
    return aligned.weights(view.arrays["id"][: view.n], view.schema, scheme)


UNWEIGHTED = "none"  # ?weights=none: the figures as answered


@dataclass
class Choice:
    """What a results page offers and uses: the schemes with weights, and the one chosen
    (None: unweighted)."""

    schemes: list[WeightingScheme]
    scheme: WeightingScheme | None
    weighting: estimated.Weighting | None

    @property
    def arg(self) -> str:
        """The ``weights=`` value that asks for this choice."""
        return self.scheme.name if self.scheme else UNWEIGHTED


def choice(questionnaire: Questionnaire, asked: str | None) -> tuple[Choice, dict[str, str]]:
    """The weighting ``?weights=`` asks for: a scheme's name, ``none``, or nothing (the
    default scheme, once one has weights). An unknown name is refused, saying why."""
    ready = stored.ready_schemes(questionnaire)
    errors: dict[str, str] = {}
    if asked is None or asked == "":
        scheme = ready[0] if ready else None
    elif asked == UNWEIGHTED:
        scheme = None
    else:
        scheme = next((s for s in ready if s.name == asked), None)
        if scheme is None:
            names = ", ".join(f"‘{s.name}’" for s in ready) or "none has weights yet"
            errors["weights"] = (
                f"There is no weighting scheme ‘{asked[:40]}’ with weights: use one of "
                f"{names}, or ‘{UNWEIGHTED}’ for the figures as answered."
            )
    weighting = None
    if scheme is not None:
        view = engine.view(questionnaire)
        weighting = estimated.Weighting(scheme.name, weights_of(view, scheme), min_effective_base())
    return Choice(ready, scheme, weighting), errors


def min_effective_base() -> int:
    """ENGAGE_MIN_EFFECTIVE_BASE: figures on a smaller effective base are greyed (50)."""
    return int(current_app.config.get("ENGAGE_MIN_EFFECTIVE_BASE", estimated.MIN_EFFECTIVE_BASE))


def left_out(questionnaire: Questionnaire, filters, weighting: estimated.Weighting) -> Count:
    """The responses matching ``filters`` that have no weight (as a cell to show)."""
    view, selection = reading.selected(questionnaire, filters)
    missing = np.isnan(weighting.weights[: view.n])
    rows = np.flatnonzero(missing) if selection is None else selection[missing[selection]]
    keys = view.keys(rows)
    return Count(len(rows), int(keys.sum()))


class NotEstimable(ValueError):
    """The estimate asked for cannot be made (an unknown code or scheme); says why."""


def exact_estimates(questionnaire: Questionnaire, code: str, scheme_name: str | None) -> dict:
    """A closed question's estimates over every response, at full precision and with no
    small-number rule (the command line's: whoever runs it can read the database). The
    scheme ``""`` is the default one; None: unweighted."""
    view = engine.view(questionnaire)
    column = view.schema.codes.get(code)
    if column is None or column.kind not in (CHOICE, MULTIPLE):
        raise NotEstimable(
            f"‘{code}’ is not the code of a single- or multiple-choice question. Codes: "
            + ", ".join(c for c, k in view.schema.codes.items() if k.kind in (CHOICE, MULTIPLE))
        )
    scheme = None
    if scheme_name is not None:
        ready = stored.ready_schemes(questionnaire)
        scheme = next((s for s in ready if s.name == scheme_name or not scheme_name), None)
        if scheme is None:
            names = ", ".join(s.name for s in ready) or "none has weights yet"
            raise NotEstimable(
                f"No weighting scheme ‘{scheme_name or DEFAULT_SCHEME}’ has weights "
                f"(schemes with weights: {names}). Use --unweighted, or compute them first."
            )
    row_weights = weights_of(view, scheme) if scheme else np.ones(view.n)
    sums = view.weighted_sums(code, None, row_weights)
    options = []
    for index, option in enumerate(column.options):
        n, w, w2 = sums.bases.get(index, (sums.n, sums.w, sums.w2))
        found = from_sums(Sums(n, w, w2, [sums.wy.get(index, 0.0)], [sums.w2y.get(index, 0.0)]))
        options.append({"code": option, **found[0].as_dict()})
    effective = sums.w * sums.w / sums.w2 if sums.w2 > 0 else 0.0
    return {
        "question": code,
        "weighted": scheme is not None,
        "scheme": scheme.name if scheme else None,
        "base": sums.n,
        "effective_base": effective,
        "efficiency": effective / sums.n if sums.n else None,
        "left_out": sums.unweighted,
        "options": options,
    }
