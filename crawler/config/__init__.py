"""Configuration: ``scout.toml`` plus environment overrides.

Found at ``--config PATH``, else ``$SCOUT_CONFIG``, else ``./scout.toml``. Every
setting has a default, so a missing file is fine for commands that do not need
the profile. Environment variables override the file (see README). Secrets (API
keys) come only from the environment: they are read on demand by
:func:`secret` and never stored on the config object, so they cannot leak into
a repr, a log line or the database.

The settings live in :mod:`crawler.config.model`, the reading and checking of the file in
:mod:`crawler.config.loading`; this module is their public face.
"""

from crawler.config.loading import find_config_path, load_config
from crawler.config.model import (
    BLUESKY_API_URL,
    BRAVE_URL,
    DEFAULT_STEPS,
    PACKET_KEYS,
    PROCEDURE_TITLE,
    ROLES,
    SECRET_ENV,
    YOUTUBE_API_URL,
    Auth,
    Budget,
    CaseStep,
    Config,
    Crawl,
    Scrapyd,
    redact,
    secret,
    secret_values,
)
from crawler.vocab import ALL_SOURCES

__all__ = [
    "ALL_SOURCES",
    "BLUESKY_API_URL",
    "BRAVE_URL",
    "DEFAULT_STEPS",
    "PACKET_KEYS",
    "PROCEDURE_TITLE",
    "ROLES",
    "SECRET_ENV",
    "YOUTUBE_API_URL",
    "Auth",
    "Budget",
    "CaseStep",
    "Config",
    "Crawl",
    "Scrapyd",
    "find_config_path",
    "load_config",
    "redact",
    "secret",
    "secret_values",
]
