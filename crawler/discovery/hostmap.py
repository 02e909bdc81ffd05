"""The host map: production host names routed to other base URLs (the sample world, a mirror).

A value type read once per crawl (:class:`crawler.discovery.context.ScanContext` holds it);
the downloader middleware that applies it is :mod:`crawler.discovery.middlewares.hostmap`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from crawler.config import Config


@dataclass(frozen=True, slots=True)
class HostMap:
    """Production host -> base URL (no trailing slash)."""

    hosts: tuple[tuple[str, str], ...]
    strict: bool

    @classmethod
    def from_config(cls, config: Config) -> HostMap:
        return cls.build(config.hostmap, config.hostmap_strict)

    @classmethod
    def from_settings(cls, settings: Any) -> HostMap:
        config = settings.get("SCOUT_CONFIG")
        if config is not None:
            return cls.from_config(config)
        return cls.build(
            settings.getdict("SCOUT_HOSTMAP"), settings.getbool("SCOUT_HOSTMAP_STRICT")
        )

    @classmethod
    def build(cls, hosts: dict[str, str], strict: bool) -> HostMap:
        for host, base in hosts.items():
            p = urlsplit(base)
            if p.scheme not in ("http", "https") or not p.hostname:
                raise ValueError(f"hostmap.{host}: {base!r} is not a base URL")
        return cls(
            tuple(sorted((h.lower(), b.rstrip("/")) for h, b in hosts.items())),
            strict and bool(hosts),
        )

    def base_for(self, host: str) -> str | None:
        host = host.lower().rstrip(".")
        return dict(self.hosts).get(host)

    def map_url(self, url: str) -> str | None:
        """The mapped URL of ``url``, or None when its host is not in the map."""
        p = urlsplit(url)
        base = self.base_for(p.hostname or "")
        if base is None:
            return None
        return base + (p.path or "/") + (f"?{p.query}" if p.query else "")

    def unmap_url(self, url: str) -> str | None:
        """The production URL of a mapped URL (``Location`` headers), or None."""
        for host, base in self.hosts:
            if url == base or url.startswith(base + "/") or url.startswith(base + "?"):
                return f"https://{host}{url[len(base) :] or '/'}"
        return None

    @property
    def targets(self) -> frozenset[tuple[str, int | None]]:
        out = set()
        for _, base in self.hosts:
            p = urlsplit(base)
            out.add(((p.hostname or "").lower(), p.port))
        return frozenset(out)

    def allowed(self, url: str) -> bool:
        """In strict mode: only mapped hosts and the map's own targets."""
        if not self.strict:
            return True
        p = urlsplit(url)
        host = (p.hostname or "").lower()
        return self.base_for(host) is not None or (host, p.port) in self.targets
