"""The download links: every scope in every format, the files' names and types, streaming of
more contacts than one chunk, the Export menus, and mistakes answered with a page, never a 500."""

from __future__ import annotations

import csv
import io
import zipfile
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from netcompanion.contact import merging
from netcompanion.export import records
from netcompanion.extensions import db
from netcompanion.followup import service as followups
from netcompanion.followup.models import FollowupList

from .conftest import ical_read, meet, read_as

FORMATS = ("vcf", "zip", "csv")


def names_in(response) -> list[str]:
    """The people in an export, read back with parsers independent of the writer."""
    data = response.get_data()
    if response.mimetype == "text/vcard":
        return sorted(card["fn"][0] for card in ical_read(data, "3.0"))
    if response.mimetype == "application/zip":
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.testzip() is None
        cards = ical_read(b"".join(archive.read(n) for n in archive.namelist()), "3.0")
        assert len(cards) == len(archive.namelist())  # one card per file
        return sorted(card["fn"][0] for card in cards)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return sorted(row[0] for row in rows[1:])


def pool() -> FollowupList:
    return db.session.scalars(select(FollowupList)).one()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_scope_exports_its_people(fmt, booth, people, make_contact, login_as, client):
    owner, fair = booth
    stranger = make_contact(owner, name="Only In Contacts")  # met nowhere, in no list

    def read(names) -> list[str]:  # as ical.js reads a card's FN (conftest.READINGS)
        return sorted(n if fmt == "csv" else read_as("ical.js", "3.0", "fn", n) for n in names)

    login_as(owner)
    everyone = read([p.name for p in people] + [stranger.name])
    assert names_in(client.get(f"/contacts/export.{fmt}")) == everyone
    assert names_in(client.get(f"/lists/{pool().public_id}/export.{fmt}")) == read(
        p.name for p in people
    )
    at_fair = client.get(f"/events/{fair.public_id}/captures/export.{fmt}")
    assert names_in(at_fair) == read(p.name for p in people)


@pytest.mark.parametrize(
    ("path", "content_type", "filename"),
    [
        ("/contacts/export.vcf", "text/vcard; charset=utf-8", "contacts-"),
        ("/contacts/export.zip", "application/zip", "contacts-"),
        ("/contacts/export.csv?preset=hubspot", "text/csv; charset=utf-8", "contacts-"),
    ],
)
def test_downloads_are_private_attachments(
    path, content_type, filename, booth, people, login_as, client
):
    owner, _fair = booth
    login_as(owner)
    response = client.get(path)
    assert response.get_data()  # read to the end, as a server does before closing
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{filename}')
    assert "no-store" in response.headers["Cache-Control"]


def test_non_ascii_names_survive_in_the_file_name(booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    disposition = client.get(f"/lists/{pool().public_id}/export.csv").headers["Content-Disposition"]
    plain, _sep, real = disposition.partition("; filename*=UTF-8''")
    assert plain == 'attachment; filename="Backend nurture 2025.csv"'
    assert unquote(real) == "Backend, nurture; 2025.csv"
    wang = client.get(f"/contacts/{people[1].public_id}/export.vcf")
    assert unquote(wang.headers["Content-Disposition"].split("''")[1]) == "王芳.vcf"


def test_contact_filters_narrow_the_export_like_the_list(
    booth, make_contact, make_member, login_as, client
):
    owner, fair = booth
    colleague = make_member(owner, name="Carla Colleague")
    hot = make_contact(owner, name="Hot One", met=[meet(fair, rating="hot", tags=["Go"])])
    make_contact(owner, name="Cold One", met=[meet(fair, rating="cold", tags=["Go"])])
    lst = followups.create_list(owner, "Pool")
    followups.add_entries(lst, [followups.Candidate(hot.id, owner_id=colleague.id)], owner.id)
    db.session.commit()
    login_as(owner)
    for query in (
        {"rating": "hot"},
        {"rating_min": "hot", "tag": "go"},
        {"q": "hot one"},
        {"event": fair.public_id, "rating": "hot"},
        {"list": lst.public_id},
        {"owner": colleague.public_id},
    ):
        response = client.get("/contacts/export.csv", query_string=query)
        assert names_in(response) == ["Hot One"], query


@pytest.mark.parametrize("fmt", FORMATS)
def test_event_export_holds_what_the_capture_list_shows(
    fmt, booth, make_contact, make_member, login_as, client
):
    owner, fair = booth
    colleague = make_member(owner, name="Carla Colleague")
    make_contact(owner, name="Hot Go", met=[meet(fair, rating="hot", tags=["Go"], by=colleague)])
    make_contact(owner, name="Warm Go", met=[meet(fair, rating="warm", tags=["Go"])])
    make_contact(owner, name="Hot Rust", met=[meet(fair, rating="hot", tags=["Rust"])])
    db.session.commit()
    login_as(owner)
    url = f"/events/{fair.public_id}/captures/export.{fmt}"
    page = client.get(
        f"/events/{fair.public_id}/captures", query_string={"tag": "Go", "rating_min": "warm"}
    ).get_data(as_text=True)
    # The list's Export menu carries its filters.
    assert f"/events/{fair.public_id}/captures/export.csv?" in page and "tag=Go" in page
    for query, names in (
        ({"tag": "Go"}, ["Hot Go", "Warm Go"]),
        ({"rating": "hot"}, ["Hot Go", "Hot Rust"]),
        ({"rating_min": "warm", "tag": "go"}, ["Hot Go", "Warm Go"]),
        ({"recruiter": colleague.public_id}, ["Hot Go"]),
        ({"q": "rust"}, ["Hot Rust"]),
    ):
        assert names_in(client.get(url, query_string=query)) == names, query
    for query, field in (({"rating": "boiling"}, "rating"), ({"recruiter": "nobody"}, "recruiter")):
        response = client.get(url, query_string=query)
        assert response.status_code == 422 and f"<strong>{field}</strong>" in response.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"version": "2.1"}, "version"),
        ({"preset": "excel"}, "preset"),
        ({"rating": "lukewarm"}, "rating"),
        ({"rating_min": "x"}, "rating_min"),
        ({"availability": "someday"}, "availability"),
        ({"event": "not-an-event"}, "event"),
        ({"list": "not-a-list"}, "list"),
        ({"owner": "nobody"}, "owner"),
    ],
)
def test_bad_arguments_answer_a_page_that_says_which(query, field, booth, login_as, client):
    owner, _fair = booth
    login_as(owner)
    response = client.get("/contacts/export.vcf", query_string=query)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "This export cannot be made" in html
    assert f"<strong>{field}</strong>" in html
    assert "Content-Disposition" not in response.headers


