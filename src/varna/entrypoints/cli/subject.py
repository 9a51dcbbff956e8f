"""``varna subject``: find, export, erase, rectify, restrict and object for one person
(D1-D5, D8, R4, A3). Every command takes the identifier options and ``--json``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from varna.domain.audit import SystemActor
from varna.entrypoints.cli.common import (
    EXIT_USAGE,
    ID_MAX,
    console,
    container,
    fail,
    print_json,
)

if TYPE_CHECKING:
    from varna.domain.subjects.keys import SubjectKey

app = typer.Typer(
    help="A person's rights: find, export, erase, rectify, restrict, object.",
    no_args_is_help=True,
)
stdout = Console()
ACTOR = SystemActor.CLI

EMAIL = typer.Option(None, "--email", help="E-mail address (any case).")
PHONE = typer.Option(None, "--phone", help="Phone number, national or E.164.")
PNR = typer.Option(
    None, "--personnummer", help="Personnummer or samordningsnummer, 10 or 12 digits."
)
ICCID = typer.Option(None, "--iccid", help="ICCID of a SIM (processor data, A3).")
MSISDN = typer.Option(None, "--msisdn", help="MSISDN of a SIM (processor data, A3).")
IMSI = typer.Option(None, "--imsi", help="IMSI of a SIM (processor data, A3).")
END_USER = typer.Option(None, "--end-user-ref", help="The customer's end-user reference.")
PERSON = typer.Option(None, "--person-id", help="varna's id of the person.", min=1, max=ID_MAX)
JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


def _keys(**given: str | int | None) -> tuple[SubjectKey, ...]:
    from varna.domain.errors import InvalidIdentifier
    from varna.domain.subjects.keys import normalise_all

    pairs = [(kind, str(value)) for kind, value in given.items() if value is not None]
    if not pairs:
        fail(
            "give an identifier: --email, --phone, --personnummer, --iccid, --msisdn, --imsi, "
            "--end-user-ref or --person-id",
            code=EXIT_USAGE,
        )
    try:
        return tuple(normalise_all(pairs))
    except InvalidIdentifier as exc:
        fail(f"{exc}; nothing was looked up")


@app.command("find")
def find(
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    personnummer: str | None = PNR,
    iccid: str | None = ICCID,
    msisdn: str | None = MSISDN,
    imsi: str | None = IMSI,
    end_user_ref: str | None = END_USER,
    person_id: int | None = PERSON,
    json_output: bool = JSON,
) -> None:
    """Count the person's rows per table and category; no match is an empty result."""
    from varna.services.subjects.find import find_subject

    keys = _keys(
        email=email,
        phone=phone,
        personnummer=personnummer,
        iccid=iccid,
        msisdn=msisdn,
        imsi=imsi,
        end_user_ref=end_user_ref,
        person_id=person_id,
    )
    with container() as wired:
        result = find_subject(wired, keys, actor=ACTOR)
    data = result.as_dict()
    if json_output:
        print_json(data)
        return
    if not result.found:
        stdout.print("no data found for these identifiers")
        return
    from rich.table import Table

    table = Table("table", "match", "rows", "still erasable")
    for row in data["tables"]:
        erasable = data["erasable"].get(row["table"], 0) if row["match"] == "linked" else ""
        table.add_row(row["table"], row["match"], str(row["rows"]), str(erasable))
    stdout.print(table)
    categories = Table("category", "rows")
    for category, rows in data["categories"].items():
        categories.add_row(category, str(rows))
    stdout.print(categories)


