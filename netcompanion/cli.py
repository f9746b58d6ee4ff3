"""Commands on the app: ``flask --app app <command>``."""

import click
from flask import Flask

from .extensions import db


def register(app: Flask) -> None:
    @app.cli.command("demo")
    def demo() -> None:
        """Load the demo company, logins and event (safe to run again); development only."""
        from .demo import DEMO_PASSWORD, load_demo

        if app.config["ENV"] == "production":
            # Its logins share one published password: never on an instance people use.
            raise click.ClickException(
                "The demo is for development: its logins share a published password. "
                "Nothing was loaded. Run it with NETCOMPANION_ENV=development."
            )

        logins = load_demo()
        db.session.commit()
        base = app.config["BASE_URL"]
        click.echo(f"Demo ready at {base}/login  (password for every demo login: {DEMO_PASSWORD})")
        for login in logins:
            click.echo(f"  {login.email:<38} {login.role:<10} {login.company}")

    @app.cli.group("followup")
    def followup() -> None:
        """Follow-up reminders."""

    @followup.command("digest")
    def digest() -> None:
        """Email each member today's due follow-ups; run it from cron, hourly is fine."""
        from .dbtypes import utcnow
        from .followup.digest import send_digests

        sent = send_digests(utcnow())
        db.session.commit()
        click.echo(f"Digests sent: {sent}")

    @app.cli.group("captures")
    def captures() -> None:
        """Captures."""

    @captures.command("repair-interests")
    @click.option(
        "--apply", "write", is_flag=True, help="Write the repairs; without it, only list them."
    )
    def repair_interests(write: bool) -> None:
        """Restore interests that the edit page wrote as the Python text of the tags."""
        from .capture import interest_repair

        repairs = interest_repair.find()
        for repair in repairs:
            before, after = " | ".join(repair.before), " | ".join(repair.after)
            click.echo(f"{repair.capture.public_id}: {before}  ->  {after or '(no interests)'}")
        if write:
            interest_repair.apply(repairs)
            db.session.commit()
            click.echo(f"Repaired {len(repairs)} captures.")
        else:
            click.echo(f"{len(repairs)} captures to repair; run again with --apply to write.")

    @app.cli.group("webhooks")
    def webhooks() -> None:
        """Webhook deliveries."""

    @webhooks.command("deliver")
    @click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
    @click.option(
        "--batch",
        default=10,
        show_default=True,
        type=click.IntRange(1, 500),
        help="Deliveries claimed at a time.",
    )
    def deliver(once: bool, batch: int) -> None:
        """Deliver webhook events; runs until stopped (SIGTERM ends after the current delivery)."""
        import signal

        from .webhook.worker import Worker

        worker = Worker(app, batch=batch)
        if once:
            pruned = worker.prune()
            done = worker.run_once()
            click.echo(
                f"Delivered {done['delivered']}, to retry {done['retrying']}, "
                f"failed {done['failed']}; pruned {pruned} old events."
            )
            return
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: worker.stop())
        click.echo(f"Delivering webhooks as {worker.name}; stop with SIGTERM or Ctrl-C.")
        worker.run()
        click.echo("Stopped.")
