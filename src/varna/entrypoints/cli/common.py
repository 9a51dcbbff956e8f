"""What every CLI command shares: settings, the container, errors and JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

from varna.bootstrap import Container, build
from varna.config import Settings
from varna.domain.errors import VarnaError

console = Console(stderr=True)
EXIT_REFUSED = 1
EXIT_USAGE = 2


def fail(message: str, *, code: int = EXIT_REFUSED) -> NoReturn:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}"
            for err in exc.errors()
        )
        fail(problems, code=EXIT_USAGE)


@contextmanager
def container(settings: Settings | None = None, *, upgrade: bool = True) -> Iterator[Container]:
    """A wired container; the schema is brought up to date first unless told otherwise."""
    try:
        wired = build(settings or load_settings())
    except VarnaError as exc:
        fail(str(exc))
    try:
        if upgrade:
            wired.upgrade_schema()
        yield wired
    except VarnaError as exc:
        fail(str(exc))
    finally:
        wired.close()


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