def test_bad_version_on_a_list_keeps_a_way_back(booth, people, login_as, client):
    owner, _fair = booth
    login_as(owner)
    response = client.get(f"/lists/{pool().public_id}/export.zip?version=5")
    assert response.status_code == 422
    assert f'href="/lists/{pool().public_id}"' in response.get_data(as_text=True)


def test_another_companys_objects_answer_404(booth, people, make_company, login_as, client):
    owner, fair = booth
    rival = make_company("Rival Recruiting")
    login_as(rival)
    for path in (
        f"/contacts/{people[0].public_id}/export.vcf",
        f"/lists/{pool().public_id}/export.vcf",
        f"/lists/{pool().public_id}/export.csv",
        f"/events/{fair.public_id}/captures/export.zip",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert people[0].email.encode() not in response.get_data()
    # Their own exports hold none of Acme's people, and naming Acme's list filters nothing in.
    assert names_in(client.get("/contacts/export.csv")) == []
    assert client.get(f"/contacts/export.csv?list={pool().public_id}").status_code == 422


def test_exhibitors_export_only_their_own_captures_at_a_shared_event(
    booth, people, make_company, join_event, make_contact, login_as, client
):
    owner, fair = booth
    exhibitor = make_company("Exhibitor Co")
    join_event(exhibitor, fair, "Booth 9")
    mine = make_contact(exhibitor, name="Met By Exhibitor", met=[meet(fair, by=exhibitor)])
    login_as(exhibitor)
    for fmt in FORMATS:
        response = client.get(f"/events/{fair.public_id}/captures/export.{fmt}")
        assert names_in(response) == [mine.name], fmt
        assert people[0].email.encode() not in response.get_data()


def test_a_merged_contact_is_exported_once_as_its_survivor(booth, make_contact, login_as, client):
    owner, fair = booth
    survivor = make_contact(owner, name="Sam Survivor", met=[meet(fair, notes=["Kept."])])
    merged = make_contact(owner, name="Sam Merged", met=[meet(fair, notes=["Moved over."])])
    merging.merge(owner, survivor, merged)
    db.session.commit()
    login_as(owner)
    assert names_in(client.get("/contacts/export.vcf")) == ["Sam Survivor"]
    [card] = ical_read(client.get("/contacts/export.vcf").get_data(), "3.0")
    assert "Moved over." in card["note"][0] and "Kept." in card["note"][0]
    old_address = client.get(f"/contacts/{merged.public_id}/export.vcf?version=4.0")
    assert old_address.status_code == 302
    assert old_address.location.endswith(f"/contacts/{survivor.public_id}/export.vcf?version=4.0")


@pytest.mark.parametrize("fmt", FORMATS)
def test_more_contacts_than_one_chunk_stream_complete(fmt, booth, make_many, login_as, client):
    owner, _fair = booth
    ids = make_many(2 * records.CHUNK + 7)
    login_as(owner)
    response = client.get(f"/contacts/export.{fmt}")
    assert response.status_code == 200
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > 2  # written as it was read, not in one piece
    response = client.get(f"/contacts/export.{fmt}")
    assert names_in(response) == sorted(f"Person {i:05d}" for i in range(len(ids)))


def test_signed_out_visitors_are_sent_to_sign_in(booth, people, client):
    response = client.get("/contacts/export.vcf")
    assert response.status_code == 302 and "/login" in response.location


def test_pages_offer_the_export_menus(booth, people, login_as, client):
    owner, fair = booth
    login_as(owner)
    contacts = client.get("/contacts?rating=hot").get_data(as_text=True)
    assert "/contacts/export.vcf?rating=hot" in contacts
    assert "/contacts/export.csv?preset=salesforce&amp;rating=hot" in contacts
    lst = client.get(f"/lists/{pool().public_id}").get_data(as_text=True)
    assert f"/lists/{pool().public_id}/export.zip" in lst
    captures = client.get(f"/events/{fair.public_id}/captures").get_data(as_text=True)
    assert f"/events/{fair.public_id}/captures/export.csv" in captures
    one = client.get(f"/contacts/{people[0].public_id}").get_data(as_text=True)
    assert f"/contacts/{people[0].public_id}/export.vcf" in one
