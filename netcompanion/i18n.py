"""Locale choice: the visitor's explicit pick, else the browser's preference, else English."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import Blueprint, current_app, has_request_context, redirect, request, session, url_for
from flask_babel import get_locale

from .extensions import babel
from .redirects import safe_next

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and workers
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(list(languages))
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


@bp.route("/locale", methods=["POST"])
def switch():
    """Remember the chosen language and go back where the visitor was."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
    return redirect(safe_next(url_for("dashboard.index")))


def localtime(instant: datetime, zone: str) -> str:
    """An instant as a date and time at the event, in the reader's language."""
    return format_datetime(instant, "medium", tzinfo=ZoneInfo(zone), locale=get_locale())


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)

    app.add_template_filter(localtime)

    @app.context_processor
    def languages():
        return {"languages": current_app.config["LANGUAGES"], "current_locale": str(get_locale())}
