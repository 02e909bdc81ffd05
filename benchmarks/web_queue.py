"""Response times of the review web app with many cases: the queue and a case page.

    python benchmarks/web_queue.py [--cases 10000] [--rounds 30] [--database-url URL]

Builds a database with the sample district and N open cases (bulk inserts: accounts, one
sighting and one assessment each, the case and its "opened" event), signs in through the app
in-process (Starlette's TestClient) and prints the median and 95th percentile of each page.
Default database: a SQLite file in a temporary folder; pass a PostgreSQL URL to measure that
(the benchmark works in a schema of its own there, dropped at the end).
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PLATFORMS = ("instagram", "tiktok", "x", "facebook", "youtube", "threads")


def build(url: str, n: int) -> list[str]:
    from sqlalchemy import insert, select

    from crawler.db import engine_for, transaction
    from crawler.db.models import Account, Assessment, Case, CaseEvent, Scan, Sighting, utcnow
    from crawler.db.store import district_row, import_profile, import_registry
    from crawler.db.users import add_user
    from crawler.db.web import Role
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry
    from crawler.sample import PROFILE, REGISTRY

    engine_for(url)
    profile = load_profile(PROFILE)
    now = utcnow()
    with transaction(url) as s:
        import_profile(s, profile, str(PROFILE))
        import_registry(s, load_registry(REGISTRY, profile).rows)
        add_user(s, "bench", "benchmark password", Role.REVIEWER)
        did = district_row(s).id
        scan = Scan(district_id=did, status="completed", finished_at=now)
        s.add(scan)
        s.flush()
        keys = [e.key for e in profile.entities]
        s.execute(
            insert(Account),
            [
                {
                    "district_id": did,
                    "platform": PLATFORMS[i % len(PLATFORMS)],
                    "url": f"https://example.com/{PLATFORMS[i % len(PLATFORMS)]}/acct{i}",
                    "handle": f"acct{i}",
                    "display_name": f"Sheyenne account {i}",
                    "bio": "West Fargo",
                    "first_scan_id": scan.id,
                    "last_scan_id": scan.id,
                }
                for i in range(n)
            ],
        )
        ids = list(s.scalars(select(Account.id).order_by(Account.id)))
        s.execute(
            insert(Sighting),
            [{"account_id": a, "scan_id": scan.id, "source": "web_search"} for a in ids],
        )
        level = [{"code": "name_entity", "label": "name matches the entity", "weight": 0.5}]
        s.execute(
            insert(Assessment),
            [
                {
                    "account_id": a,
                    "scan_id": scan.id,
                    "classification": "unregistered",
                    "entity_key": keys[i % len(keys)],
                    "confidence": 0.5 + (i % 50) / 100,
                    "explanation": level,
                }
                for i, a in enumerate(ids)
            ],
        )
        s.execute(
            insert(Case),
            [
                {
                    "number": f"ABCE-2026-{i + 1:05d}",
                    "district_id": did,
                    "account_id": a,
                    "kind": "unregistered",
                    "status": "open",
                    "entity_key": keys[i % len(keys)],
                    "confidence": 0.5 + (i % 50) / 100,
                    "opened_at": now - timedelta(days=i % 90),
                    "opened_scan_id": scan.id,
                    "due_at": (now - timedelta(days=i % 90) + timedelta(days=30)).date(),
                    "last_seen_at": now,
                    "last_scan_id": scan.id,
                }
                for i, a in enumerate(ids)
            ],
        )
        cases = list(s.scalars(select(Case.id).order_by(Case.id)))
        s.execute(
            insert(CaseEvent),
            [
                {"case_id": c, "at": now, "actor": "scout", "action": "opened", "to_status": "open"}
                for c in cases
            ],
        )
        return [f"ABCE-2026-{i + 1:05d}" for i in (0, n // 2, n - 1)]


@contextlib.contextmanager
def own_schema(url: str) -> Iterator[str]:
    """PostgreSQL: the URL of a new schema, dropped afterwards (the database may be shared)."""
    if not url.startswith("postgresql"):
        yield url
        return
    from sqlalchemy import create_engine, text

    from crawler.db import engine_for

    base = url.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"scout_bench_{secrets.token_hex(6)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        engine_for.cache_clear()
        with admin.connect() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def timed(client, path: str, rounds: int) -> list[float]:
    client.get(path)  # warm-up: template compilation, statement caches
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        r = client.get(path)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (path, r.status_code)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    tmp = Path(tempfile.mkdtemp(prefix="scout-web-bench-"))
    with own_schema(args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}") as url:
        run(url, tmp, args)


def run(url: str, tmp: Path, args: argparse.Namespace) -> None:
    from starlette.testclient import TestClient

    from crawler.config import Config
    from crawler.sample import PROFILE, REGISTRY
    from crawler.web.app import create_app

    t = time.perf_counter()
    numbers = build(url, args.cases)
    print(
        f"{args.cases} cases in {url.split('://')[0].split('+')[0]}, built in {time.perf_counter() - t:.1f} s"
    )
    config = Config(
        path=None, base_dir=tmp, profile=PROFILE, registry=REGISTRY, database_url=url,
        reports_dir=tmp / "reports", evidence_dir=tmp / "evidence",
    )  # fmt: skip
    key = secrets.token_urlsafe(16)
    client = TestClient(create_app(config, secret_key=key), follow_redirects=False)
    page = client.get("/login").text
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/login", data={"username": "bench", "password": "benchmark password",
                                "csrf_token": token})  # fmt: skip
    for label, path in [
        ("queue /", "/"),
        ("queue /cases?platform=x", "/cases?platform=x"),
        ("case page", f"/cases/{numbers[1]}"),
        ("/api/cases", "/api/cases"),
    ]:
        rounds = max(3, args.rounds // 10) if label == "/api/cases" else args.rounds
        ms = sorted(timed(client, path, rounds))
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        print(f"{label:28s} median {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms")


if __name__ == "__main__":
    main()
