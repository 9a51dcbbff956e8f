"""What every CLI command shares: settings, the container, option types, errors and JSON
output.

Exit codes: 0 done, 1 refused or failed, 2 bad usage. Every error is a message on stderr
that names the option, field or line; no traceback reaches the user and no message repeats
personal data. An error nobody foresaw (a bug) is reported by its type and place only.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from varna.domain.errors import VarnaError

if TYPE_CHECKING:
    from varna.bootstrap import Container
    from varna.config import Settings

# Each command imports the services, adapters and the wiring it uses when it runs, not at
# module level: every command, and ``varna --help``, would otherwise load all of them.

console = Console(stderr=True)
EXIT_REFUSED = 1
EXIT_USAGE = 2

# The largest id either store holds (a signed 64-bit integer); a larger number is no id.
ID_MAX = 2**63 - 1
# Dates the commands take (--as-of, --end-date, --review-date, ...): nothing varna keeps
# is older than 1990, and dates past 2999 only overflow the arithmetic of periods.
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2999, 12, 31)


def fail(message: str, *, code: int = EXIT_REFUSED) -> NoReturn:
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def load_settings(**overrides: Any) -> Settings:
    """The settings (see :func:`varna.bootstrap.load_settings`: a database that the demo
    built runs in demo mode); a bad setting is a usage error."""
    from pydantic import ValidationError

    from varna.bootstrap import load_settings as settings_from_environment

    try:
        return settings_from_environment(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        fail(problems, code=EXIT_USAGE)


@contextmanager
def container(settings: Settings | None = None, *, upgrade: bool = False) -> Iterator[Container]:
    """A wired container over a schema that is up to date. Only ``varna db upgrade`` and
    the demo (on its own database) pass ``upgrade=True``; every other command stops with a
    message telling to run ``varna db upgrade`` when the schema is empty or behind."""
    from varna.bootstrap import build

    try:
        wired = build(settings or load_settings())
    except VarnaError as exc:
        fail(str(exc))
    try:
        if upgrade:
            wired.upgrade_schema()
        else:
            wired.check_schema()
        yield wired
    except VarnaError as exc:
        fail(str(exc))
    finally:
        wired.close()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


# -- option types ---------------------------------------------------------------------------


def parse_day(text: str) -> date:
    """An option's day, ``YYYY-MM-DD`` from :data:`FIRST_DAY` to :data:`LAST_DAY` (the
    ``parser`` of a ``typer.Option``; a bad value is a usage error naming the option)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter("not a date of the form YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise typer.BadParameter(f"must lie between {FIRST_DAY} and {LAST_DAY}")
    return day


def read_text_file(path: Path, option: str) -> str:
    """The UTF-8 text of ``path``; an unreadable or non-UTF-8 file is a usage error."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"{option}: cannot read {path.name}: {exc.strerror}", code=EXIT_USAGE)
    except UnicodeDecodeError as exc:
        fail(f"{option}: {path.name} is not UTF-8 text (byte {exc.start})", code=EXIT_USAGE)


# -- the last line of defence ---------------------------------------------------------------


def run_guarded(app: Callable[[], Any]) -> None:
    """Run the CLI. A refusal that no command turned into a message becomes one (exit 1);
    any other exception is a bug: reported by its type and where it was raised, never by
    its text (which may hold personal data), exit 1. ``VARNA_LOG_LEVEL=debug`` shows the
    whole traceback instead."""
    try:
        app()
    except VarnaError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(EXIT_REFUSED)
    except Exception as exc:  # noqa: BLE001 - the outermost frame of the process
        if os.environ.get("VARNA_LOG_LEVEL", "").lower() == "debug":
            traceback.print_exc()
        console.print(
            f"[bold red]error:[/] varna stopped on an unexpected {type(exc).__name__} "
            f"({_where(exc)}). This is a bug: please report the command and this line "
            "(VARNA_LOG_LEVEL=debug shows the traceback).",
            highlight=False,
        )
        sys.exit(EXIT_REFUSED)


def _where(exc: BaseException) -> str:
    """The innermost frame of varna's own code that the exception passed through."""
    place = "outside varna"
    for frame, line in traceback.walk_tb(exc.__traceback__):
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith("varna."):
            place = f"{module}:{line}"
    return place
