"""The district a session works on: every query of a district-owned row is limited to it.

A session made by :func:`crawler.db.session_factory` carries its district in ``session.info``:
``"district"`` is a key, ``None`` (the database's only district; several are an error naming
them) or :data:`ALL` (no limit: importing profiles, listing districts, users). A
``do_orm_execute`` listener adds ``with_loader_criteria(Model, Model.district_id == id)`` for
every model with a ``district_id`` column to every ORM select, update and delete (SQLAlchemy's
documented global-criteria pattern), so nothing of another district can be read by accident;
rows without their own ``district_id`` (sightings, assessments, case events, evidence, scan
queries) are reached through a parent that has one.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from crawler.db.models import Base, District
from crawler.errors import ScoutError

if TYPE_CHECKING:
    from crawler.config import Config

ALL = "*"  # session.info["district"] for a session that sees every district
INFO_KEY = "district"
INFO_ID = "district_id"
SKIP = "scout_all_districts"  # execution option: this statement is not limited


class NoDistrict(ScoutError):
    def __init__(self) -> None:
        super().__init__(
            "no district profile imported yet: run `scout district import PROFILE.yaml` first"
        )


class UnknownDistrict(ScoutError):
    pass


@cache
def owned_models() -> tuple[type[Any], ...]:
    """The mapped classes with their own ``district_id`` column."""
    return tuple(
        m.class_
        for m in Base.registry.mappers
        if "district_id" in m.columns and m.class_ is not District
    )


def keys_text(keys: list[str]) -> str:
    return ", ".join(keys) if keys else "(none)"


def resolve(session: Session, key: str | None) -> District:
    """The district ``key`` names; without one, the database's only district."""
    with session.no_autoflush:  # may run inside another query or a flush
        return _resolve(session, key)


def _resolve(session: Session, key: str | None) -> District:
    opts = {SKIP: True}
    if key:
        row = session.scalars(
            select(District).where(District.key == key), execution_options=opts
        ).first()
        if row is None:
            keys = list(
                session.scalars(select(District.key).order_by(District.key), execution_options=opts)
            )
            raise UnknownDistrict(
                f"unknown district '{key}' (this database holds: {keys_text(keys)})"
            )
        return row
    rows = list(
        session.scalars(select(District).order_by(District.id).limit(2), execution_options=opts)
    )
    if not rows:
        raise NoDistrict()
    if len(rows) > 1:
        keys = list(
            session.scalars(select(District.key).order_by(District.key), execution_options=opts)
        )
        raise UnknownDistrict(
            "this database holds several districts: choose one with --district KEY or "
            f"SCOUT_DISTRICT: {keys_text(keys)}"
        )
    return rows[0]


def set_scope(session: Session, key: str | None) -> None:
    """Limit ``session`` to district ``key`` (``None``: the only one; :data:`ALL`: none)."""
    session.info[INFO_KEY] = key
    session.info.pop(INFO_ID, None)


def scope_id(session: Session) -> int | None:
    """The id of the session's district (resolved once), or ``None`` for an unlimited session."""
    key = session.info.get(INFO_KEY)
    if key == ALL:
        return None
    if INFO_ID not in session.info:
        try:
            session.info[INFO_ID] = resolve(session, key).id
        except NoDistrict:
            return None  # nothing imported yet: nothing to limit (not remembered)
    return int(session.info[INFO_ID])


@event.listens_for(Session, "do_orm_execute")
def _limit_to_district(state: ORMExecuteState) -> None:
    if state.is_column_load or state.is_relationship_load:
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get(SKIP) or state.session.info.get(INFO_KEY) == ALL:
        return
    owned = owned_models()
    if not any(m.class_ in owned for m in state.all_mappers):
        return
    district_id = scope_id(state.session)
    if district_id is None:
        return
    state.statement = state.statement.options(
        *(
            with_loader_criteria(
                cls, lambda cls: cls.district_id == district_id, include_aliases=True
            )
            for cls in owned
        )
    )


def district_config(config: Config) -> Config:
    """``config`` for the district it acts on: ``district`` set to the resolved key (an error
    naming the keys when several and none chosen), and, when the database holds several
    districts, the district's own reports folder (``reports/<key>``). A one-district database
    keeps the paths as they were."""
    from dataclasses import replace

    from crawler.db import transaction

    if config.several_districts:
        return config
    with transaction(config.database_url, ALL) as session:
        district = resolve(session, config.district)
        count = len(list(session.scalars(select(District.id), execution_options={SKIP: True})))
    if count <= 1:
        return replace(config, district=district.key)
    return replace(
        config,
        district=district.key,
        reports_dir=config.reports_dir / district.key,
        several_districts=True,
    )


@event.listens_for(Session, "before_flush")
def _new_rows_join_the_district(session: Session, _context: Any, _instances: Any) -> None:
    """A new district-owned row without a district belongs to the session's district."""
    owned = owned_models()
    for obj in session.new:
        if isinstance(obj, owned) and getattr(obj, "district_id", None) is None:
            district_id = scope_id(session)
            if district_id is not None:
                obj.district_id = district_id
