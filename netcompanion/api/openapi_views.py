"""GET /api/v1/openapi.json: the API's OpenAPI document, public (it holds no data)."""

from __future__ import annotations

from flask import jsonify

from . import openapi
from .views import bp


@bp.get("/openapi.json")
def openapi_document():
    response = jsonify(openapi.document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
