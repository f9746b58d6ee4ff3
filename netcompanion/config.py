"""Configuration: defaults, then the instance folder's config.py, then the environment.

Environment variables use the ``NETCOMPANION_`` prefix (``NETCOMPANION_SECRET_KEY``,
``NETCOMPANION_MAIL_SERVER``, ...); values that parse as JSON become numbers and booleans.
The conventional ``DATABASE_URL`` is honoured too.
"""

from __future__ import annotations

import os
from datetime import timedelta

#: The key used when none is configured. Fine on a laptop, refused in production.
DEVELOPMENT_SECRET_KEY = "development-only-not-secret"  # noqa: S105 (refused in production)


class ConfigError(RuntimeError):
    """Raised when the app must not start with the configuration it was given."""


class Defaults:
    #: "production" or "development". Production is the default, so a forgotten setting fails safe.
    ENV = "production"
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in with the instance folder's SQLite file
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    #: The address attendees and teammates reach the app at; used in links sent by mail.
    BASE_URL = "http://127.0.0.1:5000"
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted.
    #: Anonymous rate limits key on the client address, so behind a proxy this must be set
    #: (usually 1).
    TRUSTED_PROXIES = 0

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: None means: secure in production, plain in development (http://127.0.0.1 has no TLS).
    SESSION_COOKIE_SECURE: bool | None = None
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    #: Send the session cookie only when the session changed. Refreshing it on every answer
    #: lets a slow request that started earlier (the service worker fetching files, say) put
    #: back the cookie as it was: undoing a sign-out or a language switch made meanwhile.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = (
        None  # tied to the session instead: a phone left open all day still submits
    )

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_KEY_PREFIX = "netcompanion"
    # Limits count per API token, else per signed-in member, else per client address (see
    # ratelimits). Anonymous budgets are sized for a hall behind one venue Wi-Fi address:
    # 2,000 attendees opening their badge pages within 10 minutes, with room to spare.
    LOGIN_RATE_LIMIT = "10 per minute"  # per client address
    #: Per email address, whatever the client address: slows password guessing from many hosts.
    LOGIN_ACCOUNT_RATE_LIMIT = "30 per hour"
    SIGNUP_RATE_LIMIT = "5 per hour"  # per client address
    INVITE_ACCEPT_RATE_LIMIT = "20 per hour"  # per client address
    JOIN_RATE_LIMIT = "20 per hour"  # per member
    #: Sent registrations (typos included). Assumes 2,000 registering at the door within the
    #: hour, 1,500 forms sent in its busiest 10 minutes: half the 10-minute budget.
    REGISTRATION_RATE_LIMIT = "3000 per 10 minutes;6000 per hour"
    #: Details left on booths' pages, all booths together. Assumes each of 2,000 attendees
    #: leaves details at a few booths: 2,500 forms in the busiest hour, 1,000 in 10 minutes.
    BOOTH_FORM_RATE_LIMIT = "2000 per 10 minutes;6000 per hour"
    #: Each public page (badge page, badge card, QR image, vCard, booth page), counted apart.
    #: One visit to a badge page asks for the page twice (once more when the phone keeps it
    #: for offline use) and its QR image once: 2,000 visits use 4,000 of these 10,000.
    BADGE_RATE_LIMIT = "10000 per 10 minutes"
    #: One badge (its pages, QR image and vCard together) or one booth's form, from one
    #: requester: a visit uses 2 or 3, so this stops a client hammering one link without
    #: touching the rest of the hall.
    LINK_RATE_LIMIT = "60 per minute"
    #: Typed badge codes checked while typing, per member: a phone asks once per complete code.
    BADGE_CODE_RATE_LIMIT = "60 per minute"
    #: Per feed and client address. Calendar apps poll a feed every few minutes at most; more
    #: is a leaked URL being scraped.
    CALENDAR_RATE_LIMIT = "30 per minute"
    #: Per API token, across all endpoints.
    API_RATE_LIMIT = "600 per minute"

    INVITATION_TTL = timedelta(days=7)

    #: Where background jobs write their files; the instance folder's jobs/ when unset.
    JOBS_DIR: str | None = None
    JOB_FILE_TTL = timedelta(days=1)
    #: Uploads larger than this are refused before they reach a view (CSV imports).
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    #: The most cards one .vcf import takes (vCard import into captures or a list).
    VCARD_IMPORT_MAX_CARDS = 5000
    #: The most properties (content lines, kept or not) one card of a .vcf import may have.
    VCARD_IMPORT_MAX_PROPERTIES = 200

    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_TIMEOUT = 10
    MAIL_DEFAULT_SENDER = "NetCompanion <no-reply@localhost>"
    #: Whose address outreach is From: "recruiter" (their own; the mail server must be allowed
    #: to send for their domain) or "app" (MAIL_DEFAULT_SENDER's address under the recruiter's
    #: name, for relays that enforce SPF and DMARC). Reply-To is the recruiter either way.
    OUTREACH_FROM = "recruiter"

    #: Webhook endpoints on private, loopback or link-local addresses are refused (at
    #: registration and at every delivery) unless this is on: for tests and closed networks.
    WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    #: A PEM file of extra certificate authorities trusted for webhook endpoints; None: the
    #: system's CAs only.
    WEBHOOK_CA_BUNDLE: str | None = None
    WEBHOOK_CONNECT_TIMEOUT = 5  # seconds
    #: Seconds the receiver may take to answer once connected (TLS handshake included).
    WEBHOOK_READ_TIMEOUT = 10
    #: Days finished webhook events (and their delivery log) are kept before the worker prunes them.
    WEBHOOK_RETENTION_DAYS = 30

    LANGUAGES = {"en": "English", "de": "Deutsch", "es": "Español"}
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(app, test_config: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, instance config.py, environment, test_config."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("NETCOMPANION")
    if "DATABASE_URL" in app.config:  # NETCOMPANION_DATABASE_URL
        app.config["SQLALCHEMY_DATABASE_URI"] = app.config.pop("DATABASE_URL")
    if test_config:
        app.config.update(test_config)

    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        os.makedirs(app.instance_path, exist_ok=True)
        path = os.path.join(app.instance_path, "netcompanion.sqlite")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["BASE_URL"] = app.config["BASE_URL"].rstrip("/")
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["ENV"] == "production"
    check(app.config)


def check(config) -> None:
    """Refuse configurations that would be unsafe in production."""
    env = config["ENV"]
    if env not in ("production", "development"):
        raise ConfigError(f"NETCOMPANION_ENV must be 'production' or 'development', not {env!r}.")
    if env == "production":
        key = config.get("SECRET_KEY")
        if not key or key == DEVELOPMENT_SECRET_KEY or len(str(key)) < 32:
            raise ConfigError(
                "Refusing to start in production without a secret key: set NETCOMPANION_SECRET_KEY "
                "to a random value of at least 32 characters "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
