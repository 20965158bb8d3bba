"""The weight column of every row-level download: the default weighting scheme's weight.

The column is always there, so a script can rely on it. It is blank where a respondent
could not be weighted (an answer the scheme weights by is blank or has no target, or the
response arrived after the weights were computed), and blank throughout while no scheme
has weights. The weights are the ones the results use: they add up to the population
the targets describe.
"""

from dataclasses import dataclass

from engage.exports.layout import NUMBER, SCALE, Column
from engage.extensions import db
from engage.questionnaire.models import Questionnaire
from engage.weighting.models import TargetSet
from engage.weighting.services import default_scheme

NAME = "weight"
UNWEIGHTED = "Weight: blank, as no weighting scheme has weights computed yet"


@dataclass(frozen=True)
class WeightSource:
    """The weight column, and the scheme whose stored weights fill it (None: none)."""

    column: Column
    scheme_id: int | None


def weight_source(questionnaire: Questionnaire) -> WeightSource:
    """The default scheme's weight column, labelled with the scheme and its targets' date."""
    scheme = default_scheme(questionnaire)
    if scheme is None:
        return WeightSource(Column(NAME, UNWEIGHTED, NUMBER, measure=SCALE), None)
    target_set = db.session.get(TargetSet, scheme.computed_set_id or 0)
    dated = f" (targets describing {target_set.describes:%-d %B %Y})" if target_set else ""
    label = (
        f"Weight of the default weighting scheme ‘{scheme.name}’{dated}, "
        "blank where the respondent could not be weighted"
    )
    return WeightSource(Column(NAME, label, NUMBER, measure=SCALE), scheme.id)
