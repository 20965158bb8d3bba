"""The public selection page: the anonymised pool with every volunteer's selection
probability and the fairness figures before the draw, the seed once fixed, the panel
drawn, replacements, and the panel's composition against its targets; and the pool
file anyone can re-run the draw on (``flask --app engage panel-draw``)."""

from flask import Blueprint, Response, abort, render_template

from engage.selection import recruitment, selecting
from engage.selection.models import Recruitment
from engage.sortition import fairness
from engage.sortition import published as published_pool

bp = Blueprint("selection_public", __name__, url_prefix="/selection")


def _found(token: str) -> Recruitment:
    found = recruitment.by_token(token)
    if found is None or found.published_pool is None:
        abort(404)
    return found


@bp.get("/<token>")
def page(token: str):
    found = _found(token)
    pool = selecting.loaded(found)
    assert pool is not None  # noqa: S101  # nosec B101  # _found checked it
    p = pool.allocation.agent_probabilities
    return render_template(
        "selection/public.html",
        recruitment=found,
        panel=found.panel,
        pool=pool,
        rows=list(enumerate(zip(pool.respondents, p, strict=True), start=1)),
        figures={
            "minimum": fairness.minimum(p),
            "gini": fairness.gini(p),
            "geometric_mean": fairness.geometric_mean(p),
        },
        categories=recruitment.categories(found),
        composition=selecting.composition(found),
    )


def _file(text: str, name: str, kind: str) -> Response:
    return Response(
        text, mimetype=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.get("/<token>/pool.json")
def pool_file(token: str):
    found = _found(token)
    pool = selecting.loaded(found)
    assert pool is not None  # noqa: S101  # nosec B101
    if found.seed is not None and pool.seed != found.seed:
        pool = published_pool.PublishedPool(
            pool.title,
            pool.panel_size,
            pool.quotas,
            pool.respondents,
            pool.households,
            pool.allocation,
            found.seed,
        )
    return _file(
        published_pool.dumps(pool), f"panel-{found.panel_id}-pool.json", "application/json"
    )


@bp.get("/<token>/respondents.csv")
def respondents_file(token: str):
    pool = selecting.loaded(_found(token))
    assert pool is not None  # noqa: S101  # nosec B101
    return _file(published_pool.respondents_csv(pool), "respondents.csv", "text/csv")


@bp.get("/<token>/categories.csv")
def categories_file(token: str):
    pool = selecting.loaded(_found(token))
    assert pool is not None  # noqa: S101  # nosec B101
    return _file(published_pool.categories_csv(pool), "categories.csv", "text/csv")
