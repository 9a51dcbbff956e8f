"""``varna token``: API bearer tokens (R6, A1-A3). A token is printed once, when made; the
database keeps only its keyed hash, so a lost token is revoked and a new one made."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from varna.domain.audit import SystemActor
from varna.entrypoints.cli.common import ID_MAX, container, print_json

if TYPE_CHECKING:
    from varna.services.access.ports import ApiToken

app = typer.Typer(
    help="API bearer tokens: make one (shown once), list them, revoke one.",
    no_args_is_help=True,
)
stdout = Console()
JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


def _shown(token: ApiToken) -> dict[str, Any]:
    """What a listing shows of a token: never the token or its hash."""

    def day(value: Any) -> str | None:
        return value.isoformat(timespec="seconds") if value is not None else None

    return {
        "id": token.id,
        "name": token.name,
        "role": token.role,
        "controller": token.controller_id,
        "created": day(token.created_at),
        "expires": day(token.expires_at),
        "last_used": day(token.last_used_at),
        "revoked": day(token.revoked_at),
    }


@app.command("create")
def create(
    role: Annotated[
        str,
        typer.Option(help="privacy_officer, support, billing, auditor or controller_admin."),
    ],
    controller: Annotated[
        int | None,
        typer.Option(
            help="The customer (organisation id) a controller_admin token acts for; only "
            "for that role.",
            min=1,
            max=ID_MAX,
        ),
    ] = None,
    expires: Annotated[
        int | None,
        typer.Option(help="Days until the token stops working (default: never).", min=1),
    ] = None,
    name: Annotated[
        str, typer.Option(help="What the token is for: the program that uses it, not a person.")
    ] = "",
    json_output: bool = JSON,
) -> None:
    """Make a token and print it once; only its keyed hash is stored."""
    from varna.services.access.tokens import create_token

    with container() as wired:
        made = create_token(
            wired,
            role=role,
            name=name,
            controller_id=controller,
            expires_days=expires,
            actor=SystemActor.CLI,
        )
    if json_output:
        print_json({**_shown(made.record), "token": made.token})
        return
    stdout.print(f"token {made.id} ({escape(made.record.role)}):", highlight=False)
    stdout.print(made.token, highlight=False, soft_wrap=True)
    stdout.print(
        "Shown this once: keep it in the program's secret store. "
        f"Send it as 'Authorization: Bearer <token>'. Revoke it with: varna token revoke {made.id}",
        highlight=False,
    )


@app.command("list")
def list_(json_output: bool = JSON) -> None:
    """Every token: id, name, role, controller, created, expires, last used, revoked (never
    the token)."""
    from varna.services.access.tokens import list_tokens

    with container() as wired:
        rows = [_shown(token) for token in list_tokens(wired)]
    if json_output:
        print_json(rows)
        return
    if not rows:
        stdout.print("no tokens")
        return
    for row in rows:
        state = "revoked " + row["revoked"] if row["revoked"] else "active"
        stdout.print(
            f"{row['id']:>4}  {escape(row['name'])}  {row['role']}"
            f"  controller {row['controller'] or '-'}  created {row['created']}"
            f"  expires {row['expires'] or 'never'}  last used {row['last_used'] or 'never'}"
            f"  {state}",
            highlight=False,
        )


@app.command("revoke")
def revoke(
    token_id: Annotated[
        int, typer.Argument(help="The token's id (varna token list).", min=1, max=ID_MAX)
    ],
) -> None:
    """Revoke a token: every call with it is refused from now on."""
    from varna.services.access.tokens import revoke_token

    with container() as wired:
        changed = revoke_token(wired, token_id, actor=SystemActor.CLI)
    print_json({"id": token_id, "revoked": True, "already": not changed})
