import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from netcompanion.account import service as accounts
from netcompanion.account.models import Invitation, Role, User
from netcompanion.dbtypes import utcnow
from netcompanion.exceptions import Rejected
from netcompanion.extensions import db
from tests.conftest import PASSWORD, login

INVITE_LINK = re.compile(r"http://netcompanion\.test/invite/([A-Za-z0-9_-]+)")


def invite(client, email="new.hire@example.com", role="recruiter"):
    return client.submit("/team/invitations", {"email": email, "role": role})


def invitation_token(response) -> str:
    """The link is shown to the inviter once (and mailed); take it from the page."""
    page = response.get_data(as_text=True)
    return INVITE_LINK.search(page).group(1)


def members(org_id):
    query = select(User).where(User.organization_id == org_id, User.removed_at.is_(None))
    return list(db.session.scalars(query))


def test_owner_invites_recruiter_who_joins_with_the_link(client, new_client, make_company):
    owner = make_company()
    login(client, owner)
    response = invite(client, email="New.Hire@example.com")
    assert response.status_code == 302
    token = invitation_token(client.get("/team"))

    invitee = new_client()
    page = invitee.get(f"/invite/{token}")
    assert page.status_code == 200
    assert b"new.hire@example.com" in page.data
    joined = invitee.submit(f"/invite/{token}", {"name": "Nia Hire", "password": PASSWORD})
    assert joined.status_code == 302

    user = db.session.scalars(select(User).where(User.email == "new.hire@example.com")).one()
    assert user.organization_id == owner.organization_id
    assert user.role is Role.RECRUITER
    assert b"Hello, Nia" in invitee.get("/").data


def test_invitation_link_works_once(client, new_client, make_company):
    login(client, make_company())
    invite(client)
    token = invitation_token(client.get("/team"))
    first = new_client()
    assert first.submit(f"/invite/{token}", {"name": "A", "password": PASSWORD}).status_code == 302
    second = new_client()
    response = second.submit(f"/invite/{token}", {"name": "B", "password": PASSWORD})
    assert response.status_code == 404
    assert b"already been used" in response.data
    assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_expired_invitation_explains_and_creates_nobody(client, new_client, make_company):
    owner = make_company()
    login(client, owner)
    invite(client)
    token = invitation_token(client.get("/team"))
    invitation = db.session.scalars(select(Invitation)).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    response = new_client().submit(f"/invite/{token}", {"name": "Late", "password": PASSWORD})
    assert response.status_code == 404
    assert b"This invitation has expired" in response.data
    assert len(members(owner.organization_id)) == 1


def test_withdrawn_invitation_no_longer_works(client, new_client, make_company):
    login(client, make_company())
    invite(client)
    token = invitation_token(client.get("/team"))
    invitation = db.session.scalars(select(Invitation)).one()
    client.submit(f"/team/invitations/{invitation.public_id}/revoke")
    response = new_client().get(f"/invite/{token}")
    assert response.status_code == 404
    assert b"withdrawn" in response.data


def test_new_invitation_to_same_address_replaces_the_old_link(client, new_client, make_company):
    login(client, make_company())
    invite(client)
    old = invitation_token(client.get("/team"))
    invite(client)
    new = invitation_token(client.get("/team"))
    assert old != new
    assert new_client().get(f"/invite/{old}").status_code == 404
    assert new_client().get(f"/invite/{new}").status_code == 200


def test_forged_invitation_token_is_refused(client):
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert b"not valid" in response.data


def test_inviting_an_existing_member_is_refused_and_writes_nothing(
    client, make_company, make_member
):
    owner = make_company()
    member = make_member(owner)
    login(client, owner)
    response = invite(client, email=member.email)
    assert response.status_code == 422
    assert b"already a member of your team" in response.data
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1  # make_member's


def test_inviting_with_empty_or_bad_email_is_refused(client, make_company):
    login(client, make_company())
    assert invite(client, email="").status_code == 422
    response = invite(client, email="nope", role="emperor")
    assert response.status_code == 422
    assert b"Enter a valid email address." in response.data
    assert b"Not a valid choice" in response.data
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_recruiter_cannot_invite(client, make_company, make_member):
    recruiter = make_member(make_company(), Role.RECRUITER)
    login(client, recruiter)
    response = invite(client)
    assert response.status_code == 403
    assert b"Only owners and admins can manage the team." in response.data
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1  # make_member's


def test_admin_cannot_invite_an_owner(client, make_company, make_member):
    admin = make_member(make_company(), Role.ADMIN)
    login(client, admin)
    response = invite(client, role="owner")
    assert response.status_code == 422
    assert b"Only an owner can invite another owner." in response.data


