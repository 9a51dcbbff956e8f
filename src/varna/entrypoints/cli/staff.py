"""``varna staff``: the staff accounts of the admin console, as the privacy officer manages
them on ``/admin/staff`` (R6, A1). Each change is audited with the CLI as its actor;
disabling, a new role and a two-factor reset end the account's sessions at once."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from varna.domain.audit import SystemActor
from varna.entrypoints.cli.common import EXIT_USAGE, container, fail, print_json

app = typer.Typer(help="Staff accounts of the admin console.", no_args_is_help=True)
stdout = Console()
ROLE_HELP = "privacy_officer, support, billing, auditor or controller_admin."


def read_password(password_stdin: bool) -> str:
    if password_stdin:
        try:
            return sys.stdin.buffer.readline().decode("utf-8").rstrip("\n")
        except UnicodeDecodeError:
            fail("--password-stdin: the password is not UTF-8 text", code=EXIT_USAGE)
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@app.command("add")
def add(
    login: Annotated[str, typer.Argument(help="The staff member's login (an e-mail address).")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "support",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a staff account; the password is hashed with argon2. A privacy officer sets up
    two-factor sign-in at the first sign-in."""
    from varna.entrypoints.cli.requests import create_staff

    password = read_password(password_stdin)
    with container() as wired:
        account_id = create_staff(wired, login, role, password)
    print_json({"id": account_id, "role": role})


@app.command("list")
def list_staff(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every account: login, role, two-factor on or off, last sign-in, disabled."""
    from rich.table import Table

    from varna.services.requests.staff_admin import staff_list

    with container() as wired:
        members = staff_list(wired)
    rows = [
        {
            "id": m.id,
            "login": m.login,
            "role": m.role,
            "two_factor": m.two_factor,
            "last_login_at": m.last_login_at.isoformat() if m.last_login_at else None,
            "disabled": m.disabled,
        }
        for m in members
    ]
    if json_output:
        print_json(rows)
        return
    table = Table("id", "login", "role", "2FA", "last sign-in", "state", title="Staff")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["login"]),
            str(row["role"]),
            "on" if row["two_factor"] else "off",
            str(row["last_login_at"] or "-"),
            "disabled" if row["disabled"] else "active",
        )
    stdout.print(table)


def _change(login: str, what: str, role: str = "") -> None:
    from varna.services.requests.staff_admin import (
        find_member,
        reset_two_factor,
        set_disabled,
        set_role,
        sign_out_everywhere,
    )

    actor = SystemActor.CLI
    with container() as wired:
        account_id = find_member(wired, login)
        result: dict[str, object] = {"id": account_id}
        if what in ("disable", "enable"):
            set_disabled(wired, account_id, disabled=what == "disable", actor=actor)
            result["disabled"] = what == "disable"
        elif what == "role":
            set_role(wired, account_id, role, actor=actor)
            result["role"] = role
        elif what == "reset-2fa":
            reset_two_factor(wired, account_id, actor=actor)
            result["two_factor"] = False
        else:
            result["sessions_ended"] = sign_out_everywhere(wired, account_id, actor=actor)
    print_json(result)


LOGIN = Annotated[str, typer.Argument(help="The staff member's login.")]


@app.command("password")
def password(
    login: LOGIN,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Give an account a new password (argon2); its sessions end."""
    from varna.services.requests.staff_admin import find_member, set_password

    new = read_password(password_stdin)
    with container() as wired:
        account_id = find_member(wired, login)
        set_password(wired, account_id, new, passwords=wired.passwords, actor=SystemActor.CLI)
    print_json({"id": account_id, "password": "changed"})


@app.command("disable")
def disable(login: LOGIN) -> None:
    """Disable an account and end its sessions (not the last active privacy officer)."""
    _change(login, "disable")


@app.command("enable")
def enable(login: LOGIN) -> None:
    """Enable a disabled account again."""
    _change(login, "enable")


@app.command("role")
def role(login: LOGIN, new_role: Annotated[str, typer.Argument(help=ROLE_HELP)]) -> None:
    """Give an account another role; its sessions end."""
    _change(login, "role", new_role)


@app.command("reset-2fa")
def reset_2fa(login: LOGIN) -> None:
    """Turn two-factor sign-in off (lost phone and recovery codes); its sessions end."""
    _change(login, "reset-2fa")


@app.command("sign-out")
def sign_out(login: LOGIN) -> None:
    """End every session of an account."""
    _change(login, "sign-out")
