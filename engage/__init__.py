"""Engage: one joint questionnaire and one shared result set for a local partnership.

Importing the package imports nothing of the web app: the pure packages
(``engage.counting``, ``engage.sortition``) are used by commands that start without
it (``flask count``, ``flask panel-draw``), and importing Flask's extensions, SQLAlchemy
and Alembic would double their start-up. ``create_app`` imports what it builds.
"""

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: Mapping[str, Any] | None = None) -> "Flask":
    """Build the application: defaults, instance/config.py, environment, then test_config."""
    from flask import Flask

    from engage import access_log, request_ids, upload_limits
    from engage import config as config_module
    from engage.results import perturbation
    from engage.templating import register_templates

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(ROOT, "templates"),
    )
    upload_limits.register(app)  # first, so an oversized body is refused before any check
    app.config.from_mapping(config_module.DEFAULTS)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "engage.sqlite3"
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(config_module.from_environment())
    else:
        app.config.from_mapping(test_config)
    config_module.finalise(app.config)
    try:  # a ptable that cannot be used stops the start, saying what to fix
        perturbation.load(app.config.get("ENGAGE_PTABLE"))
    except perturbation.PTableError as error:
        raise config_module.ConfigError(f"ENGAGE_PTABLE: {error}") from None
    os.makedirs(app.instance_path, exist_ok=True)

    register_templates(app, os.path.join(ROOT, "templates"))
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    access_log.install_werkzeug_filter()
    request_ids.register(app)
    register_security(app)
    register_compression(app)
    register_commands(app)
    return app


def register_extensions(app: "Flask") -> None:
    """Bind the extension objects created in engage.extensions."""
    from engage import models  # noqa: F401  (the whole schema, for Alembic)
    from engage.database import configure_engine_events, ping_when_idle
    from engage.extensions import babel, csrf, db, login_manager, migrate
    from engage.i18n import select_locale
    from engage.questionnaire import immutability

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.session_protection = "strong"
    configure_engine_events()
    with app.app_context():
        for engine in db.engines.values():
            ping_when_idle(engine)
    if app.config.get("ENGAGE_JOBS_IMMEDIATE"):
        from engage.jobs.queue import huey

        huey.immediate = True  # tests: a job runs inside the call that queues it
    immutability.install()
    from engage.accounts import loader  # noqa: F401  (registers the user loader)


def register_blueprints(app: "Flask") -> None:
    """One blueprint per feature package."""
    from engage.routing import IdConverter

    app.url_map.converters["int"] = IdConverter  # before any route is added
    from engage.accounts.admin_views import bp as users_bp
    from engage.accounts.views import bp as accounts_bp
    from engage.api import downloads  # noqa: F401  (the token's way into downloads)
    from engage.api.token_views import bp as tokens_bp
    from engage.api.views import bp as api_bp
    from engage.audit.views import bp as audit_bp
    from engage.bank.views import bp as bank_bp
    from engage.events.views import bp as events_bp
    from engage.exports.views import bp as exports_bp
    from engage.jobs.views import bp as jobs_bp
    from engage.kiosk.views import bp as kiosk_bp
    from engage.main.views import bp as main_bp
    from engage.maps.views import bp as maps_bp
    from engage.odata.views import bp as odata_bp
    from engage.panels.members.views import bp as vote_bp
    from engage.panels.outcome.views import bp as priorities_bp
    from engage.panels.staff.vote_pages import bp as panels_bp
    from engage.partnership.views import bp as partnership_bp
    from engage.questionnaire.translation_views import bp as translations_bp
    from engage.questionnaire.views import bp as questionnaire_bp
    from engage.results.public_views import bp as public_bp
    from engage.results.views import bp as results_bp
    from engage.results.weights_views import bp as weighting_bp
    from engage.selection.public_views import bp as selection_public_bp
    from engage.selection.resident_views import bp as join_bp
    from engage.selection.staff_views import bp as selection_bp
    from engage.survey.views import bp as survey_bp
    from engage.waves.views import bp as waves_bp
    from engage.xlsform.views import bp as xlsform_bp

    for blueprint in (
        main_bp,
        accounts_bp,
        users_bp,
        partnership_bp,
        questionnaire_bp,
        translations_bp,
        bank_bp,
        survey_bp,
        events_bp,
        kiosk_bp,
        results_bp,
        weighting_bp,
        maps_bp,
        waves_bp,
        public_bp,
        tokens_bp,
        api_bp,
        odata_bp,
        audit_bp,
        exports_bp,
        jobs_bp,
        panels_bp,
        vote_bp,
        priorities_bp,
        selection_bp,
        join_bp,
        selection_public_bp,
        xlsform_bp,
    ):
        app.register_blueprint(blueprint)


def register_security(app: "Flask") -> None:
    """Security headers on every response, and rate limits on sign-in, codes and submissions."""
    from engage import limits, security

    security.register(app)
    limits.register(app)  # after the blueprints: it wraps their views


def register_compression(app: "Flask") -> None:
    """Gzip text responses (pages, CSS, JavaScript) for browsers that accept it."""
    from engage import compression

    compression.register(app)


def register_errorhandlers(app: "Flask") -> None:
    """Friendly pages for the errors a person can meet."""
    from engage.api.errors import register as register_api
    from engage.main.errors import register

    register(app)
    # JSON for any failure under /api/, including routes that do not exist.
    register_api(app)


def register_commands(app: "Flask") -> None:
    """CLI commands, grouped by feature."""
    from engage.accounts.cli import create_user, users
    from engage.api.cli import tokens_group
    from engage.backup.cli import backup_command, restore_command
    from engage.counting.cli import count_command
    from engage.demo.cli import seed_demo, seed_synthetic
    from engage.events.cli import kiosk_import
    from engage.exports.cli import export
    from engage.jobs.cli import list_jobs
    from engage.main.cli import stats
    from engage.panels.cli import panels_group
    from engage.questionnaire.cli import questionnaire_group
    from engage.results.cli import recount_results, results_group
    from engage.results.weights_cli import weights_group
    from engage.selection.cli import selection_group
    from engage.sortition.cli import sortition_group
    from engage.sortition.draw_cli import panel_draw_command
    from engage.waves.cli import areas_group, waves_group
    from engage.xlsform.cli import xlsform

    for command in (
        create_user,
        users,
        seed_demo,
        seed_synthetic,
        stats,
        kiosk_import,
        tokens_group,
        export,
        count_command,
        xlsform,
        questionnaire_group,
        backup_command,
        restore_command,
        recount_results,
        results_group,
        weights_group,
        waves_group,
        areas_group,
        list_jobs,
        panels_group,
        sortition_group,
        selection_group,
        panel_draw_command,
    ):
        app.cli.add_command(command)
    # count, panel-draw and sortition need no app: `flask count` finds them first through
    # the "flask.commands" entry points in pyproject.toml, without building one. They stay
    # here too for app.test_cli_runner().
