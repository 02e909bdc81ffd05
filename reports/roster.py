"""The staff roster for the registry audit's ``administrator-left`` rule.

Staff roster (CSV, UTF-8, header row): ``name,email[,status]``. ``status`` is
``active`` (default when empty) or ``left``. A registry administrator is matched
by e-mail when the registry gives one, else by name (case and spacing ignored).
Shared mailboxes that administer accounts belong on the roster too.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.district.registry import EMAIL_RE
from crawler.errors import InputError, InputErrors, read_text

ROSTER_COLUMNS = ("name", "email", "status")
ROSTER_STATUSES = ("active", "left")


@dataclass(frozen=True, slots=True)
class Roster:
    """Staff still employed, by e-mail and by name (folded)."""

    emails: frozenset[str]
    names: frozenset[str]
    source: str = ""


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def _roster_header(reader: Any, file: str) -> list[str]:
    """The header row, checked: known columns, with name and email."""
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(
            "the roster is empty; the first line must be the header name,email[,status]",
            file=file,
            line=1,
        ) from None
    for h in header:
        if h not in ROSTER_COLUMNS:
            raise InputError(
                f"unknown column '{h}' (columns: name, email, status)", file=file, line=1, field=h
            )
    if "name" not in header or "email" not in header:
        raise InputError("the header must have the columns name and email", file=file, line=1)
    return header


def _roster_problem(cells: dict[str, str], status: str, file: str, line: int) -> InputError | None:
    """What is wrong with one roster line, if anything."""
    if status not in ROSTER_STATUSES:
        return InputError(
            f"status '{cells['status']}' is not active or left",
            file=file,
            line=line,
            field="status",
        )
    if not cells["name"] and not cells["email"]:
        return InputError("name and email are both empty", file=file, line=line, field="name")
    if cells["email"] and not EMAIL_RE.match(cells["email"]):
        return InputError(
            f"email '{cells['email']}' is not an e-mail address",
            file=file,
            line=line,
            field="email",
        )
    return None


def parse_roster(text: str, *, file: str = "roster.csv") -> Roster:
    """Read a staff roster; every bad line is reported with its line number and field."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _roster_header(reader, file)
    errors: list[InputError] = []
    emails: set[str] = set()
    names: set[str] = set()
    for record in reader:
        line = reader.line_num
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(header):
            errors.append(
                InputError(
                    f"has {len(record)} cells, the header has {len(header)}", file=file, line=line
                )
            )
            continue
        cells = {h: v.strip() for h, v in zip(header, record, strict=True)}
        status = (cells.get("status") or "active").lower()
        problem = _roster_problem(cells, status, file, line)
        if problem is not None:
            errors.append(problem)
            continue
        if status == "active":
            if cells["email"]:
                emails.add(cells["email"].casefold())
            if cells["name"]:
                names.add(fold(cells["name"]))
    if errors:
        raise InputErrors(errors)
    return Roster(frozenset(emails), frozenset(names), file)


def load_roster(path: str | Path) -> Roster:
    text = read_text(path)
    return parse_roster(text, file=str(path))
