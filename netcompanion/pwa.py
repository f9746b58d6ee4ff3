"""The installable app: web app manifest, the root service worker, and the offline page.

The service worker (``static/pwa/sw.js``) is served from ``/sw.js`` so its scope can be the whole
site; the attendee badge pages keep their own worker under ``/me/`` (the more specific scope
wins there). Its cache name carries a hash of every file it precaches, so any change to the
app shell installs a new worker that drops the old caches: no stale scanner after a deploy.
"""

from __future__ import annotations

import hashlib
import json
import os

from flask import Blueprint, Response, current_app, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)

#: What the scanner needs offline, relative to the static folder: directories are walked.
PRECACHE_PATHS = (
    "css/app.css",
    "js",
    "img/icon.svg",
    "pwa",
    "scanner",
    "vendor",
)
#: Only these file types are worth keeping on a phone (no licences, maps, type declarations).
PRECACHE_SUFFIXES = (".js", ".mjs", ".css", ".wasm", ".png", ".svg")
#: Placeholders in static/pwa/sw.js that the view fills in.
VERSION_MARK = '"__NETCOMPANION_VERSION__"'
PRECACHE_MARK = '["__NETCOMPANION_PRECACHE__"]'

_shell_cache: dict[tuple, tuple[str, list[str]]] = {}


def _shell_files(static_folder: str) -> list[tuple[str, os.stat_result]]:
    found = []
    for path in PRECACHE_PATHS:
        full = os.path.join(static_folder, path)
        if os.path.isfile(full):
            found.append((path, os.stat(full)))
            continue
        for root, dirs, files in os.walk(full):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(PRECACHE_SUFFIXES) and name != "sw.js":
                    file_path = os.path.join(root, name)
                    rel = os.path.relpath(file_path, static_folder).replace(os.sep, "/")
                    found.append((rel, os.stat(file_path)))
    return found


def app_shell() -> tuple[str, list[str]]:
    """Return the shell's version (a hash of its files) and the static files to precache."""
    static_folder = current_app.static_folder
    files = _shell_files(static_folder)
    key = (static_folder, tuple((rel, st.st_mtime_ns, st.st_size) for rel, st in files))
    if key not in _shell_cache:
        digest = hashlib.sha256()
        for rel, _stat in files:
            digest.update(rel.encode() + b"\0")
            with open(os.path.join(static_folder, rel), "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
        _shell_cache.clear()  # one entry: the files as they are now
        _shell_cache[key] = (digest.hexdigest()[:16], [rel for rel, _stat in files])
    return _shell_cache[key]


@bp.route("/manifest.webmanifest")
def manifest():
    def icon(name: str, size: int, purpose: str) -> dict:
        return {
            "src": url_for("static", filename=f"pwa/icons/{name}"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }

    body = {
        "name": "NetCompanion",
        "short_name": "NetCompanion",
        "description": _("Scan badges and capture conversations at events, offline too."),
        "lang": str(get_locale()),
        "id": "/scan",
        "start_url": "/scan",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0f4c5c",
        "background_color": "#ffffff",
        "icons": [
            icon("icon-192.png", 192, "any"),
            icon("icon-512.png", 512, "any"),
            icon("maskable-192.png", 192, "maskable"),
            icon("maskable-512.png", 512, "maskable"),
        ],
    }
    response = Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/sw.js")
def service_worker():
    """The root service worker, with this deploy's version and precache list filled in."""
    version, files = app_shell()
    urls = [url_for("static", filename=rel) for rel in files]
    with open(os.path.join(current_app.static_folder, "pwa", "sw.js"), encoding="utf-8") as f:
        source = f.read()
    source = source.replace(VERSION_MARK, json.dumps(version)).replace(
        PRECACHE_MARK, json.dumps(urls)
    )
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/offline")
def offline():
    """Shown by the service worker when a page is asked for without a network."""
    return render_template("pwa/offline.html")