def test_removed_member_is_signed_out_everywhere(client, new_client, make_company, make_member):
    owner = make_company()
    member = make_member(owner)
    phone = new_client()
    login(phone, member)
    assert phone.get("/").status_code == 200

    login(client, owner)
    assert client.submit(f"/team/members/{member.public_id}/remove").status_code == 302
    assert phone.get("/").status_code == 302  # the open session stopped working
    again = phone.submit("/login", {"email": member.email, "password": PASSWORD})
    assert again.status_code == 422
    assert member.public_id not in client.get("/team").get_data(as_text=True)


def test_role_change_and_last_owner_rule(client, make_company, make_member):
    owner = make_company()
    admin = make_member(owner, Role.RECRUITER)
    login(client, owner)
    client.submit(f"/team/members/{admin.public_id}/role", {"role": "admin"})
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN

    login(client_for_admin := client.application.test_client(), admin)
    response = client_for_admin.submit(
        f"/team/members/{owner.public_id}/role", {"role": "recruiter"}, follow_redirects=True
    )
    assert b"Only an owner can change or remove an owner." in response.data
    db.session.refresh(owner)
    assert owner.role is Role.OWNER


def test_a_removed_members_role_cannot_be_changed(client, new_client, make_company, make_member):
    """Two pages open: one removes an owner, the other then changes their role."""
    owner = make_company()
    second = make_member(owner, Role.OWNER)
    login(client, owner)
    login(other_page := new_client(), owner)
    client.submit(f"/team/members/{second.public_id}/remove", {})
    response = other_page.submit(
        f"/team/members/{second.public_id}/role", {"role": "recruiter"}, follow_redirects=True
    )
    assert b"no longer a member of this team" in response.data
    db.session.refresh(second)
    assert second.role is Role.OWNER and second.removed_at is not None


def test_owner_cannot_remove_themselves(client, make_company):
    owner = make_company()
    login(client, owner)
    response = client.submit(f"/team/members/{owner.public_id}/remove", follow_redirects=True)
    assert b"You cannot remove yourself" in response.data
    db.session.refresh(owner)
    assert owner.removed_at is None


def test_removed_member_can_be_invited_back(client, new_client, make_company, make_member):
    owner = make_company()
    member = make_member(owner)
    login(client, owner)
    client.submit(f"/team/members/{member.public_id}/remove")
    invite(client, email=member.email, role="admin")
    token = invitation_token(client.get("/team"))
    back = new_client()
    assert (
        back.submit(f"/invite/{token}", {"name": "Back Again", "password": PASSWORD}).status_code
        == 302
    )
    db.session.refresh(member)
    assert member.removed_at is None and member.role is Role.ADMIN


def test_change_password_signs_out_other_devices(client, new_client, make_company):
    owner = make_company()
    other = new_client()
    login(other, owner)
    login(client, owner)
    response = client.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this device stays signed in
    assert other.get("/").status_code == 302  # the other one is signed out
    login(new_client(), owner, "a brand new secret")


def test_change_password_with_wrong_current_password_changes_nothing(client, make_company):
    owner = make_company()
    login(client, owner)
    old_hash = owner.password_hash
    response = client.submit(
        "/account/password",
        {
            "current_password": "wrong one!!",
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 422
    assert b"The current password is not correct." in response.data
    db.session.refresh(owner)
    assert owner.password_hash == old_hash


def test_change_password_needs_matching_confirmation(client, make_company):
    login(client, make_company())
    response = client.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm": "different text",
        },
    )
    assert response.status_code == 422
    assert b"The passwords differ." in response.data


def test_opening_an_invitation_link_does_not_sign_anyone_out(client, make_company):
    owner = make_company()
    login(client, owner)
    invite(client)
    token = invitation_token(client.get("/team"))
    assert client.get(f"/invite/{token}").status_code == 200
    assert client.get("/team").status_code == 200  # still signed in as the owner


def _as_seen_by_inviter(page: str, email: str, token: str) -> str:
    """A page with what differs between any two invitations blanked: address, link, token."""
    page = page.replace(email, "EMAIL").replace(token, "TOKEN")
    page = re.sub(r'name="csrf-token" content="[^"]+"', "", page)
    page = re.sub(r'value="[A-Za-z0-9._-]{40,}"', "", page)  # CSRF fields
    return re.sub(r"/team/invitations/[A-Za-z0-9_-]+/", "/team/invitations/ID/", page)