@app.command("export")
def export(
    out: Path = typer.Option(
        ..., "--out", file_okay=False, help="Directory to write the files into."
    ),
    formats: str = typer.Option(
        "json,csv,html,pdf", "--format", help="Comma-separated: json, csv, html, pdf."
    ),
    portability: bool = typer.Option(
        False,
        "--portability",
        help="Only portable data (Art. 20): provided or observed, on consent or contract.",
    ),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    personnummer: str | None = PNR,
    iccid: str | None = ICCID,
    msisdn: str | None = MSISDN,
    imsi: str | None = IMSI,
    end_user_ref: str | None = END_USER,
    person_id: int | None = PERSON,
    json_output: bool = JSON,
) -> None:
    """Write the register extract (Art. 15) or, with --portability, the portable data."""
    from varna.bootstrap.extracts import FORMATS, write_extract
    from varna.services.subjects.extract import build_extract
    from varna.services.subjects.portability import build_portable

    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        fail(f"--format takes {', '.join(FORMATS)}", code=EXIT_USAGE)
    if portability and set(chosen) - {"json", "csv"}:
        fail("portable data is given as json and csv", code=EXIT_USAGE)
    keys = _keys(
        email=email,
        phone=phone,
        personnummer=personnummer,
        iccid=iccid,
        msisdn=msisdn,
        imsi=imsi,
        end_user_ref=end_user_ref,
        person_id=person_id,
    )
    with container() as wired:
        build = build_portable if portability else build_extract
        try:
            extract = build(
                wired,
                keys,
                actor=ACTOR,
                write=lambda bundle: write_extract(bundle, out, chosen),  # streams large tables
            )
        except OSError as exc:  # the directory cannot be made or written
            fail(f"--out: cannot write the extract into {out}: {exc.strerror}")
    files: list[Path] = extract.written
    summary: dict[str, Any] = {
        "schema": extract.bundle["schema"],
        "found": extract.bundle["processing"],
        "categories": sorted(extract.data),
        "files": [str(f) for f in files],
    }
    if json_output:
        print_json(summary)
    else:
        for file in files:
            stdout.print(f"wrote {file}")


@app.command("erase")
def erase(
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the outcome; change nothing."),
    controller_instruction: str | None = typer.Option(
        None,
        "--controller-instruction",
        help="Reference of the controller's instruction: erase the usage data of the SIMs "
        "named by --iccid/--imsi/--msisdn (A3).",
    ),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    personnummer: str | None = PNR,
    iccid: str | None = ICCID,
    msisdn: str | None = MSISDN,
    imsi: str | None = IMSI,
    end_user_ref: str | None = END_USER,
    person_id: int | None = PERSON,
    json_output: bool = JSON,
) -> None:
    """Erase what may be erased; print the outcome per category (erased, anonymised, kept with
    its exception and until when, or routed to the controller)."""
    from rich.table import Table

    from varna.services.subjects.erase import EraseCommand, erase_subject

    keys = _keys(
        email=email,
        phone=phone,
        personnummer=personnummer,
        iccid=iccid,
        msisdn=msisdn,
        imsi=imsi,
        end_user_ref=end_user_ref,
        person_id=person_id,
    )
    command = EraseCommand(keys, dry_run=dry_run, controller_instruction=controller_instruction)
    with container() as wired:
        result = erase_subject(wired, command, actor=ACTOR)
    data = result.as_dict()
    if json_output:
        print_json(data)
        return
    if not data["found"]:
        stdout.print("no data found for these identifiers; nothing to erase")
        return
    table = Table("category", "outcome", "exception", "until", "records", "tables")
    for row in data["categories"]:
        dates = row["kept_until"]  # several dates: how many records are kept until each (R4)
        table.add_row(
            row["category"],
            row["outcome"],
            row["exception"] or "",
            "\n".join(f"{d['until']}: {d['records']}" for d in dates)
            if len(dates) > 1
            else row["until"] or "",
            "" if row["records"] is None else str(row["records"]),
            ", ".join(row["tables"]),
        )
    stdout.print(table)
    stdout.print("dry run: nothing was changed" if dry_run else f"erasure run {data['run_id']}")


@app.command("rectify")
def rectify_command(
    column: str = typer.Option(..., "--field", help="The column to correct (e.g. full_name)."),
    value: str = typer.Option(..., "--value", help="The correct value."),
    table: str = typer.Option("people", "--table", help="The table of the record."),
    record_id: int | None = typer.Option(
        None, "--record-id", help="Default: the person.", min=1, max=ID_MAX
    ),
    statement: str | None = typer.Option(None, "--statement", help="Supplementary statement."),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    personnummer: str | None = PNR,
    person_id: int | None = PERSON,
    json_output: bool = JSON,
) -> None:
    """Correct one value; the old value is kept in the rectification history (D3)."""
    from varna.services.subjects.rectify import RectifyCommand, rectify

    keys = _keys(email=email, phone=phone, personnummer=personnummer, person_id=person_id)
    command = RectifyCommand(keys, column, value, table, record_id, statement)
    with container() as wired:
        result = rectify(
            wired,
            command,
            actor=ACTOR,
            special_policy=wired.settings.scan_special_policy,
        )
    data = {
        "person_id": result.person_id,
        "rectification_id": result.history_id,
        "notices_queued": result.notices,
    }
    print_json(data) if json_output else stdout.print(f"rectified; history {result.history_id}")


