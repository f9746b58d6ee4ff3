"""NetCompanion: the event networking companion for recruiters."""

from __future__ import annotations

import os
import sys

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as config_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, CLI commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder=os.path.join(ROOT, "static"),
        template_folder=os.path.join(ROOT, "templates"),
    )
    try:
        config_module.load(app, test_config)
    except config_module.ConfigError as error:
        # One clear line on stderr instead of a traceback, for gunicorn and flask alike.
        print(f"netcompanion: {error}", file=sys.stderr)
        raise SystemExit(2) from None

    if app.config["TRUSTED_PROXIES"]:
        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from . import caching, cli, errors, i18n, security, sqlite, text_input
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        sqlite.configure(db.engine)
    migrate.init_app(app, db, directory=os.path.join(ROOT, "migrations"), render_as_batch=True)
    from .api import auth as api_auth

    api_auth.register(app)  # before CSRF and the rate limiter: both look at the API token
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "account.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please sign in to continue.")
    app.jinja_env.add_extension("jinja2.ext.do")
    i18n.init_app(app)

    from .account.profile_views import bp as profile_bp
    from .account.views import bp as account_bp
    from .api.token_views import bp as api_tokens_bp
    from .api.views import bp as api_bp
    from .attendee.import_views import bp as attendee_import_bp
    from .attendee.views import bp as attendee_bp
    from .badge.print_views import bp as printing_bp
    from .badge.views import bp as badge_bp
    from .capture.api import bp as capture_api_bp
    from .capture.booth_views import bp as booth_bp
    from .capture.question_views import bp as questions_bp
    from .capture.scanner import bp as scanner_bp
    from .capture.views import bp as capture_bp
    from .contact.views import bp as contact_bp
    from .dashboard.views import bp as dashboard_bp
    from .event.views import bp as event_bp
    from .export.api_views import bp as export_api_bp
    from .export.import_views import bp as vcard_import_bp
    from .export.views import bp as export_bp
    from .followup.today_views import bp as today_bp
    from .followup.views import bp as followup_bp
    from .health import bp as health_bp
    from .job.views import bp as job_bp
    from .outreach.calendar_views import bp as calendar_bp
    from .outreach.views import bp as outreach_bp
    from .pwa import bp as pwa_bp
    from .webhook.views import bp as webhooks_bp

    app.register_blueprint(account_bp)
    app.register_blueprint(attendee_bp)
    app.register_blueprint(attendee_import_bp)
    app.register_blueprint(badge_bp)
    app.register_blueprint(capture_bp)
    app.register_blueprint(capture_api_bp)
    app.register_blueprint(booth_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(scanner_bp)
    app.register_blueprint(printing_bp)
    app.register_blueprint(job_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(event_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(profile_bp)
    app.register_blueprint(contact_bp)
    app.register_blueprint(today_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(outreach_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(api_tokens_bp)
    app.register_blueprint(export_bp)
    app.register_blueprint(export_api_bp)
    app.register_blueprint(vcard_import_bp)
    app.register_blueprint(webhooks_bp)

    from .account.permissions import can_manage

    app.add_template_global(can_manage)
    errors.register(app)
    security.register(app)
    caching.register(app)
    text_input.register(app)
    cli.register(app)
    return app
