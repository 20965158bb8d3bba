"""Configuration: defaults, then instance/config.py, then ENGAGE_* environment variables."""

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(RuntimeError):
    """The app was asked to start with a configuration it must refuse."""


DEFAULTS = {
    # A connection idle for a while is checked before use (engage.database.ping_when_idle).
    "SQLALCHEMY_ENGINE_OPTIONS": {},
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
    # The perturbation table (ptable) of cell key perturbation: a CSV of pcv, ckey,
    # pvalue. None: the one ONS's cell-key-perturbation package ships (the 10-5 rule).
    "ENGAGE_PTABLE": None,
    # A view filtered by answers ("about you" questions) needs at least this many
    # respondents before perturbation, or it is refused with a message saying why.
    "ENGAGE_MIN_FILTERED_BASE": 50,
    # The Argon2id cost of the key that locks a vote's ballot key under the facilitator's
    # passphrase: interactive (64 MiB), moderate (256 MiB, about 1 s) or sensitive (1 GiB).
    "ENGAGE_BALLOT_KDF": "moderate",
    # Where staff and tablets reach Engage; used for links made outside a request.
    "ENGAGE_BASE_URL": "http://127.0.0.1:5000",
    # Where residents report an accessibility problem; set your own in instance/config.py.
    "ENGAGE_CONTACT_EMAIL": "accessibility@partnership.example",
    # Rate limits (Flask-Limiter). Counts live in this storage: memory:// is per process,
    # so several servers share redis://host:6379/N instead (ENGAGE_RATELIMIT_STORAGE_URL).
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "engage",
    "RATELIMIT_STRATEGY": "moving-window",
    # If Redis is unreachable, each process counts in its own memory rather than failing.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    # The limits themselves (see engage/limits.py): failed sign-ins per account and per
    # address, failed voter codes per address, and submissions per address (generous:
    # a venue's tablets or a library's computers share one address).
    "ENGAGE_LOGIN_LIMIT_ACCOUNT": "5 per 15 minutes",
    "ENGAGE_LOGIN_LIMIT_ADDRESS": "20 per 15 minutes",
    "ENGAGE_VOTER_CODE_LIMIT": "40 per 15 minutes",
    "ENGAGE_SURVEY_LIMIT": "120 per minute",
    "ENGAGE_KIOSK_LIMIT": "600 per minute",
    # How many reverse proxies set X-Forwarded-For/-Proto in front of Engage (0: none).
    "ENGAGE_TRUSTED_PROXIES": 0,
    # Hours a download prepared in the background is kept before it is deleted.
    "ENGAGE_EXPORT_KEEP_HOURS": 24,
    # The partnership's time zone: every page shows times in it (data files keep UTC).
    "ENGAGE_TIME_ZONE": "Europe/London",
    # Seconds a download by API token waits for an Excel, SPSS or Stata file to be
    # prepared before answering 202 with where to fetch it.
    "ENGAGE_API_DOWNLOAD_WAIT": 30,
    # Megabytes a kiosk queue file may have (imported as a job, not in the request).
    "ENGAGE_IMPORT_MAX_MB": 64,
    # Megabytes a ward boundary file may have (ONS full-resolution wards for a district).
    "ENGAGE_BOUNDARIES_MAX_MB": 20,
}

DEV_SECRET_KEY = "engage-development-key-not-for-production"  # noqa: S105  # nosec B105  # refused in production

