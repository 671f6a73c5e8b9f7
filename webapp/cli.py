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

    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database schema is up to date")


@demo_cli.command("seed")
def demo_seed() -> None:
    from webapp.services.demo import seed_demo

    with db.unit_of_work() as s:
        summary = seed_demo(s)
    click.echo(summary)


def init_app(app: Flask) -> None:
    for group in (users_cli, db_cli, demo_cli, ledger_cli):
        app.cli.add_command(group)
