"""Migration 0005 upgrades an existing database (0004, with a registry, a scan, an account, a
sighting and a case) in place, and back down again, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect, text


def test_0005_upgrades_a_0004_database_with_its_data(db_url):
    from alembic import command

    from crawler.db import alembic_config, current_revision, make_engine, upgrade

    engine = make_engine(db_url)
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO districts (key, name, aliases, domains, city, state, nearby, profile,"
                " imported_at) VALUES ('wfps', 'West Fargo', '[]', '[]', 'West Fargo', 'ND', '[]',"
                " '{}', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO scans (district_id, kind, status, started_at, params, stats)"
                " VALUES (1, 'scan', 'completed', CURRENT_TIMESTAMP, '{}', '{}')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO accounts (district_id, platform, url, handle, links, previous_handles,"
                " first_seen_at, last_seen_at) VALUES (1, 'bluesky',"
                " 'https://bsky.app/profile/a.bsky.social', 'a.bsky.social', '[]', '[]',"
                " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO sightings (account_id, scan_id, source, fetched_at)"
                " VALUES (1, 1, 'bluesky', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO cases (number, district_id, account_id, kind, status, confidence,"
                " opened_at) VALUES ('ABCE-2026-0001', 1, 1, 'unregistered', 'open', 0.9,"
                " CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine, "0005")
    assert current_revision(engine) == "0005"
    tables = set(inspect(engine).get_table_names())
    assert {"registry_snapshots", "registry_acknowledgements"} <= tables
    with engine.connect() as conn:
        assert conn.execute(text("SELECT profile FROM sightings")).scalar() is None
        assert conn.execute(text("SELECT related_cases FROM cases")).scalar() is None
        assert conn.execute(text("SELECT number FROM cases")).scalar() == "ABCE-2026-0001"
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")
    tables = set(inspect(engine).get_table_names())
    assert not {"registry_snapshots", "registry_acknowledgements"} & tables
    assert "profile" not in {c["name"] for c in inspect(engine).get_columns("sightings")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sightings")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 1
    upgrade(engine)
    engine.dispose()
