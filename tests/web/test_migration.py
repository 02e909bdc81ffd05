"""Revision 0003 (the web app's tables) migrates up and down on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from crawler.db import alembic_config, current_revision, engine_for, head_revision, upgrade

WEB_TABLES = {
    "web_users",
    "web_sessions",
    "web_login_throttle",
    "audit_log",
    "case_assignments",
    "takedowns",
}


def test_0003_up_down_up(db_url):
    engine = engine_for(db_url)
    assert current_revision(engine) == head_revision()
    assert WEB_TABLES <= set(inspect(engine).get_table_names())
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert current_revision(engine) == "0002"
    assert not WEB_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert WEB_TABLES <= set(inspect(engine).get_table_names())
