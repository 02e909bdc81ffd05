"""`scout demo`: the whole job against the bundled sample world, on SQLite.

Starts the sample world on loopback ports, writes a configuration whose host
map routes the production host names to it, imports the sample district,
runs a full scan (discovery, matching, cases, evidence, reports) and returns
where the report is, with recall per source against the world's manifest and
the politeness checks (robots.txt, host map).
"""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.sample import PROFILE, REGISTRY
from crawler.vocab import Platform, Source

DEMO_KEYS = {
    "SCOUT_YOUTUBE_API_KEY": "sample-world-youtube-key",
    "SCOUT_BRAVE_API_KEY": "sample-world-brave-key",
}


@dataclass
class DemoResult:
    ok: bool
    report: Path | None
    world: Any
    recall: dict[str, tuple[int, int]] = field(default_factory=dict)
    robots_violations: list[str] = field(default_factory=list)
    outside_hostmap: int = 0
    scan_id: int | None = None
    outcome: Any = None

    def wait(self) -> None:
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass

    def close(self) -> None:
        self.world.stop()


def run_demo(out: Path, *, on_step: Callable[[str], None] | None = None) -> DemoResult:
    """Set up and run the demo; ``on_step`` hears each step's one-line description as it happens."""
    echo = on_step or (lambda _line: None)
    from sqlalchemy import delete

    from crawler.config import load_config
    from crawler.db import transaction
    from crawler.db.models import ApiUsage
    from crawler.db.store import import_profile, import_registry
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry
    from crawler.sampleworld import SampleWorld
    from crawler.scan import ScanOptions, run_scan

    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    for src in (PROFILE, REGISTRY):
        shutil.copyfile(src, out / src.name)
    os.environ.update(DEMO_KEYS)
    world = SampleWorld(
        youtube_key=DEMO_KEYS["SCOUT_YOUTUBE_API_KEY"], brave_key=DEMO_KEYS["SCOUT_BRAVE_API_KEY"]
    ).start()
    try:
        cfg_path = out / "scout.toml"
        cfg_path.write_text(
            world.config_toml(profile="profile.yaml", registry="registry.csv"), encoding="utf-8"
        )
        # The demo runs on the embedded default: a SQLite file in the demo folder.
        env = {
            k: v for k, v in os.environ.items() if k not in ("SCOUT_DATABASE_URL", "SCOUT_SOURCES")
        }
        config = load_config(cfg_path, env=env)
        echo(f"sample world on {len(world.hostmap)} loopback hosts; configuration {cfg_path}")
        profile = load_profile(config.profile)
        registry = load_registry(
            config.registry, profile, mastodon_instances=config.mastodon_instances
        )
        with transaction(config.database_url) as s:
            pch = import_profile(s, profile, str(config.profile))
            rch = import_registry(s, registry.rows)
            # a new sample world is a new API account: earlier demo runs' quota use does not apply
            s.execute(delete(ApiUsage))
        echo(
            f"imported {profile.district.name}: {pch.summary('profile')}; {rch.summary('registry')}"
        )
        world.reset_log()
        config = replace(
            config,
            reports_dir=out / "reports",
            evidence_dir=out / "evidence",
            jobs_dir=out / "jobs",
        )
        outcome = run_scan(config, ScanOptions(), progress=None)
        result = DemoResult(
            ok=True, report=outcome.report_index, world=world, scan_id=outcome.scan_id
        )
        _check_world(config, world, outcome.scan_id, result)
        result.outcome = outcome
        result.ok = not result.robots_violations and result.outside_hostmap == 0
        return result
    except BaseException:
        world.stop()
        raise


def _check_world(config: Any, world: Any, scan_id: int, result: DemoResult) -> None:
    """Recall per source from the manifest; robots.txt and host-map compliance from the request log."""
    from sqlalchemy import select

    from crawler.db import transaction
    from crawler.db.models import Account, Sighting
    from crawler.db.readers import PROFILE_SOURCES

    with transaction(config.database_url) as s:
        found: dict[str, set[str]] = defaultdict(set)
        for url, source in s.execute(
            select(Account.url, Sighting.source)
            .join(Sighting, Sighting.account_id == Account.id)
            .where(Sighting.scan_id == scan_id)
        ):
            found[url].add(source)
    per_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for hidden in world.manifest:
        if hidden.hidden_by_robots or not hidden.sources:
            continue
        by = set().union(*(found.get(u, set()) for u in (hidden.url, *hidden.aliases)))
        if by & set(PROFILE_SOURCES):
            # `profiles` fetches a page only for accounts no API or probe has profiled yet:
            # a profile from any of them counts for it
            by.add(Source.PROFILES)
        if hidden.platform == Platform.MASTODON and Source.MASTODON in by:
            # when both run, the mastodon source makes the handle probe's Mastodon lookups
            # (a handle is looked up once a scan): what it finds counts for the probe too
            by.add(Source.HANDLE_PROBE)
        if Source.SELFCHECK in by:
            # the selfcheck looks its known accounts up first (once a scan): the handle probe
            # and the mastodon source leave them out, so what it finds counts for them too
            by |= {Source.HANDLE_PROBE, Source.MASTODON}
        for source in hidden.sources:
            if source in config.sources:
                per_source[source][1] += 1
                per_source[source][0] += source in by
        per_source["any source"][1] += 1
        per_source["any source"][0] += bool(by)
    result.recall = {k: (v[0], v[1]) for k, v in per_source.items()}
    result.robots_violations = robots_violations(world, api_endpoints(config))
    result.outside_hostmap = sum(1 for r in world.requests if r.host not in world.hostmap)


def api_endpoints(config: Any) -> list[tuple[str, str]]:
    """(host, path prefix) of the documented APIs, which are called as API clients, not crawled."""
    pairs = []
    for base in (
        config.searxng_url,
        config.brave_url,
        config.youtube_api_url,
        config.bluesky_api_url,
    ):
        if base:
            parts = urlsplit(base)
            pairs.append((parts.hostname or "", parts.path or "/"))
    pairs += [(inst, "/api/") for inst in config.mastodon_instances]
    return pairs


def robots_violations(world: Any, api: list[tuple[str, str]]) -> list[str]:
    """Requests in the world's log that the host's robots.txt disallows for the User-Agent that sent them."""
    from protego import Protego

    rules: dict[str, Any] = {}
    bad = []
    for r in list(world.requests):
        if r.bare_path == "/robots.txt" or any(
            r.host == h and r.path.startswith(p) for h, p in api
        ):
            continue
        if r.host not in rules:
            try:
                with urllib.request.urlopen(  # noqa: S310
                    f"{world.hostmap[r.host]}/robots.txt", timeout=5
                ) as resp:
                    rules[r.host] = Protego.parse(resp.read().decode("utf-8", "replace"))
            except Exception:
                rules[r.host] = None
        rp = rules[r.host]
        if rp is not None and not rp.can_fetch(f"https://{r.host}{r.path}", r.user_agent or "*"):
            bad.append(f"{r.host}{r.path}")
    return bad
