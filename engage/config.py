"""Configuration: defaults, then instance/config.py, then ENGAGE_* environment variables."""

import os


class ConfigError(RuntimeError):
    """The app was asked to start with a configuration it must refuse."""


DEFAULTS = {
    "SECRET_KEY": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "WTF_CSRF_TIME_LIMIT": 24 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "ENGAGE_ENV": "development",
    "ENGAGE_MATCH_THRESHOLD": 60,
    # Results for fewer than this many respondents show as "<k" (the ONS rule uses 10).
    "ENGAGE_SUPPRESSION_K": 10,
    # Where staff and tablets reach Engage; used for links made outside a request.
    "ENGAGE_BASE_URL": "http://127.0.0.1:5000",
    # Where residents report an accessibility problem; set your own in instance/config.py.
    "ENGAGE_CONTACT_EMAIL": "accessibility@partnership.example",
}

DEV_SECRET_KEY = "engage-development-key-not-for-production"  # noqa: S105


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Read the ENGAGE_* variables that override file configuration."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if env.get("ENGAGE_SECRET_KEY"):
        values["SECRET_KEY"] = env["ENGAGE_SECRET_KEY"]
    if env.get("ENGAGE_DATABASE_URL"):
        values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["ENGAGE_DATABASE_URL"])
    if env.get("ENGAGE_CONTACT_EMAIL"):
        values["ENGAGE_CONTACT_EMAIL"] = env["ENGAGE_CONTACT_EMAIL"]
    if env.get("ENGAGE_ENV"):
        values["ENGAGE_ENV"] = env["ENGAGE_ENV"]
    if env.get("ENGAGE_BASE_URL"):
        values["ENGAGE_BASE_URL"] = env["ENGAGE_BASE_URL"]
    return values


def normalise_database_url(url: str) -> str:
    """Send plain postgres:// URLs through psycopg 3, the driver Engage installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def finalise(config: dict) -> None:
    """Apply the rules that depend on the environment: production needs a real secret."""
    production = config.get("ENGAGE_ENV") == "production"
    if production:
        if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEV_SECRET_KEY:
            raise ConfigError(
                "ENGAGE_SECRET_KEY must be set in production. Generate one with: "
                'python -c "import secrets; print(secrets.token_hex(32))"'
            )
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = DEV_SECRET_KEY
