import pytest
from werkzeug.exceptions import Forbidden

from tests.conftest import FormClient


@pytest.fixture
def failing_app(app, make_app):
    """An app with routes that fail on purpose, to see the error pages people get."""
    failing = make_app(PROPAGATE_EXCEPTIONS=False)
    failing.test_client_class = FormClient

    @failing.route("/boom")
    @failing.route("/api/boom")
    def boom():
        raise RuntimeError("kaboom")

    @failing.route("/forbidden")
    @failing.route("/api/forbidden")
    def forbidden():
        raise Forbidden()

    return failing


def test_not_found_is_a_page_for_people(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"We could not find that page" in response.data


def test_not_found_under_api_is_json(client):
    response = client.get("/api/no/such/thing")
    assert response.status_code == 404
    assert response.json == {
        "error": {"code": "not_found", "message": response.json["error"]["message"]}
    }


def test_method_not_allowed_is_explained(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert b"does not accept that kind of request" in response.data


def test_server_error_page_and_json(failing_app):
    client = failing_app.test_client()
    page = client.get("/boom")
    assert page.status_code == 500
    assert b"Something went wrong on our side" in page.data
    assert b"kaboom" not in page.data
    api = client.get("/api/boom")
    assert api.status_code == 500
    assert api.json["error"]["code"] == "server_error"


def test_forbidden_page_and_json(failing_app):
    client = failing_app.test_client()
    assert b"You do not have permission" in client.get("/forbidden").data
    assert client.get("/api/forbidden").json["error"]["code"] == "forbidden"


def test_bad_request_from_csrf_is_a_page(client):
    response = client.post("/login", data={"email": "a@example.com", "password": "x"})
    assert response.status_code == 400
    assert b"Reload the page and try again" in response.data


def test_every_405_names_the_methods_the_path_takes(app, client):
    from tests.routes import METHODS, allowed_methods, sample_path

    checked = 0
    for rule in app.url_map.iter_rules():
        path = sample_path(app, rule)
        allowed = allowed_methods(app, path)
        for method in set(METHODS) - allowed:
            response = client.open(path, method=method)
            assert response.status_code == 405, (method, path, response.status_code)
            assert set(response.headers["Allow"].split(", ")) == allowed, (method, path)
            if path.startswith("/api/"):
                assert response.json["error"]["code"] == "method_not_allowed"
            else:
                assert response.mimetype == "text/html"
                assert b"does not accept that kind of request" in response.data
            checked += 1
    assert checked > 200  # the whole map, pages and API
