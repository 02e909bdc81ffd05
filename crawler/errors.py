"""Errors the user can act on.

An :class:`InputError` names the file, the line and the field, so a PR clerk
can open the file and fix it. The CLI prints it on stderr and exits 1; it
never shows a traceback for bad input.
"""

from __future__ import annotations

from pathlib import Path


class ScoutError(Exception):
    """A failure the command reports on stderr with exit code 1."""


class InputError(ScoutError):
    """Bad user input: a profile, registry, configuration or argument."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.reason = message
        where = ""
        if file:
            where = file
            if line:
                where += f" line {line}"
            where += ": "
        super().__init__(f"{where}{message}")


class InputErrors(InputError):
    """Several input errors found in one file: all are reported, nothing is written."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(first.reason, file=first.file, line=first.line, field=first.field)
        self.args = ("\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def read_text(path: str | Path) -> str:
    """A user's UTF-8 file, or an :class:`InputError` naming the file (and the line of a bad byte)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            "not UTF-8 text", file=str(path), line=raw[: exc.start].count(b"\n") + 1
        ) from None
