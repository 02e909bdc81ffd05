"""The one place report documents are registered.

A document is a builder (``Context`` -> plain dict, or ``Context, Case`` -> plain
dict for the per-case pages) decorated with :func:`document`, which names the
document and the files it becomes. ``.html`` and ``.md`` files are rendered from
its own template folder, ``reports/templates/<name>/<file>``; ``.csv`` and
``.json`` files are written from the dict's ``columns``/``rows`` and ``items``.
Every builder module is listed in :mod:`reports.documents`; a new report is one
builder module there and its template folder (README, "Extending").

Modelled on warehouse's ``warehouse/email/__init__.py`` (one decorator, one
template folder per e-mail).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

Builder = Callable[..., dict[str, Any]]
B = TypeVar("B", bound=Builder)


@dataclass(frozen=True, slots=True)
class Document:
    """A registered document: its name (and template folder), builder and files.

    ``per_case``: the builder takes ``(ctx, case)`` and each file is written as
    ``cases/<case number><suffix>`` (one page per case); otherwise it takes ``ctx``
    and each file is written under its own name. ``on_demand``: not part of a scan's
    report folder; made when asked for (case packets, letters, notification e-mails).
    """

    name: str
    build: Builder
    files: tuple[str, ...]
    per_case: bool = False
    on_demand: bool = False

    def template(self, file: str) -> str:
        """The template of one of its files, inside the document's folder."""
        return f"{self.name}/{file}"


DOCUMENTS: dict[str, Document] = {}


def document(
    name: str, *files: str, per_case: bool = False, on_demand: bool = False
) -> Callable[[B], B]:
    """Register the decorated builder as document ``name`` written to ``files``."""

    def register(build: B) -> B:
        if name in DOCUMENTS:
            raise ValueError(f"report document '{name}' is registered twice")
        DOCUMENTS[name] = Document(name, build, tuple(files), per_case, on_demand)
        return build

    return register