def test_inviting_another_companys_member_looks_like_inviting_a_stranger(
    client, new_client, make_company, make_member, caplog
):
    import logging

    elsewhere = make_member(make_company("Zeta Recruiting"))
    owner = make_company("Acme Talent")
    login(client, owner)

    def acme_invitations():
        query = select(Invitation).where(Invitation.organization_id == owner.organization_id)
        return db.session.scalars(query).all()

    seen = []
    for email in ("stranger@example.com", elsewhere.email):
        for invitation in acme_invitations():  # one pending invitation on the page at a time
            invitation.revoked_at = utcnow()
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            answer = invite(client, email=email)
        team = client.get("/team")
        token = invitation_token(team)
        accept = new_client().get(f"/invite/{token}")
        seen.append(
            (
                answer.status_code,
                answer.headers["Location"],
                _as_seen_by_inviter(team.get_data(as_text=True), email, token),
                accept.status_code,
                _as_seen_by_inviter(accept.get_data(as_text=True), email, token),
                _as_seen_by_inviter(re.sub(r"Message-ID: .*", "", caplog.text), email, token),
            )
        )
    assert seen[0] == seen[1]
    assert seen[0][0] == 302 and seen[0][3] == 200 and "/invite/TOKEN" in seen[0][5]
    assert len(acme_invitations()) == 2


def invitation_to(email: str) -> Invitation:
    return db.session.scalars(
        select(Invitation).where(Invitation.email == email).order_by(Invitation.id.desc())
    ).first()


def _invite_member_of_other_company(client, make_company, make_member, role=Role.RECRUITER):
    zeta_owner = make_company("Zeta Recruiting")
    moving = make_member(zeta_owner, role)
    acme_owner = make_company("Acme Talent")
    login(client, acme_owner)
    invite(client, email=moving.email, role="admin")
    return zeta_owner, moving, acme_owner, invitation_token(client.get("/team"))


def test_member_of_another_company_moves_with_their_own_password(
    client, new_client, make_company, make_member
):
    zeta_owner, moving, acme_owner, token = _invite_member_of_other_company(
        client, make_company, make_member
    )
    old_session = new_client()
    login(old_session, moving)
    password_hash = moving.password_hash

    invitee = new_client()
    joined = invitee.submit(f"/invite/{token}", {"name": "Mo Ving", "password": PASSWORD})
    assert joined.status_code == 302
    db.session.refresh(moving)
    assert moving.organization_id == acme_owner.organization_id
    assert moving.role is Role.ADMIN and moving.name == "Mo Ving"
    assert moving.password_hash == password_hash
    assert b"Hello, Mo" in invitee.get("/").data
    assert old_session.get("/team").status_code == 302  # signed out of the company they left
    assert [m.id for m in members(zeta_owner.organization_id)] == [zeta_owner.id]


def test_a_wrong_password_moves_nobody_and_keeps_the_link(
    client, new_client, make_company, make_member
):
    zeta_owner, moving, acme_owner, token = _invite_member_of_other_company(
        client, make_company, make_member
    )
    invitee = new_client()
    refused = invitee.submit(f"/invite/{token}", {"name": "Mo", "password": "not the password"})
    assert refused.status_code == 422
    assert b"this is not its password" in refused.data
    db.session.refresh(moving)
    assert moving.organization_id == zeta_owner.organization_id and moving.name != "Mo"
    assert invitation_to(moving.email).accepted_at is None
    assert invitee.get(f"/invite/{token}").status_code == 200


def test_the_only_owner_of_a_company_cannot_leave_it_ownerless(client, new_client, make_company):
    zeta_owner = make_company("Zeta Recruiting")
    acme_owner = make_company("Acme Talent")
    login(client, acme_owner)
    invite(client, email=zeta_owner.email)
    token = invitation_token(client.get("/team"))
    refused = new_client().submit(f"/invite/{token}", {"name": "Z", "password": PASSWORD})
    assert refused.status_code == 409
    assert b"You are the only owner of Zeta Recruiting" in refused.data
    db.session.refresh(zeta_owner)
    assert zeta_owner.organization_id != acme_owner.organization_id
    assert invitation_to(zeta_owner.email).accepted_at is None


def test_an_invitation_is_judged_by_the_role_the_inviter_has_now(make_company, make_member):
    """An admin demoted while their invite form was on its way can no longer invite."""
    admin = make_member(make_company(), Role.ADMIN)
    demoted = update(User).where(User.id == admin.id).values(role=Role.RECRUITER)
    db.session.execute(demoted, execution_options={"synchronize_session": False})
    assert admin.role is Role.ADMIN  # what the request loaded before the demotion
    with pytest.raises(Rejected):
        accounts.invite(admin, "late@example.com", Role.RECRUITER)
    late = Invitation.email == "late@example.com"
    assert db.session.scalar(select(func.count()).select_from(Invitation).where(late)) == 0
