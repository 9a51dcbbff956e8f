"""Path-aware access to parsed YAML: every error names where in the file it is.

``Node("tables").key("people")`` reads ``tables.people``; a wrong type, a missing key or
an unknown key raises :class:`CatalogEntryError` with that dotted path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Any, TypeVar

import yaml

from varna.catalog.model import Label
from varna.domain.errors import CatalogError

E = TypeVar("E", bound=StrEnum)
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class CatalogEntryError(CatalogError):
    """One entry of the catalogue is wrong; ``path`` says which (``tables.people.email``)."""

    def __init__(self, path: str, reason: str, *, source: str | None = None) -> None:
        self.path = path
        self.reason = reason
        self.source = source
        where = f"{path}: " if path else ""
        suffix = f" (catalogue {source})" if source else ""
        super().__init__(f"{where}{reason}{suffix}")


class _UniqueKeys(yaml.constructor.SafeConstructor):
    """PyYAML's safe constructor, refusing a key given twice in one mapping (YAML keeps the
    last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"key {key!r} appears twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _UniqueKeySafeLoader(yaml.SafeLoader, _UniqueKeys):
    """The safe loader in Python: its error messages are the ones users see."""


# libyaml parses the catalogue in a tenth of the pure-Python parser's time; the constructor
# and resolver are the same Python classes, so the data is the same.
_FastLoader: type[Any] | None = None
if yaml.__with_libyaml__:

    class _FastLoader(yaml.CSafeLoader, _UniqueKeys):  # type: ignore[no-redef]
        """The safe loader on libyaml's parser."""


def parse_yaml(text: str) -> object:
    """Parse with the safe loader; syntax errors become a CatalogEntryError naming the line."""
    if _FastLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            pass  # parsed again below, for the message the Python parser gives
    try:
        return yaml.load(text, Loader=_UniqueKeySafeLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise CatalogEntryError("", f"{line}YAML error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise CatalogEntryError("", f"YAML error: {exc}") from None


class Node:
    """A parsed YAML value and the dotted path it was found at."""

    def __init__(self, value: object, path: str = "") -> None:
        self.value = value
        self.path = path

    def error(self, reason: str) -> CatalogEntryError:
        return CatalogEntryError(self.path or "(top level)", reason)

    def _child_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    # -- mappings -------------------------------------------------------------------------

    def mapping(self) -> dict[str, object]:
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping, got {_kind(self.value)}")
        for key in self.value:
            if not isinstance(key, str):
                raise self.error(f"keys must be strings, got {_kind(key)} {key!r}")
        return self.value

    def keys(self, *, required: Iterable[str] = (), optional: Iterable[str] = ()) -> None:
        """Check that the mapping has every required key and nothing unknown."""
        present = self.mapping()
        required = tuple(required)
        allowed = (*required, *optional)
        for key in present:
            if key not in allowed:
                raise Node(None, self._child_path(key)).error(
                    f"unknown key; expected one of {', '.join(sorted(allowed))}"
                )
        for key in required:
            if key not in present:
                raise Node(None, self._child_path(key)).error("is required")

    def key(self, key: str) -> Node:
        mapping = self.mapping()
        if key not in mapping:
            raise Node(None, self._child_path(key)).error("is required")
        return Node(mapping[key], self._child_path(key))

    def optional(self, key: str) -> Node | None:
        mapping = self.mapping()
        if key not in mapping or mapping[key] is None:
            return None
        return Node(mapping[key], self._child_path(key))

    def items(self) -> Iterator[tuple[str, Node]]:
        """The entries of a mapping keyed by snake_case ids."""
        for key, value in self.mapping().items():
            child = Node(value, self._child_path(key))
            if not SNAKE_CASE.match(key):
                raise child.error("ids are snake_case (a-z, 0-9 and _)")
            yield key, child

    # -- scalars --------------------------------------------------------------------------

    def text(self) -> str:
        if not isinstance(self.value, str):
            hint = " (quote it: YAML reads NO, yes, on, off as booleans)"
            raise self.error(
                f"expected a string, got {_kind(self.value)}"
                + (hint if isinstance(self.value, bool) else "")
            )
        if not self.value.strip():
            raise self.error("must not be empty")
        return self.value

    def identifier(self) -> str:
        value = self.text()
        if not SNAKE_CASE.match(value):
            raise self.error(f"{value!r} is not a snake_case id")
        return value

    def boolean(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_kind(self.value)}")
        return self.value

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"expected a whole number, got {_kind(self.value)}")
        return self.value

    def texts(self, *, allow_empty: bool = False) -> tuple[str, ...]:
        """A string, or a list of strings (returned in order, without repeats)."""
        if isinstance(self.value, str):
            return (self.text(),)
        if not isinstance(self.value, list):
            raise self.error(f"expected a string or a list of strings, got {_kind(self.value)}")
        if not self.value and not allow_empty:
            raise self.error("must name at least one")
        items = [Node(v, f"{self.path}[{i}]").text() for i, v in enumerate(self.value)]
        if len(set(items)) != len(items):
            raise self.error("names an entry twice")
        return tuple(items)

    def entries(self) -> Iterator[Node]:
        """The items of a list."""
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, got {_kind(self.value)}")
        for index, value in enumerate(self.value):
            yield Node(value, f"{self.path}[{index}]")


# -- typed readers used by the loader ------------------------------------------------------


def label(node: Node) -> Label:
    return Label(sv=node.key("sv").text(), en=node.key("en").text())


def choice(node: Node, enum: type[E], what: str) -> E:
    value = node.text()
    try:
        return enum(value)
    except ValueError:
        expected = ", ".join(member.value for member in enum)
        raise node.error(f"unknown {what} {value!r}; expected one of {expected}") from None


def choices(node: Node, enum: type[E], what: str) -> tuple[E, ...]:
    """One member, or a list of members, of ``enum``."""
    names = node.texts()
    if isinstance(node.value, str):
        return (choice(node, enum, what),)
    return tuple(choice(Node(n, f"{node.path}[{i}]"), enum, what) for i, n in enumerate(names))


def reference(node: Node, known: Mapping[str, object], what: str) -> str:
    value = node.text()
    if value not in known:
        raise node.error(f"unknown {what} {value!r}")
    return value


def references(node: Node, known: Mapping[str, object], what: str) -> tuple[str, ...]:
    names = node.texts()
    for index, name in enumerate(names):
        if name not in known:
            where = node if isinstance(node.value, str) else Node(name, f"{node.path}[{index}]")
            raise where.error(f"unknown {what} {name!r}")
    return names


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