# ENGAGE_RATELIMIT_ENABLED values that turn the limiter off.
FALSE_WORDS = ("0", "false", "no", "off")
# Limits that an environment variable of the same name may change, e.g. "900 per minute".
RATE_LIMITS = (
    "ENGAGE_LOGIN_LIMIT_ACCOUNT",
    "ENGAGE_LOGIN_LIMIT_ADDRESS",
    "ENGAGE_VOTER_CODE_LIMIT",
    "ENGAGE_SURVEY_LIMIT",
    "ENGAGE_KIOSK_LIMIT",
)


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Read the ENGAGE_* variables that override file configuration."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if env.get("ENGAGE_SECRET_KEY"):
        values["SECRET_KEY"] = env["ENGAGE_SECRET_KEY"]
    if env.get("ENGAGE_CONTACT_KEY"):
        values["ENGAGE_CONTACT_KEY"] = env["ENGAGE_CONTACT_KEY"]
    if env.get("ENGAGE_DATABASE_URL"):
        values["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(env["ENGAGE_DATABASE_URL"])
    if env.get("ENGAGE_CONTACT_EMAIL"):
        values["ENGAGE_CONTACT_EMAIL"] = env["ENGAGE_CONTACT_EMAIL"]
    if env.get("ENGAGE_ENV"):
        values["ENGAGE_ENV"] = env["ENGAGE_ENV"]
    if env.get("ENGAGE_BASE_URL"):
        values["ENGAGE_BASE_URL"] = env["ENGAGE_BASE_URL"]
    if env.get("ENGAGE_RATELIMIT_STORAGE_URL"):
        values["RATELIMIT_STORAGE_URI"] = env["ENGAGE_RATELIMIT_STORAGE_URL"]
    if env.get("ENGAGE_RATELIMIT_ENABLED"):
        values["RATELIMIT_ENABLED"] = env["ENGAGE_RATELIMIT_ENABLED"].lower() not in FALSE_WORDS
    for name in RATE_LIMITS:
        if env.get(name):
            values[name] = env[name]
    if env.get("ENGAGE_EXPORT_FOLDER"):
        values["ENGAGE_EXPORT_FOLDER"] = env["ENGAGE_EXPORT_FOLDER"]
    if env.get("ENGAGE_API_DOWNLOAD_WAIT"):
        values["ENGAGE_API_DOWNLOAD_WAIT"] = float(env["ENGAGE_API_DOWNLOAD_WAIT"])
    if env.get("ENGAGE_EXPORT_KEEP_HOURS"):
        values["ENGAGE_EXPORT_KEEP_HOURS"] = float(env["ENGAGE_EXPORT_KEEP_HOURS"])
    if env.get("ENGAGE_JOB_FOLDER"):
        values["ENGAGE_JOB_FOLDER"] = env["ENGAGE_JOB_FOLDER"]
    if env.get("ENGAGE_IMPORT_MAX_MB"):
        values["ENGAGE_IMPORT_MAX_MB"] = float(env["ENGAGE_IMPORT_MAX_MB"])
    if env.get("ENGAGE_BOUNDARIES_MAX_MB"):
        values["ENGAGE_BOUNDARIES_MAX_MB"] = float(env["ENGAGE_BOUNDARIES_MAX_MB"])
    if env.get("ENGAGE_PTABLE"):
        values["ENGAGE_PTABLE"] = env["ENGAGE_PTABLE"]
    if env.get("ENGAGE_MIN_FILTERED_BASE"):
        values["ENGAGE_MIN_FILTERED_BASE"] = int(env["ENGAGE_MIN_FILTERED_BASE"])
    if env.get("ENGAGE_SMALL_BASE"):
        values["ENGAGE_SMALL_BASE"] = int(env["ENGAGE_SMALL_BASE"])
    if env.get("ENGAGE_BALLOT_KDF"):
        values["ENGAGE_BALLOT_KDF"] = env["ENGAGE_BALLOT_KDF"]
    if env.get("ENGAGE_TIME_ZONE"):
        values["ENGAGE_TIME_ZONE"] = env["ENGAGE_TIME_ZONE"]
    if env.get("ENGAGE_TRUSTED_PROXIES"):
        values["ENGAGE_TRUSTED_PROXIES"] = int(env["ENGAGE_TRUSTED_PROXIES"])
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
        if not config.get("ENGAGE_CONTACT_KEY"):
            raise ConfigError(
                "ENGAGE_CONTACT_KEY must be set in production: it seals panel volunteers' "
                'contact details. Generate one with: python -c "import secrets; '
                'print(secrets.token_hex(32))"'
            )
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = DEV_SECRET_KEY
    costs: tuple[str, ...] = ("interactive", "moderate", "sensitive")
    if config.get("TESTING"):
        costs += ("minimal",)
    if config.get("ENGAGE_BALLOT_KDF") not in costs:
        raise ConfigError(
            f"ENGAGE_BALLOT_KDF must be one of {', '.join(costs)}, "
            f"not {config.get('ENGAGE_BALLOT_KDF')!r}."
        )
    try:
        ZoneInfo(str(config.get("ENGAGE_TIME_ZONE")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"ENGAGE_TIME_ZONE must be an IANA time zone such as Europe/London, "
            f"not {config.get('ENGAGE_TIME_ZONE')!r}."
        ) from None
    # Tests turn the limiter on only where they are about it.
    config.setdefault("RATELIMIT_ENABLED", not config.get("TESTING"))
