"""Reading YAML nodes with errors that name the file, line and field.

The profile loader keeps PyYAML's node tree (not plain data) so every value still knows its
line. Each reader here checks one kind of value (a single value, a list, a mapping with known
keys, an enum member, a URL, a key) and records an :class:`InputError` in a :class:`Ctx`
instead of raising, so one load reports every problem of a file at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.errors import InputError

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
STATE_RE = re.compile(r"^[A-Z]{2}$")
_NULLS = ("", "~", "null")


class Ctx:
    """Collects errors for one file, each with the line of its YAML node."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[InputError] = []

    def error(self, node: yaml.Node | None, field_: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.errors.append(
            InputError(f"{field_}: {message}", file=self.file, line=line, field=field_)
        )


def compose(text: str, name: str) -> yaml.Node | None:
    """The YAML node tree of ``text``; a syntax error raises :class:`InputError` with its line."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"YAML syntax error: {problem}", file=name, line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML syntax error: {exc}", file=name) from None


def scalar(ctx: Ctx, node: yaml.Node, path: str, *, required: bool = True) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        ctx.error(node, path, "must be a single value")
        return None
    value = str(node.value).strip()
    if not value:
        if required:
            ctx.error(node, path, "must not be empty")
        return None
    if any(ord(c) < 32 for c in value):
        ctx.error(node, path, "contains control characters")
        return None
    if len(value) > 500:
        ctx.error(node, path, "is longer than 500 characters")
        return None
    return value


def str_list(ctx: Ctx, node: yaml.Node, path: str) -> tuple[str, ...]:
    if isinstance(node, yaml.ScalarNode) and node.value in _NULLS:
        return ()
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, path, "must be a list, e.g. [a, b]")
        return ()
    out: list[str] = []
    for i, item in enumerate(node.value):
        v = scalar(ctx, item, f"{path}[{i}]")
        if v is not None:
            out.append(v)
    return tuple(dict.fromkeys(out))


def mapping(
    ctx: Ctx,
    node: yaml.Node,
    path: str,
    allowed: dict[str, bool],
) -> dict[str, yaml.Node]:
    """Return key -> value node; report unknown and missing keys. ``allowed`` maps key -> required."""
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, path, "must be a mapping of key: value")
        return {}
    out: dict[str, yaml.Node] = {}
    for knode, vnode in node.value:
        k = str(knode.value)
        where = f"{path}.{k}" if path else k
        if k not in allowed:
            hint = _did_you_mean(k, allowed)
            ctx.error(knode, where, f"unknown key '{k}'{hint}")
            continue
        if k in out:
            ctx.error(knode, where, "appears twice")
            continue
        out[k] = vnode
    for k, required in allowed.items():
        if required and k not in out:
            ctx.error(node, f"{path}.{k}" if path else k, "is required")
    return out


def _did_you_mean(key: str, allowed: dict[str, bool]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(allowed)})"


def enum_value(ctx: Ctx, node: yaml.Node, path: str, enum: type[StrEnum]) -> Any:
    v = scalar(ctx, node, path)
    if v is None:
        return None
    try:
        return enum(v.lower())
    except ValueError:
        ctx.error(node, path, f"'{v}' is not one of {', '.join(enum)}")
        return None


def url(ctx: Ctx, node: yaml.Node, path: str) -> str | None:
    v = scalar(ctx, node, path)
    if v is None:
        return None
    try:
        parts = urlsplit(v)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        ctx.error(node, path, f"'{v}' is not an http(s) URL")
        return None
    return v


def key(ctx: Ctx, node: yaml.Node, path: str) -> str | None:
    v = scalar(ctx, node, path)
    if v is not None and not KEY_RE.match(v):
        ctx.error(node, path, f"'{v}' must be lower-case letters, digits, '-', '_' or '.'")
        return None
    return v


def child(node: yaml.Node, name: str) -> yaml.Node:
    """The value node of ``name`` in a mapping node (for the line of an error), else the node."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == name:
                return v
    return node


def seq(ctx: Ctx, node: yaml.Node | None, path: str) -> Iterator[tuple[int, yaml.Node]]:
    if node is None or (isinstance(node, yaml.ScalarNode) and node.value in _NULLS):
        return
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, path, "must be a list of entries (each starting with '-')")
        return
    yield from enumerate(node.value)


class Fields:
    """The value nodes of one mapping, read by field name with the path prefixed.

    ``f.scalar("name")`` is ``scalar(ctx, m["name"], f"{path}.name")`` when the key is present
    and ``None`` (or ``()`` for lists) when it is absent.
    """

    def __init__(self, ctx: Ctx, node: yaml.Node, path: str, allowed: dict[str, bool]) -> None:
        self.ctx = ctx
        self.path = path
        self.nodes = mapping(ctx, node, path, allowed)

    def __contains__(self, name: str) -> bool:
        return name in self.nodes

    def node(self, name: str) -> yaml.Node:
        return self.nodes[name]

    def where(self, name: str) -> str:
        return f"{self.path}.{name}"

    def scalar(self, name: str) -> str | None:
        return scalar(self.ctx, self.nodes[name], self.where(name)) if name in self else None

    def key(self, name: str) -> str | None:
        return key(self.ctx, self.nodes[name], self.where(name)) if name in self else None

    def url(self, name: str) -> str | None:
        return url(self.ctx, self.nodes[name], self.where(name)) if name in self else None

    def str_list(self, name: str) -> tuple[str, ...]:
        return str_list(self.ctx, self.nodes[name], self.where(name)) if name in self else ()

    def enum(self, name: str, enum: type[StrEnum]) -> Any:
        if name not in self:
            return None
        return enum_value(self.ctx, self.nodes[name], self.where(name), enum)
