"""`flask --app webapp …` commands: users, db, demo, ledger."""
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.domain.errors import DomainError
from webapp.extensions import db

users_cli = AppGroup("users", help="People and API tokens.")
db_cli = AppGroup("db", help="The database schema.")
demo_cli = AppGroup("demo", help="The demo warehouse.")
ledger_cli = AppGroup("ledger", help="Verify or rebuild the stock projection and hash chains.")
reservations_cli = AppGroup("reservations", help="Reservations: release the expired ones (for cron).")
counts_cli = AppGroup("counts", help="Cycle counting: ABC classes and the count schedule (for cron).")
alerts_cli = AppGroup("alerts", help="Supervisor alerts: check for new ones and send their webhooks (for cron).")


def _fail(err: DomainError) -> None:
    click.echo(f"error: {err.message} ({err.code})", err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="picker, receiver, counter, supervisor, admin, integration")
@click.option("--password", required=True)
def users_create(username: str, roles: tuple[str, ...], password: str) -> None:
    from webapp.services.users import create_user

    try:
        with db.unit_of_work() as s:
            create_user(s, username, password, list(roles))
    except DomainError as err:
        _fail(err)
    click.echo(f"created {username} ({', '.join(roles)})")


@users_cli.command("token")
@click.argument("username")
def users_token(username: str) -> None:
    from webapp.services.users import issue_token

    try:
        with db.unit_of_work() as s:
            token = issue_token(s, username)
    except DomainError as err:
        _fail(err)
    click.echo(token)


@db_cli.command("upgrade")
def db_upgrade() -> None:
    from webapp.db.migrate import upgrade

    before, after = upgrade(current_app.config["DATABASE_URL"])
    if before == after:
        click.echo(f"database schema already at {after} (head): nothing to do")
    elif before is None:
        click.echo(f"database schema created: migrated an empty database to {after} (head)")
    else:
        click.echo(f"database schema migrated from {before} to {after} (head)")


@demo_cli.command("seed")
def demo_seed() -> None:
    from webapp.services.demo import seed_demo

    with db.unit_of_work() as s:
        summary = seed_demo(s)
    click.echo(summary)


def init_app(app: Flask) -> None:
    for group in (users_cli, db_cli, demo_cli, ledger_cli, counts_cli, reservations_cli, alerts_cli):
        app.cli.add_command(group)


@ledger_cli.command("verify")
def ledger_verify() -> None:
    """Exit 0 when hash chains, projection and every signed checkpoint agree with the ledger; else exit 1
    naming the first bad row. Reads one consistent snapshot, so a live server may keep writing."""
    from webapp.services.checkpoints import CheckpointStore, verify_ledger

    store = CheckpointStore.from_config(current_app.config, create_key=False)
    with db.read_snapshot() as s:
        problems, count, checkpoints = verify_ledger(s, store)
    if problems:
        click.echo(f"ledger verify FAILED: {problems[0]}", err=True)
        for problem in problems[1:20]:
            click.echo(f"  also: {problem}", err=True)
        sys.exit(1)
    click.echo(f"ledger verify: OK ({count} movements; hash chains intact; projection matches the ledger; "
               f"{checkpoints} signed checkpoints agree)")


@ledger_cli.command("checkpoint")
def ledger_checkpoint() -> None:
    """Write a checkpoint (every chain's length and head hash, the number of movements) signed with
    HMAC-SHA256 by a key the database never holds. Meant for cron."""
    from webapp.services.checkpoints import CheckpointStore, take_checkpoint

    store = CheckpointStore.from_config(current_app.config, create_key=True)
    try:
        with db.read_snapshot() as s:
            path, checkpoint = take_checkpoint(s, store)
    except DomainError as err:
        _fail(err)
    click.echo(f"ledger checkpoint: wrote {path} ({checkpoint['movements']} movements, "
               f"{len(checkpoint['chains'])} chains, signed)")


@ledger_cli.command("rebuild")
def ledger_rebuild() -> None:
    """Recompute the projection (stock levels and the five numbers) from the ledger and open records."""
    from webapp.services.projection import rebuild

    with db.unit_of_work() as s:
        changed = rebuild(s)
    click.echo(f"ledger rebuild: done ({changed} projection values corrected)")


@counts_cli.command("abc")
def counts_abc() -> None:
    """Recompute every item's ABC class from the value of its issues over ABC_WINDOW_DAYS."""
    from webapp.services.count_schedule import recompute_abc

    with db.unit_of_work() as s:
        summary = recompute_abc(s, current_app.config["ABC_WINDOW_DAYS"])
    click.echo("abc classes: " + ", ".join(f"{k} {v}" for k, v in summary.items()))


@counts_cli.command("schedule")
def counts_schedule() -> None:
    """Raise counts for the stocked items that are due (A weekly, B monthly, C quarterly)."""
    from webapp.services.count_schedule import schedule_counts

    with db.unit_of_work() as s:
        created = schedule_counts(s)
    click.echo(f"counts scheduled: {len(created)}" + (f" ({', '.join(map(str, created))})" if created else ""))


@reservations_cli.command("expire")
def reservations_expire() -> None:
    """Release every reservation past its expires_at (each once, even with several of these running)."""
    from webapp.services.reservation_expiry import expire_due

    with db.unit_of_work() as s:
        released = expire_due(s)
    click.echo(f"reservations expire: released {len(released)}" + (f" ({', '.join(map(str, released))})" if released else ""))


@alerts_cli.command("check")
def alerts_check() -> None:
    """Raise the alerts whose cause holds now (stuck orders, discrepancies past tolerance, negative stock, blocked
    devices), once per cause, and try each due webhook post once."""
    from webapp.services.alerts import check
    from webapp.services.webhook import send_due

    with db.unit_of_work() as s:
        raised = check(s, current_app.config)
        summary = [f"{a.kind} {a.message}" for a in raised]
    sent, _ = send_due(db, current_app.config)
    click.echo(f"alerts check: raised {len(summary)}, webhook posts sent {sent}")
    for line in summary:
        click.echo(f"  {line}")
