"""Commands on the app: ``flask --app app <command>``."""

import click
from flask import Flask

from .extensions import db


def register(app: Flask) -> None:
    @app.cli.command("demo")
    def demo() -> None:
        """Load the demo company, logins and event (safe to run again)."""
        from .demo import DEMO_PASSWORD, load_demo

        logins = load_demo()
        db.session.commit()
        base = app.config["BASE_URL"]
        click.echo(f"Demo ready at {base}/login  (password for every demo login: {DEMO_PASSWORD})")
        for login in logins:
            click.echo(f"  {login.email:<38} {login.role:<10} {login.company}")
