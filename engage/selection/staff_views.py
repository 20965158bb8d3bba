"""Facilitators' pages for a panel's recruitment and selection, under
/panels/<id>/selection: settings, quotas, letters, lists, publication, seed, draw,
replacements and the members' letters. Contact details are shown only to the panel's
own facilitators."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from engage.accounts.models import User
from engage.accounts.permissions import role_required
from engage.events.qr import qr_svg
from engage.extensions import db
from engage.forms import upload_name
from engage.panels.rules import MANAGERS
from engage.panels.staff.base import panel_or_404
from engage.panels.staff.cards import entry_url, make_cards
from engage.selection import jobs, members, recruitment, registration, retention, selecting
from engage.selection.errors import SelectionError
from engage.selection.models import SOURCES, STATUSES, Recruitment
from engage.weighting.models import TargetSet, WeightingScheme

bp = Blueprint("selection", __name__, url_prefix="/panels")
NO_STORE = {"Cache-Control": "no-store"}


def _recruitment(panel_id: int) -> Recruitment:
    found = recruitment.recruitment_for(panel_or_404(panel_id))
    if found is None:
        abort(404)
    return found


def _overview(found: Recruitment, problems: list[str] | None = None, status: int = 200, **extra):
    schemes = db.session.scalars(db.select(WeightingScheme).order_by(WeightingScheme.name)).all()
    target_sets = [s.current for s in schemes if s.current is not None]
    return render_template(
        "selection/overview.html",
        recruitment=found,
        panel=found.panel,
        problems=problems or [],
        error_count=len(problems or []),
        published=recruitment.published(found),
        counts=selecting.counts(found),
        composition=selecting.composition(found),
        letters=registration.letter_counts(found),
        categories=recruitment.categories(found),
        quotas_csv=extra.pop("quotas_csv", None) or recruitment.quotas_csv(found),
        target_sets=target_sets,
        facilitators=recruitment.facilitator_choices(),
        can_see=recruitment.may_see_contacts(found, current_user),
        public_url=url_for("selection_public.page", token=found.public_token, _external=True),
        last_job=jobs.last_job(found),
        **extra,
    ), status


def _refused(found: Recruitment, refused: SelectionError, **extra):
    db.session.rollback()
    return _overview(found, [str(refused), *refused.problems], 400, **extra)


def _uploaded(field: str, what: str, default_name: str) -> str:
    """The text of an uploaded CSV, or ``SelectionError`` saying what to fix."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise SelectionError(f"Choose {what} (.csv).")
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        name = upload_name(upload.filename, default_name)
        raise SelectionError(f"{name} is not UTF-8 text: save it as ‘CSV UTF-8’.") from None


def _private(template: str, **context):
    """A page that must not be kept by a browser or proxy: codes, addresses, contacts."""
    return render_template(template, **context), 200, NO_STORE


def _done(found: Recruitment, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".overview", panel_id=found.panel_id))


@bp.get("/<int:panel_id>/selection")
@role_required(*MANAGERS)
def overview(panel_id: int):
    found = recruitment.recruitment_for(panel_or_404(panel_id))
    if found is None:
        return render_template("selection/start.html", panel=panel_or_404(panel_id))
    return _overview(found)


@bp.post("/<int:panel_id>/selection/start")
@role_required(*MANAGERS)
def start(panel_id: int):
    found = recruitment.start(panel_or_404(panel_id), current_user)
    return _done(found, "Recruitment started: set the panel size and the quotas next.")


def _day(name: str) -> date | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SelectionError(
            f"Enter the date as YYYY-MM-DD, for example 2027-03-31, not ‘{text}’."
        ) from None


def _whole(name: str, what: str, required: bool = True) -> int | None:
    text = (request.form.get(name) or "").strip().replace(",", "")
    if not text and not required:
        return None
    try:
        return int(text)
    except ValueError:
        raise SelectionError(f"Enter {what} as a whole number, not ‘{text}’.") from None


