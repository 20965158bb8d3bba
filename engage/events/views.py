"""Events for facilitators and admins: create, edit, the kiosk link and its QR code.

Admins also import queue files saved on kiosk tablets.
"""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from engage import localtime
from engage.accounts.models import ADMIN, FACILITATOR
from engage.accounts.permissions import role_required
from engage.audit import services as audit
from engage.events import import_jobs, services
from engage.events.forms import ConfirmForm, EventForm, ImportForm
from engage.events.imports import ImportRefused
from engage.events.models import Event
from engage.events.qr import qr_svg
from engage.extensions import db
from engage.forms import upload_name
from engage.partnership.models import Partnership
from engage.partnership.services import areas, current_partnership
from engage.timeutil import utcnow

# A link issued before links were stored hashed, or under another secret key.
HIDDEN_LINK = (
    "Engage cannot show this event's kiosk link: it was issued before links were stored "
    "hashed, or before the secret key was changed. Tablets that have it can still use it. "
    "Issue a new kiosk link to show and print one."
)

bp = Blueprint("events", __name__, url_prefix="/events")
STAFF = (FACILITATOR, ADMIN)


def _partnership() -> Partnership:
    partnership = current_partnership()
    if partnership is None:
        abort(404)
    return partnership


def _event(event_id: int) -> Event:
    event = services.get_event(_partnership(), event_id)
    if event is None:
        abort(404)
    return event


def _page(template: str, form, **context):
    """A form page: 400 when it shows errors, so nothing was stored."""
    html = render_template(template, form=form, error_count=len(form.errors), **context)
    return html, 400 if form.errors else 200


def _today() -> date:
    """Today in the partnership's time zone: an event on today's date is still upcoming."""
    return localtime.local(utcnow()).date()


@bp.route("/")
@role_required(*STAFF)
def index():
    """Upcoming events first (soonest at the top), then past ones (latest first)."""
    upcoming, past = services.events_with_counts(_partnership(), _today())
    return render_template("events/index.html", upcoming=upcoming, past=past)


@bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def create():
    partnership = _partnership()
    form = EventForm()
    form.offer_areas(areas(partnership))
    if form.validate_on_submit():
        event = services.create_event(partnership, form.fields(), current_user)
        db.session.commit()
        flash(f"Event ‘{event.name}’ created. Its kiosk link is below.", "success")
        return redirect(url_for(".show", event_id=event.id))
    return _page("events/form.html", form, heading="Create an event", event=None)


@bp.route("/<int:event_id>/")
@role_required(*STAFF)
def show(event_id: int):
    """The event, its kiosk link as text and as a QR code."""
    event = _event(event_id)
    url = services.kiosk_url(event)
    return render_template(
        "events/show.html",
        event=event,
        kiosk_url=url,
        qr=qr_svg(url, f"QR code for the kiosk link of {event.name}", scale=5) if url else None,
        active=services.kiosk_active(event),
        responses=services.response_count(event),
    )


@bp.route("/<int:event_id>/print")
@role_required(*STAFF)
def print_sheet(event_id: int):
    """A page to print and stick on the tablets: a big QR code, the name and the link."""
    event = _event(event_id)
    url = services.kiosk_url(event)
    if url is None:
        flash(HIDDEN_LINK, "error")
        return redirect(url_for(".show", event_id=event.id))
    return render_template(
        "events/print.html",
        event=event,
        kiosk_url=url,
        qr=qr_svg(url, f"QR code for the kiosk link of {event.name}", scale=12),
    )


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(event_id: int):
    event = _event(event_id)
    form = EventForm(
        data={
            "name": event.name,
            "starts_on": event.starts_on,
            "place": event.place,
            "default_area": str(event.default_area_id or ""),
            "idle_seconds": event.idle_seconds,
        }
    )
    form.offer_areas(areas(_partnership()))
    if form.validate_on_submit():
        services.update_event(event, form.fields(), current_user)
        db.session.commit()
        flash(f"Event ‘{event.name}’ saved.", "success")
        return redirect(url_for(".show", event_id=event.id))
    return _page("events/form.html", form, heading=f"Edit ‘{event.name}’", event=event)


@bp.route("/<int:event_id>/new-link", methods=["GET", "POST"])
@role_required(*STAFF)
def new_link(event_id: int):
    """Ask, then replace the kiosk link; the old link stops working at once."""
    event = _event(event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.new_kiosk_link(event)
        audit.record(
            audit.EVENT, "events.new_link", current_user, target=f"Event {event.id} ‘{event.name}’"
        )
        db.session.commit()
        flash(
            "A new kiosk link was issued. The old link no longer works: open the new one on "
            "each tablet.",
            "success",
        )
        return redirect(url_for(".show", event_id=event.id))
    return render_template("events/new_link.html", event=event, form=form)


@bp.route("/import", methods=["GET", "POST"])
@role_required(ADMIN)
def import_queue():
    """Import a queue file saved on a kiosk tablet, as a job: all of it, or nothing."""
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        upload = form.queue_file.data
        try:
            name = upload_name(upload.filename, "queue file")
            job = import_jobs.request_import(_partnership(), upload.read(), name, current_user)
        except ImportRefused as refused:
            db.session.rollback()
            problems = refused.problems
        else:
            db.session.commit()
            import_jobs.import_job(job.id)
            return redirect(url_for("jobs.show", job_id=job.id), code=303)
    html = render_template(
        "events/import.html",
        form=form,
        problems=problems,
        error_count=len(form.errors) + len(problems),
        limit=current_app.config["ENGAGE_IMPORT_MAX_MB"],
    )
    return html, 400 if form.errors or problems else 200
