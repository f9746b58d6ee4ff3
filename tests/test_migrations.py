"""The committed migrations build exactly the schema the models describe, on an empty database."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from netcompanion import create_app
from netcompanion.extensions import db
from tests.conftest import config_for

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A brand-new empty database of the same kind as the test database."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"nc_migrations_{secrets.token_hex(4)}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def schema_differences(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrations_produce_exactly_the_models_schema(empty_database_url):
    app = create_app(config_for(empty_database_url))
    with app.app_context():
        upgrade()
        assert schema_differences(app) == []
        db.engine.dispose()


def test_migrations_downgrade_to_empty_and_upgrade_again(empty_database_url):
    app = create_app(config_for(empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        assert schema_differences(app) == []
        db.engine.dispose()


def test_flask_db_upgrade_command_creates_the_schema(empty_database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETCOMPANION_")}
    env.update(DATABASE_URL=empty_database_url, NETCOMPANION_ENV="development")
    flask = str(Path(sys.executable).parent / "flask")
    result = subprocess.run(
        [flask, "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    engine = sa.create_engine(empty_database_url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"organization", "user_account", "invitation", "event", "exhibitor"} <= tables


def test_upgrading_a_database_with_events_keeps_them_usable(empty_database_url):
    """Columns added to existing tables get values for the rows already there."""
    app = create_app(config_for(empty_database_url))
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO organization (id, public_id, name, created_at) "
                    "VALUES (1, 'org-public-id-001', 'Acme', '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO event (id, public_id, organization_id, name, starts_on, ends_on, "
                    "timezone, venue, description, join_code, created_at, updated_at) VALUES "
                    "(1, 'event-public-id-01', 1, 'Old Fair', '2026-05-01', '2026-05-02', 'UTC', "
                    "'', '', 'ABCDEFGH', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT self_registration_open FROM event")).one()
        assert bool(row[0]) is True
        db.engine.dispose()


def test_upgrading_contacts_gives_them_match_keys_and_their_latest_encounter(
    empty_database_url,
):
    """Contacts from before matching by phone and LinkedIn get their keys and search text."""
    app = create_app(config_for(empty_database_url))
    with app.app_context():
        upgrade(revision="0003")
        statements = [
            "INSERT INTO organization (id, public_id, name, created_at) "
            "VALUES (1, 'org-public-id-001', 'Acme', '2026-01-01 00:00:00')",
            "INSERT INTO event (id, public_id, organization_id, name, starts_on, ends_on, "
            "timezone, venue, description, join_code, self_registration_open, interest_tags, "
            "created_at, updated_at) VALUES (1, 'event-public-id-01', 1, 'Old Fair', "
            "'2026-05-01', '2026-05-02', 'UTC', '', '', 'ABCDEFGH', true, '[]', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "INSERT INTO contact (id, public_id, organization_id, name, email, company, title, "
            "phone, linkedin_url, website_url, created_at, updated_at) VALUES "
            "(1, 'contact-public-01', 1, 'Zoë Müller', 'zoe@example.com', 'Initech', '', "
            "'+49 30 1234567', 'https://www.linkedin.com/in/Zoe-M/', '', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00'), "
            "(2, 'contact-public-02', 1, 'Never Met', '', '', '', '', '', '', "
            "'2026-02-01 00:00:00', '2026-02-01 00:00:00')",
            "INSERT INTO capture (id, public_id, organization_id, event_id, contact_id, source, "
            "name, email, company, title, phone, linkedin_url, website_url, answers, "
            "consent_text, consent_locale, captured_at, created_at, updated_at) VALUES "
            "(1, 'capture-public-01', 1, 1, 1, 'walk_in', 'Zoë Müller', '', '', '', '', '', '', "
            "'{}', '', '', '2026-05-01 10:00:00', '2026-05-01 10:00:00', "
            "'2026-05-01 10:00:00')",
        ]
        with db.engine.begin() as conn:
            for statement in statements:
                conn.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT phone_key, linkedin_key, search_text, last_met_at "
                    "FROM contact ORDER BY id"
                )
            ).all()
        db.engine.dispose()
    met, never = rows
    assert met[:3] == ("49301234567", "in/zoe-m", "zoe muller zoe@example.com initech")
    assert str(met[3]).startswith("2026-05-01 10:00")
    assert str(never[3]).startswith("2026-02-01")  # never met: when it was added