@bp.post("/<int:panel_id>/selection/settings")
@role_required(*MANAGERS)
def settings(panel_id: int):
    found = _recruitment(panel_id)
    try:
        recruitment.update_settings(
            found,
            recruitment.Settings(
                panel_size=_whole("panel_size", "the panel size") or 0,
                household_rule=request.form.get("household_rule") == "y",
                registration_open=request.form.get("registration_open") == "y",
                ends_on=_day("ends_on"),
                retention_until=_day("retention_until"),
            ),
            current_user,
        )
    except SelectionError as refused:
        return _refused(found, refused)
    return _done(found, "Saved the panel’s settings.")


@bp.post("/<int:panel_id>/selection/facilitators")
@role_required(*MANAGERS)
def facilitators(panel_id: int):
    found = _recruitment(panel_id)
    wanted = {int(v) for v in request.form.getlist("user") if v.isdigit()}
    users = [u for u in recruitment.facilitator_choices() if u.id in wanted]
    me = db.session.get(User, current_user.id)
    if current_user.id in wanted and me is not None and me not in users:
        users.append(me)
    recruitment.set_facilitators(found, users, current_user)
    return _done(found, "Saved who can see the volunteers’ contact details.")


@bp.post("/<int:panel_id>/selection/quotas")
@role_required(*MANAGERS)
def quotas(panel_id: int):
    found = _recruitment(panel_id)
    text = request.form.get("quotas", "")
    try:
        recruitment.load_quotas(found, text, current_user)
    except SelectionError as refused:
        return _refused(found, refused, quotas_csv=text)
    return _done(found, f"Saved {len(found.quotas)} quotas.")


@bp.post("/<int:panel_id>/selection/quotas/derive")
@role_required(*MANAGERS)
def derive(panel_id: int):
    found = _recruitment(panel_id)
    target_set = None
    set_id = request.form.get("target_set", "")
    if set_id.isdigit():
        target_set = db.session.get(TargetSet, int(set_id))
    if target_set is None:
        return _refused(
            found, SelectionError("Choose the population targets to derive the quotas from.")
        )
    try:
        recruitment.derive_quotas(found, target_set, request.form.getlist("variable"), current_user)
    except SelectionError as refused:
        return _refused(found, refused)
    return _done(found, "Derived the quotas from the population targets: check the numbers.")


@bp.post("/<int:panel_id>/selection/letters")
@role_required(*MANAGERS)
def letters(panel_id: int):
    """Sample addresses and print the letters: the page is the only copy of the codes."""
    found = _recruitment(panel_id)
    try:
        text = _uploaded("addresses", "the address file", "addresses.csv")
        count = _whole("count", "the number of letters") or 0
        seed = _whole("seed", "the seed", required=False)
        made, batch = registration.sample_letters(found, text, count, seed, current_user)
    except SelectionError as refused:
        return _refused(found, refused)
    db.session.commit()
    url = url_for("join.letter", _external=True)
    printed = [
        (
            letter,
            qr_svg(
                f"{url}#code={letter.code}",
                f"QR code to register with letter {letter.serial}’s code",
                scale=3,
                svg_class="engage-card__qr",
                mask=0,
            ),
        )
        for letter in made
    ]
    return _private(
        "selection/letters.html",
        recruitment=found,
        panel=found.panel,
        letters=printed,
        batch=batch,
        join_url=url,
    )


@bp.post("/<int:panel_id>/selection/import")
@role_required(*MANAGERS)
def import_list(panel_id: int):
    found = _recruitment(panel_id)
    try:
        text = _uploaded("volunteers", "the list of volunteers", "volunteers.csv")
        count = registration.import_list(found, text, current_user)
    except SelectionError as refused:
        return _refused(found, refused)
    return _done(found, f"Added {count} volunteers from the list.")


@bp.get("/<int:panel_id>/selection/volunteers")
@role_required(*MANAGERS)
def volunteers(panel_id: int):
    found = _recruitment(panel_id)
    try:
        rows = members.contacts(found, current_user)
    except SelectionError as refused:
        return render_template(
            "selection/no_access.html", panel=found.panel, message=str(refused)
        ), 403
    return _private(
        "selection/volunteers.html",
        recruitment=found,
        panel=found.panel,
        rows=rows,
        statuses=STATUSES,
        sources=SOURCES,
    )