@app.command("restrict")
def restrict_command(
    reason: str = typer.Option(..., "--reason", help="Why (e.g. accuracy contested)."),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    personnummer: str | None = PNR,
    person_id: int | None = PERSON,
    json_output: bool = JSON,
) -> None:
    """Restrict processing: only storage goes on until it is lifted (D3)."""
    from varna.services.subjects.restrict import restrict

    keys = _keys(email=email, phone=phone, personnummer=personnummer, person_id=person_id)
    with container() as wired:
        result = restrict(
            wired,
            keys,
            reason=reason,
            actor=ACTOR,
            special_policy=wired.settings.scan_special_policy,
        )
    _print_restriction(result.person_ids, result.restriction_ids, result.notices, json_output)


@app.command("unrestrict")
def unrestrict_command(
    reason: str = typer.Option(..., "--reason", help="Why it is lifted."),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    personnummer: str | None = PNR,
    person_id: int | None = PERSON,
    json_output: bool = JSON,
) -> None:
    """Lift a restriction; a notice to the person is queued (Art. 18(3))."""
    from varna.services.subjects.restrict import unrestrict

    keys = _keys(email=email, phone=phone, personnummer=personnummer, person_id=person_id)
    with container() as wired:
        result = unrestrict(
            wired,
            keys,
            reason=reason,
            actor=ACTOR,
            special_policy=wired.settings.scan_special_policy,
        )
    _print_restriction(result.person_ids, result.restriction_ids, result.notices, json_output)


def _print_restriction(people: Any, ids: Any, notices: int, json_output: bool) -> None:
    data = {"person_ids": list(people), "restriction_ids": list(ids), "notices_queued": notices}
    print_json(data) if json_output else stdout.print(data)


@app.command("object")
def object_command(
    purpose: str = typer.Option(..., "--purpose", help="A purpose id, e.g. direct_marketing."),
    overriding_reason: str | None = typer.Option(
        None, "--overriding-reason", help="Compelling grounds that override it (not marketing)."
    ),
    email: str | None = EMAIL,
    phone: str | None = PHONE,
    personnummer: str | None = PNR,
    person_id: int | None = PERSON,
    json_output: bool = JSON,
) -> None:
    """Object to a purpose on legitimate interests (D5) or to direct marketing (D8)."""
    from varna.services.subjects.objection import object_to

    keys = _keys(email=email, phone=phone, personnummer=personnummer, person_id=person_id)
    with container() as wired:
        if purpose not in wired.catalog.purposes:
            fail(f"unknown purpose {purpose!r}; see docs/catalogue.md", code=EXIT_USAGE)
        result = object_to(
            wired,
            keys,
            purpose=purpose,
            overriding_reason=overriding_reason,
            actor=ACTOR,
            special_policy=wired.settings.scan_special_policy,
        )
    data = {
        "person_ids": list(result.person_ids),
        "objection_ids": list(result.objection_ids),
        "suppression_entries": result.suppressed,
        "purpose_stopped": result.stopped,
    }
    print_json(data) if json_output else stdout.print(data)


@app.command("notify")
def notify_command(
    limit: int = typer.Option(
        1000, "--limit", min=1, max=ID_MAX, help="Notices looked at in this run."
    ),
    json_output: bool = JSON,
) -> None:
    """Send the waiting notices (Art. 19 to recipients, Art. 18(3) to the person, A3 to
    controllers) by SMTP when VARNA_SMTP_HOST is set, into the mail outbox (/admin/outbox)
    without it; each is sent once. Exit 1 when the
    mail server refused some (they wait for the next run)."""
    from varna.bootstrap.notices import run_notify
    from varna.services.notices.deliver import NotifyCommand

    with container() as wired:
        report = run_notify(wired, NotifyCommand(limit=limit), actor=ACTOR)
    if json_output:
        print_json(report.as_dict())
    else:
        stdout.print(f"sent {report.sent} notices {report.by_kind or ''}".rstrip())
        for reason, count in report.not_sent.items():
            stdout.print(f"not sent ({reason}): {count}")
    if report.failed:
        raise typer.Exit(1)


__all__ = ["app", "console"]
