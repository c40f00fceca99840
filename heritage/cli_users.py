"""Command line for dashboard accounts: `flask --app app users create NAME --role admin`."""

from __future__ import annotations

import sys

import click

from heritage.cli_alerts import command_session
from heritage.pipeline import users
from heritage.runtime import Runtime
from heritage.store import users as user_store

__all__ = ["users_group"]


def users_group(runtime: Runtime) -> click.Group:
    @click.group("users")
    def group() -> None:
        """Dashboard accounts (viewer, analyst, admin)."""

    @group.command("create")
    @click.argument("username")
    @click.option("--role", type=click.Choice(users.ROLES), default="viewer", show_default=True)
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    def create(username: str, role: str, password_stdin: bool) -> None:
        """Make an account (the first admin, for a start); asks for the password."""
        password = _password(password_stdin)
        with command_session(runtime) as session:
            users.create_user(session, username, password, role, now=runtime.clock())
        click.echo(f"user {username} created ({role})")

    @group.command("list")
    def list_() -> None:
        with command_session(runtime) as session:
            found = user_store.list_users(session)
        for u in found:
            last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "never"
            state = "disabled" if u.disabled else "enabled"
            click.echo(f"{u.username}\t{u.role}\t{state}\tlast login {last}")

    @group.command("set-role")
    @click.argument("username")
    @click.argument("role", type=click.Choice(users.ROLES))
    def set_role(username: str, role: str) -> None:
        with command_session(runtime) as session:
            users.set_role(session, username, role)
        click.echo(f"user {username} is now {role}")

    @group.command("set-password")
    @click.argument("username")
    @click.option("--password-stdin", is_flag=True)
    def set_password(username: str, password_stdin: bool) -> None:
        password = _password(password_stdin)
        with command_session(runtime) as session:
            users.set_password(session, username, password)
        click.echo(f"password of {username} changed")

    @group.command("disable")
    @click.argument("username")
    def disable(username: str) -> None:
        """Lock an account out (its history stays)."""
        with command_session(runtime) as session:
            users.set_disabled(session, username, True)
        click.echo(f"user {username} disabled")

    @group.command("enable")
    @click.argument("username")
    def enable(username: str) -> None:
        """Let a disabled account in again."""
        with command_session(runtime) as session:
            users.set_disabled(session, username, False)
        click.echo(f"user {username} enabled")

    return group


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
