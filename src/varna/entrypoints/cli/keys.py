"""``varna keys``: the data keys of field encryption and the KEK that wraps them."""

from __future__ import annotations

from pathlib import Path

import typer

from varna.entrypoints.cli.common import console, container, print_json

app = typer.Typer(
    help="Field encryption: the data keys, their key-encryption key (KEK), shredding.",
    no_args_is_help=True,
)


@app.command("status")
def status(
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Data keys per KEK id, and those waiting for destruction."""
    from varna.bootstrap import keys

    with container() as wired:
        found = keys.status(wired)
    if json_output:
        print_json(found)
        return
    console.print(f"current KEK [bold]{found['current_kek']}[/]")
    for kid, count in found["per_kek"].items():
        console.print(f"  {kid}: {count} data keys")
    console.print(f"waiting for destruction: {found['doomed']}")


@app.command("rotate")
def rotate(
    new_kek_file: Path | None = typer.Option(
        None, "--new-kek-file", help="A file whose first line is the new KEK (base64)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Wrap every data key under a new KEK, without downtime (both unwrap meanwhile)."""
    from varna.bootstrap import keys

    with container() as wired:
        done = keys.rotate(wired, new_kek_file)
    if json_output:
        print_json(done.as_dict())
    else:
        console.print(f"{done.rewrapped} data keys wrapped by KEK [bold]{done.kek_id}[/]")


@app.command("shred")
def shred(
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Destroy the data keys of erased people whose destruction did not finish."""
    from varna.bootstrap import keys

    with container() as wired:
        destroyed = keys.shred(wired)
    if json_output:
        print_json({"destroyed": destroyed})
    else:
        console.print(f"{destroyed} data keys destroyed")


@app.command("encrypt-existing")
def encrypt_existing(
    json_output: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Encrypt people's identifiers written before field encryption (db upgrade does too)."""
    from varna.bootstrap import keys

    with container() as wired:
        sealed = keys.encrypt_existing(wired)
    if json_output:
        print_json({"sealed": sealed})
    else:
        console.print(f"{sealed} people encrypted")