@bp.post("/<int:panel_id>/selection/publish")
@role_required(*MANAGERS)
def publish(panel_id: int):
    found = _recruitment(panel_id)
    try:
        job = jobs.request_publish(found, current_user)
    except SelectionError as refused:
        return _refused(found, refused)
    db.session.commit()
    jobs.publish_job(job.id)
    flash(
        f"The selection probabilities are being computed (job {job.id}); the pool is "
        "published when they are.",
        "success",
    )
    return redirect(url_for(".overview", panel_id=panel_id))


@bp.post("/<int:panel_id>/selection/withdraw")
@role_required(*MANAGERS)
def withdraw(panel_id: int):
    found = _recruitment(panel_id)
    try:
        selecting.withdraw(found, current_user)
    except SelectionError as refused:
        return _refused(found, refused)
    return _done(found, "The publication is withdrawn: the pool and quotas can change again.")


@bp.post("/<int:panel_id>/selection/seed")
@role_required(*MANAGERS)
def seed(panel_id: int):
    found = _recruitment(panel_id)
    try:
        fixed = selecting.fix_seed(
            found,
            _whole("seed", "the seed", required=False),
            request.form.get("how", ""),
            current_user,
        )
    except SelectionError as refused:
        return _refused(found, refused)
    return _done(found, f"The seed is {fixed}: it is on the public page.")


@bp.post("/<int:panel_id>/selection/draw")
@role_required(*MANAGERS)
def draw(panel_id: int):
    found = _recruitment(panel_id)
    try:
        chosen = selecting.draw(found, current_user)
    except SelectionError as refused:
        return _refused(found, refused)
    return _done(found, f"Drew the panel: {len(chosen)} members.")


@bp.post("/<int:panel_id>/selection/replace")
@role_required(*MANAGERS)
def replace(panel_id: int):
    found = _recruitment(panel_id)
    text = request.form.get("dropped", "")
    try:
        numbers = [int(part) for part in text.replace(",", " ").split()]
    except ValueError:
        return _refused(
            found,
            SelectionError(f"Give pool numbers separated by commas, such as 4, 17 (not ‘{text}’)."),
        )
    try:
        record = selecting.replace_dropouts(
            found, numbers, _whole("replace_seed", "the seed", required=False), current_user
        )
    except SelectionError as refused:
        return _refused(found, refused)
    return _done(found, f"Drew {len(record['selected'])} replacements. {record['message']}")


@bp.post("/<int:panel_id>/selection/member-letters")
@role_required(*MANAGERS)
def member_letters(panel_id: int):
    found = _recruitment(panel_id)
    vote = next((v for v in found.panel.votes if str(v.id) == request.form.get("vote")), None)
    try:
        if vote is None:
            raise SelectionError("Choose the vote the codes are for.")
        made = members.member_letters(found, vote, current_user)
    except SelectionError as refused:
        return _refused(found, refused)
    db.session.commit()
    cards = make_cards([letter.code for letter in made])
    return _private(
        "selection/member_letters.html",
        recruitment=found,
        panel=found.panel,
        vote=vote,
        letters=list(zip(made, cards, strict=True)),
        entry_url=entry_url(),
    )


@bp.post("/<int:panel_id>/selection/delete-contacts")
@role_required(*MANAGERS)
def delete_contacts(panel_id: int):
    found = _recruitment(panel_id)
    if request.form.get("confirm") != "yes":
        return _refused(
            found,
            SelectionError(
                "Tick the box to confirm: deleted contact details cannot be brought back, "
                "and nobody can then be told they were chosen."
            ),
        )
    if not recruitment.may_see_contacts(found, current_user):
        return _refused(
            found, SelectionError("Only this panel's facilitators can delete its contact details.")
        )
    count = retention.delete_contacts(found, current_user, "deleted early by a facilitator")
    db.session.commit()
    retention.rewrite_storage()
    flash(f"Deleted the contact details of {count} volunteers.", "success")
    return redirect(url_for(".overview", panel_id=panel_id))
