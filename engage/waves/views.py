"""The change between two waves (staff), and the admins' pages that define the waves
and load the area attributes the change can be grouped by."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engage.accounts.models import ADMIN, ANALYST, FACILITATOR
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.extensions import db
from engage.forms import upload_name
from engage.partnership.models import Partnership
from engage.partnership.services import areas, current_partnership
from engage.questionnaire.models import Questionnaire
from engage.questionnaire.services import questionnaire_for
from engage.results import aggregates, engine
from engage.results.filters import ResultFilter
from engage.waves import attribute_file, attributes, comparison, page, services
from engage.waves.comparison import wave_rows
from engage.waves.forms import EVENTS, AttributesForm, WaveForm
from engage.weighting.change import HOW_TESTED

bp = Blueprint("waves", __name__)
STAFF = (ANALYST, FACILITATOR, ADMIN)


def _setting() -> tuple[Partnership, Questionnaire]:
    partnership = current_partnership()
    questionnaire = questionnaire_for(partnership) if partnership else None
    if partnership is None or questionnaire is None:
        abort(404)
    return partnership, questionnaire


@bp.route("/results/change")
@role_required(*STAFF)
def change():
    """One question's change between two waves: overall, by ward and by an attribute."""
    partnership, questionnaire = _setting()
    choices, problems = page.choose(partnership, questionnaire, request.args)
    k = aggregates.configured_k()
    found = None
    if choices.ready and not problems:
        try:
            found = comparison.compare_waves(
                questionnaire,
                choices.info,  # type: ignore[arg-type]  # ready: chosen
                choices.option_codes,
                choices.before,  # type: ignore[arg-type]
                choices.after,  # type: ignore[arg-type]
                choices.attribute,
                k,
            )
        except comparison.Refused as refused:
            problems = refused.problems
    html = render_template(
        "waves/change.html",
        choices=choices,
        problems=problems,
        found=found,
        k=k,
        how_tested=HOW_TESTED,
        filters=ResultFilter(),
        describe=services.describe,
    )
    return html, (400 if problems else 200)


@bp.route("/results/waves")
@role_required(ADMIN)
def index():
    """The waves, each with what it covers and how many responses it has."""
    _partnership, questionnaire = _setting()
    waves = services.waves(questionnaire)
    view = engine.view(questionnaire)
    rule = aggregates.rule(aggregates.configured_k())
    counts = {wave.id: rule.show(view.size(wave_rows(view, wave))) for wave in waves}
    return render_template(
        "waves/index.html",
        waves=waves,
        counts=counts,
        events=services.events_of(questionnaire),
        describe=services.describe,
    )


def _wave_form(questionnaire: Questionnaire, wave=None) -> WaveForm:
    form = WaveForm()
    form.events.choices = [SelectChoice(e.id, e.name) for e in services.events_of(questionnaire)]
    if wave is not None and request.method == "GET":
        form.name.data = wave.name
        form.kind.data = EVENTS if wave.events else "dates"
        form.since.data, form.until.data = wave.since, wave.until
        form.events.data = list(wave.events)
    return form


def _save(form: WaveForm, questionnaire: Questionnaire, wave=None):
    """The saved wave, or None with the service's refusals on the form's fields."""
    try:
        if wave is None:
            return services.create_wave(questionnaire, form.fields())
        return services.update_wave(questionnaire, wave, form.fields())
    except services.WaveError as refused:
        db.session.rollback()
        for name, message in refused.problems.items():
            getattr(form, name).errors.append(message)
        return None


@bp.route("/results/waves/new", methods=["GET", "POST"])
@role_required(ADMIN)
def create():
    _partnership, questionnaire = _setting()
    form = _wave_form(questionnaire)
    if form.validate_on_submit() and (wave := _save(form, questionnaire)) is not None:
        audit.record(
            audit.RESULTS, "waves.create", current_user, detail=_detail(questionnaire, wave)
        )
        db.session.commit()
        flash(f"The wave ‘{wave.name}’ has been added.", "success")
        return redirect(url_for(".index"))
    return render_template("waves/form.html", form=form, wave=None), (400 if form.errors else 200)


@bp.route("/results/waves/<int:wave_id>", methods=["GET", "POST"])
@role_required(ADMIN)
def edit(wave_id: int):
    _partnership, questionnaire = _setting()
    wave = services.wave_of(questionnaire, wave_id) or abort(404)
    form = _wave_form(questionnaire, wave)
    if form.validate_on_submit() and _save(form, questionnaire, wave) is not None:
        audit.record(audit.RESULTS, "waves.edit", current_user, detail=_detail(questionnaire, wave))
        db.session.commit()
        flash(f"The wave ‘{wave.name}’ has been saved.", "success")
        return redirect(url_for(".index"))
    return render_template("waves/form.html", form=form, wave=wave), (400 if form.errors else 200)


@bp.route("/results/waves/<int:wave_id>/delete", methods=["GET", "POST"])
@role_required(ADMIN)
def delete(wave_id: int):
    """Ask, then delete the wave (its responses stay: a wave only names them)."""
    _partnership, questionnaire = _setting()
    wave = services.wave_of(questionnaire, wave_id) or abort(404)
    if request.method == "POST":
        detail = _detail(questionnaire, wave)
        services.delete_wave(wave)
        audit.record(audit.RESULTS, "waves.delete", current_user, detail=detail)
        db.session.commit()
        flash(f"The wave ‘{wave.name}’ has been deleted.", "success")
        return redirect(url_for(".index"))
    shown = services.describe(wave, services.events_of(questionnaire))
    return render_template("waves/delete.html", wave=wave, shown=shown)


def _detail(questionnaire: Questionnaire, wave) -> str:
    return f"{wave.name}: {services.describe(wave, services.events_of(questionnaire))}"


@bp.route("/partnership/area-attributes", methods=["GET", "POST"])
@role_required(ADMIN)
def area_attributes():
    """Load facts about the wards from a CSV file: checked whole, stored whole."""
    partnership = current_partnership() or abort(404)
    form = AttributesForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.attributes.data
        name = upload_name(upload.filename, "attributes.csv")
        codes = [area.code for area in areas(partnership)]
        try:
            found = attribute_file.read(upload.read().decode("utf-8-sig"), codes)
        except UnicodeDecodeError:
            problems = [
                f"{name}: nothing was loaded.",
                "The file is not UTF-8 text: save it as CSV UTF-8.",
            ]
        except attribute_file.AttributeFileError as error:
            problems = [f"{name}: nothing was loaded.", *error.problems]
        else:
            attributes.load(partnership, found)
            summary = ", ".join(f"{n} ({len(v)} wards)" for n, v in found.values.items())
            audit.record(
                audit.RESULTS, "areas.attributes", current_user, detail=f"{name}: {summary}"
            )
            db.session.commit()
            flash(f"Loaded from {name}: {summary}.", "success")
            return redirect(url_for(".area_attributes"))
    failed = bool(problems or form.errors)
    return render_template(
        "waves/attributes.html",
        form=form,
        problems=problems,
        loaded=attributes.loaded(partnership),
        areas=areas(partnership),
    ), (400 if failed else 200)
