"""The exports through the API: tokens and sessions, every scope and format, the one error shape,
and nothing of another company's."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from sqlalchemy import select

from netcompanion.api import tokens
from netcompanion.api.models import TokenScope
from netcompanion.export.openapi_paths import PATHS
from netcompanion.extensions import db
from netcompanion.followup.models import FollowupList

from .conftest import ical_read, read_as

API = "/api/v1/exports"


@pytest.fixture
def bearer(booth):
    owner, _fair = booth
    token, secret = tokens.create(owner, "CRM sync", TokenScope.READ)
    db.session.commit()
    return token, {"Authorization": f"Bearer {secret}"}


def pool() -> FollowupList:
    return db.session.scalars(select(FollowupList)).one()


def test_a_read_token_exports_every_scope_and_format(booth, people, bearer, client):
    _owner, fair = booth
    _token, headers = bearer
    paths = {
        f"{API}/contacts.vcf": "text/vcard; charset=utf-8",
        f"{API}/contacts.zip": "application/zip",
        f"{API}/contacts.csv?preset=google": "text/csv; charset=utf-8",
        f"{API}/contacts/{people[0].public_id}.vcf?version=4.0": "text/vcard; charset=utf-8",
        f"{API}/lists/{pool().public_id}.vcf": "text/vcard; charset=utf-8",
        f"{API}/lists/{pool().public_id}.zip?version=4.0": "application/zip",
        f"{API}/lists/{pool().public_id}.csv": "text/csv; charset=utf-8",
        f"{API}/events/{fair.public_id}/captures.vcf": "text/vcard; charset=utf-8",
        f"{API}/events/{fair.public_id}/captures.zip": "application/zip",
        f"{API}/events/{fair.public_id}/captures.csv": "text/csv; charset=utf-8",
    }
    for path, content_type in paths.items():
        response = client.get(path, headers=headers)
        assert response.get_data()  # read to the end, as a server does before closing
        assert response.status_code == 200, (path, response.get_data(as_text=True))
        assert response.headers["Content-Type"] == content_type, path
        assert response.headers["Content-Disposition"].startswith("attachment;")
    one = client.get(f"{API}/contacts/{people[0].public_id}.vcf?version=4.0", headers=headers)
    [card] = ical_read(one.get_data(), "4.0")
    assert card["fn"] == [read_as("ical.js", "4.0", "fn", people[0].name)]
    assert card["version"] == ["4.0"]
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{API}/contacts.zip", headers=headers).data))
    assert len(archive.namelist()) == len(people)
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"{API}/contacts.csv?preset=google", headers=headers).data.decode()
            )
        )
    )
    assert sorted(r["E-mail 1 - Value"] for r in rows) == sorted(p.email for p in people)


def test_filters_work_through_the_api(booth, people, bearer, client):
    _owner, fair = booth
    _token, headers = bearer
    response = client.get(
        f"{API}/contacts.vcf", query_string={"q": "王芳", "event": fair.public_id}, headers=headers
    )
    assert [c["fn"][0] for c in ical_read(response.get_data(), "3.0")] == ["王芳"]
    at_fair = f"{API}/events/{fair.public_id}/captures.vcf"
    response = client.get(at_fair, query_string={"q": "王芳"}, headers=headers)
    assert [c["fn"][0] for c in ical_read(response.get_data(), "3.0")] == ["王芳"]
    response = client.get(at_fair, query_string={"recruiter": "nobody"}, headers=headers)
    assert response.status_code == 422 and set(response.json["error"]["fields"]) == {"recruiter"}


def test_a_revoked_or_unknown_token_gets_401(booth, people, bearer, client):
    owner, _fair = booth
    token, headers = bearer
    tokens.revoke(owner, token)
    db.session.commit()
    response = client.get(f"{API}/contacts.vcf", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    assert people[0].name.encode() not in response.get_data()
    wrong = client.get(f"{API}/contacts.csv", headers={"Authorization": "Bearer nct_nope"})
    assert wrong.status_code == 401


def test_no_credentials_get_401_json(booth, people, client):
    response = client.get(f"{API}/contacts.csv")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_signed_in_session_exports_too(booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    response = client.get(f"{API}/lists/{pool().public_id}.csv?preset=salesforce")
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(response.data.decode())))) == len(people)


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"version": "2.1"}, {"version"}),
        ({"preset": "excel", "version": "x"}, {"preset", "version"}),
        ({"rating": "lukewarm", "owner": "nobody"}, {"rating", "owner"}),
        (
            {"availability": "soon", "list": "nope", "event": "nope"},
            {"availability", "list", "event"},
        ),
    ],
)
def test_bad_arguments_answer_422_with_fields(query, fields, booth, bearer, client):
    _token, headers = bearer
    response = client.get(f"{API}/contacts.csv", query_string=query, headers=headers)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == fields


def test_another_companys_ids_answer_404_json(booth, people, make_company, client):
    _owner, fair = booth
    rival = make_company("Rival Recruiting")
    _token, secret = tokens.create(rival, "theirs", TokenScope.READ_WRITE)
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    for path in (
        f"{API}/contacts/{people[0].public_id}.vcf",
        f"{API}/lists/{pool().public_id}.csv",
        f"{API}/events/{fair.public_id}/captures.zip",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"
    everything = client.get(f"{API}/contacts.vcf", headers=headers)
    assert everything.status_code == 200 and everything.get_data() == b""


def test_openapi_paths_describe_every_export_route(app):
    rules = {
        rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("export_api.")
    }
    assert rules == set(PATHS)
    for path, item in PATHS.items():
        operation = item["get"]
        assert operation["operationId"]
        ok = operation["responses"]["200"]["content"]
        assert set(ok) <= {"text/vcard", "application/zip", "text/csv"}, path
        for status, ref in (("401", "Unauthorized"), ("404", "NotFound"), ("422", "Invalid")):
            assert operation["responses"][status] == {"$ref": f"#/components/responses/{ref}"}
