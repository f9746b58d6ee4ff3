import os
import subprocess
import sys
from pathlib import Path

import pytest

from netcompanion import create_app
from netcompanion.config import normalise_database_url

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def clean_env(**extra) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NETCOMPANION_") and k != "DATABASE_URL"
    }
    env.update(extra)
    return env


def test_sqlite_in_the_instance_folder_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("NETCOMPANION_ENV", "development")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        "sqlite:///" + os.path.join(app.instance_path, "netcompanion.sqlite")
    )


def test_environment_settings_are_read_with_prefix_and_database_url(monkeypatch):
    monkeypatch.setenv("NETCOMPANION_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.internal/nc")
    monkeypatch.setenv("NETCOMPANION_MAIL_PORT", "2525")
    monkeypatch.setenv("NETCOMPANION_RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/3")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/nc"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/3"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # development runs on plain http


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql://a@h/d", "postgresql+psycopg://a@h/d"),
        ("postgresql+psycopg://a@h/d", "postgresql+psycopg://a@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize("secret", [None, "development-only-not-secret", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, capsys, secret):
    monkeypatch.setenv("NETCOMPANION_ENV", "production")
    monkeypatch.delenv("NETCOMPANION_SECRET_KEY", raising=False)
    if secret:
        monkeypatch.setenv("NETCOMPANION_SECRET_KEY", secret)
    with pytest.raises(SystemExit):
        create_app()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("netcompanion: Refusing to start in production without a secret key")


def test_production_with_a_real_secret_starts_with_secure_cookies(monkeypatch):
    monkeypatch.setenv("NETCOMPANION_ENV", "production")
    monkeypatch.setenv("NETCOMPANION_SECRET_KEY", "x" * 48)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_gunicorn_refuses_production_without_secret_in_one_line(tmp_path):
    result = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--preload", "-w", "1", "-b", "127.0.0.1:0", "app:app"],
        cwd=ROOT,
        env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if "netcompanion:" in line]
    assert lines == [
        line for line in lines if "Refusing to start in production without a secret key" in line
    ]
    assert len(lines) == 1


def test_flask_cli_refuses_production_without_secret(tmp_path):
    result = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "app", "db", "current"],
        cwd=ROOT,
        env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "netcompanion: Refusing to start in production without a secret key" in result.stderr
