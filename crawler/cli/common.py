"""What every command shares: the context (configuration, database), errors, JSON output.

Heavy imports (SQLAlchemy, Scrapy, matching) happen inside the functions, so
``scout --help`` stays instant.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer

from crawler.errors import InputError, ScoutError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crawler.config import Config

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class State:
    config_path: Path | None = None
    database_url: str | None = None
    district: str | None = None  # --district / SCOUT_DISTRICT
    _config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from dataclasses import replace

            from crawler.config import load_config

            cfg = load_config(self.config_path)
            if self.database_url:
                cfg = replace(cfg, database_url=self.database_url)
            if self.district:
                cfg = replace(cfg, district=self.district)
            self._config = cfg
        return self._config

    @property
    def district_config(self) -> Config:
        """The configuration for the chosen district: its key resolved (an error naming the
        keys when the database holds several and none is chosen) and, with several, the
        district's own reports folder (``<reports>/<key>``)."""
        from crawler.db.scope import district_config

        self._config = district_config(self.config)
        return self._config

    @contextmanager
    def session(self, *, every_district: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error. It acts on
        the chosen district (:mod:`crawler.db.scope`), or on all with ``every_district``."""
        from crawler.db import transaction
        from crawler.db.scope import ALL

        district = ALL if every_district else self.config.district
        with transaction(self.config.database_url, district) as s:
            yield s


STATE = State()


def fail(message: str, code: int = 1) -> typer.Exit:
    from crawler.config import redact

    typer.echo(f"scout: {redact(message)}", err=True)
    return typer.Exit(code)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into a message on stderr and exit code 1, never a traceback."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except InputError as exc:
            raise fail(str(exc)) from None
        except ScoutError as exc:
            raise fail(str(exc)) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None
        except Exception as exc:
            from sqlalchemy.exc import SQLAlchemyError

            if isinstance(exc, SQLAlchemyError):
                raise fail(
                    f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}"
                ) from None
            if isinstance(exc, OSError):
                raise fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")) from None
            raise

    return wrapper


def emit_json(data: Any) -> None:
    from crawler.config import redact

    sys.stdout.write(redact(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n")
