import re

from netcompanion.badge.service import badge_token, badge_url
from netcompanion.extensions import db
from tests.conftest import login


def test_anyone_sees_the_public_card_without_private_details(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    attendee = make_attendee(
        owner,
        make_event(owner),
        name="Ana Lima",
        phone="+55 11 5555-0000",
        linkedin_url="https://linkedin.com/in/ana",
        website_url="https://ana.dev",
    )
    attendee.show_website = True
    db.session.commit()
    page = client.get(f"/b/{badge_token(attendee)}").get_data(as_text=True)
    assert "Ana Lima" in page and "Initech" in page and "Backend engineer" in page
    assert "https://ana.dev" in page
    assert "linkedin.com/in/ana" not in page  # not chosen for the public card
    assert attendee.email not in page and "5555" not in page


def test_save_contact_downloads_a_vcard(client, make_company, make_event, make_attendee):
    owner = make_company()
    attendee = make_attendee(owner, make_event(owner), name="Zoë Ångström")
    response = client.get(f"/b/{badge_token(attendee)}/contact.vcf")
    assert response.status_code == 200
    assert response.mimetype == "text/vcard"
    assert "attachment" in response.headers["Content-Disposition"]
    import vobject

    card = vobject.readOne(response.get_data(as_text=True))
    assert card.fn.value == "Zoë Ångström"
    assert card.org.value == ["Initech"]
    assert not hasattr(card, "email")


def test_exhibiting_recruiter_sees_shared_details_only_with_consent(
    client, make_company, make_event, make_attendee, join_event
):
    owner = make_company()
    event = make_event(owner)
    exhibitor = make_company()
    join_event(exhibitor, event, "Booth Nine")
    sharing = make_attendee(owner, event, phone="+1 555 0100")
    sharing.consent_share_contact = True
    private = make_attendee(owner, event, phone="+1 555 0199")
    db.session.commit()
    login(client, exhibitor)
    page = client.get(f"/b/{badge_token(sharing)}").get_data(as_text=True)
    assert "At your booth: Booth Nine" in page and sharing.email in page and "555 0100" in page
    page = client.get(f"/b/{badge_token(private)}").get_data(as_text=True)
    assert "At your booth" in page and private.email not in page and "555 0199" not in page


def test_recruiter_of_a_company_not_at_the_event_sees_only_the_public_card(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    attendee = make_attendee(owner, make_event(owner))
    attendee.consent_share_contact = True
    db.session.commit()
    login(client, make_company())
    page = client.get(f"/b/{badge_token(attendee)}").get_data(as_text=True)
    assert "At your booth" not in page and attendee.email not in page


def test_invalid_and_revoked_badges_get_a_clear_404(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    attendee = make_attendee(owner, make_event(owner))
    token = badge_token(attendee)
    for bad in ("garbage", token[:-2], token[:-1] + ("A" if token[-1] != "A" else "B")):
        response = client.get(f"/b/{bad}")
        assert response.status_code == 404
        assert b"This badge is not valid" in response.data
    attendee.badge_version += 1
    db.session.commit()
    response = client.get(f"/b/{token}")
    assert response.status_code == 404 and attendee.name.encode() not in response.data


def test_qr_images_are_cacheable_and_encode_the_badge_url(
    client, make_company, make_event, make_attendee
):
    owner = make_company()
    attendee = make_attendee(owner, make_event(owner))
    token = badge_token(attendee)
    svg = client.get(f"/b/{token}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "immutable" in svg.headers["Cache-Control"] and svg.headers["ETag"]
    again = client.get(f"/b/{token}/qr.svg", headers={"If-None-Match": svg.headers["ETag"]})
    assert again.status_code == 304
    png = client.get(f"/b/{token}/qr.png")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")

    import io

    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png.data))
    [decoded] = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert decoded.text == badge_url(attendee)
    assert re.fullmatch(r"http://netcompanion\.test/b/[\w-]+", decoded.text)
    assert client.get("/b/forged/qr.png").status_code == 404
