"""Import the profile and registry into the database, and read them back.

Imports are idempotent: re-importing the same file changes nothing and
reports nothing. Each import runs inside the caller's transaction, so a failure
writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.db.models import (
    AffiliatedOrg,
    District,
    EntityRow,
    NotDistrictRow,
    RegisteredAccount,
    utcnow,
)
from crawler.db.scope import ALL, INFO_KEY, SKIP, resolve
from crawler.db.scope import NoDistrict as NoDistrict  # re-exported: callers import it here
from crawler.district.profile import DistrictProfile, profile_to_dict
from crawler.district.registry import Payments, RegistryRow, Status


@dataclass
class Changes:
    """What an import changed, by key."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.updated or self.removed)

    def summary(self, noun: str) -> str:
        if self.unchanged:
            return f"{noun}: no changes"
        return f"{noun}: {len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed"

    def as_dict(self) -> dict[str, list[str]]:
        return {"added": self.added, "updated": self.updated, "removed": self.removed}


def district_row(session: Session, key: str | None = None) -> District:
    """The district the session works on: ``key``, else the session's own district
    (``--district``/``SCOUT_DISTRICT``), else the database's only district. Several districts
    and none chosen, or an unknown key, is an error naming the keys."""
    if key is None:
        chosen = session.info.get(INFO_KEY)
        key = None if chosen == ALL else chosen
    return resolve(session, key)


def district_keys(session: Session) -> list[str]:
    """The keys of the districts in the database (``scout scan --all``)."""
    return list(
        session.scalars(select(District.key).order_by(District.id), execution_options={SKIP: True})
    )


def district_domains(session: Session) -> dict[str, tuple[str, ...]]:
    """Every district's e-mail and web domains (lower case), by key."""
    return {
        d.key: tuple(x.lower() for x in d.domains)
        for d in session.scalars(
            select(District).order_by(District.key), execution_options={SKIP: True}
        )
    }


def district_summaries(session: Session) -> list[dict[str, Any]]:
    """``scout district list``: each district's key, name, open cases and last finished scan."""
    from sqlalchemy import func

    from crawler.db.models import Case, Scan
    from crawler.vocab import CaseStatus, ScanKind, ScanStatus

    opts = {SKIP: True}
    open_cases = dict(
        session.execute(
            select(Case.district_id, func.count(Case.id))
            .where(Case.status.in_([CaseStatus.OPEN, CaseStatus.NOTIFIED]))
            .group_by(Case.district_id),
            execution_options=opts,
        ).all()
    )
    last_scan = dict(
        session.execute(
            select(Scan.district_id, func.max(Scan.finished_at))
            .where(Scan.kind == ScanKind.SCAN, Scan.status == ScanStatus.COMPLETED)
            .group_by(Scan.district_id),
            execution_options=opts,
        ).all()
    )
    out = []
    for d in session.scalars(select(District).order_by(District.key), execution_options=opts):
        last = last_scan.get(d.id)
        out.append(
            {
                "key": d.key,
                "name": d.name,
                "open_cases": int(open_cases.get(d.id, 0)),
                "last_scan": last.isoformat() if last is not None else None,
            }
        )
    return out


def _sync(
    session: Session,
    existing: dict[str, Any],
    wanted: dict[str, dict[str, Any]],
    make: Any,
    changes: Changes,
    label: str,
) -> None:
    for key, values in wanted.items():
        row = existing.get(key)
        if row is None:
            session.add(make(**values))
            changes.added.append(f"{label} {key}")
            continue
        diff = {k: v for k, v in values.items() if getattr(row, k) != v}
        if diff:
            for k, v in diff.items():
                setattr(row, k, v)
            changes.updated.append(f"{label} {key}")
    for key, row in existing.items():
        if key not in wanted:
            session.delete(row)
            changes.removed.append(f"{label} {key}")


def import_profile(session: Session, profile: DistrictProfile, path: str | None = None) -> Changes:
    """Add the district the profile names, or update the one with its key (one database holds
    many districts)."""
    changes = Changes()
    d = profile.district
    row = session.scalars(
        select(District).where(District.key == d.key), execution_options={SKIP: True}
    ).first()
    values: dict[str, Any] = {
        "key": d.key,
        "name": d.name,
        "aliases": list(d.aliases),
        "domains": list(d.domains),
        "city": d.location.city,
        "state": d.location.state,
        "nearby": list(d.location.nearby),
        "website": d.website,
        "profile": profile_to_dict(profile),
    }
    if row is None:
        row = District(**values, profile_path=path, imported_at=utcnow())
        session.add(row)
        session.flush()
        changes.added.append(f"district {d.key}")
    else:
        diff = {k: v for k, v in values.items() if k != "profile" and getattr(row, k) != v}
        for k, v in diff.items():
            setattr(row, k, v)
        if diff:
            changes.updated.append(f"district {d.key}")
        row.profile = values["profile"]
        row.profile_path = path
        row.imported_at = utcnow()

    ents = {
        e.key: e for e in session.scalars(select(EntityRow).where(EntityRow.district_id == row.id))
    }
    _sync(
        session,
        ents,
        {
            e.key: {
                "district_id": row.id,
                "key": e.key,
                "kind": e.kind,
                "name": e.name,
                "aliases": list(e.aliases),
                "level": e.level,
                "mascot": e.mascot,
                "website": e.website,
                "activities": list(e.activities),
                "parent_key": e.parent,
                "city": e.city,
            }
            for e in profile.entities
        },
        EntityRow,
        changes,
        "entity",
    )
    affs = {
        a.key: a
        for a in session.scalars(select(AffiliatedOrg).where(AffiliatedOrg.district_id == row.id))
    }
    _sync(
        session,
        affs,
        {
            a.key: {
                "district_id": row.id,
                "key": a.key,
                "name": a.name,
                "kind": a.kind,
                "entity_key": a.entity,
                "aliases": list(a.aliases),
                "website": a.website,
            }
            for a in profile.affiliated
        },
        AffiliatedOrg,
        changes,
        "affiliated",
    )
    nds = {
        n.name: n
        for n in session.scalars(select(NotDistrictRow).where(NotDistrictRow.district_id == row.id))
    }
    _sync(
        session,
        nds,
        {
            n.name: {
                "district_id": row.id,
                "name": n.name,
                "location": n.location,
                "aliases": list(n.aliases),
                "url": n.url,
            }
            for n in profile.not_district
        },
        NotDistrictRow,
        changes,
        "not-district",
    )
    session.flush()
    return changes


def _registry_values(district_id: int, r: RegistryRow) -> dict[str, Any]:
    return {
        "district_id": district_id,
        "platform": r.platform,
        "url": r.url,
        "handle": r.handle,
        "platform_id": r.platform_id,
        "entity_key": r.entity,
        "display_name": r.display_name,
        "administrator": r.administrator,
        "administrator_email": r.administrator_email,
        "backup_administrator": r.backup_administrator,
        "pr_coadmin": r.pr_coadmin,
        "district_email_used": r.district_email_used,
        "registered_on": r.registered_on,
        "status": r.status,
        "retention_plan": r.retention_plan,
        "payments": r.payments,
        "notes": r.notes,
        "input_url": r.input_url or r.url,
    }


def import_registry(session: Session, rows: tuple[RegistryRow, ...] | list[RegistryRow]) -> Changes:
    """Make the stored registry equal to ``rows`` (added, updated, removed by canonical URL)."""
    district = district_row(session)
    changes = Changes()
    existing = {
        f"{r.platform} {r.url}": r
        for r in session.scalars(
            select(RegisteredAccount).where(RegisteredAccount.district_id == district.id)
        )
    }
    wanted = {f"{r.platform} {r.url}": _registry_values(district.id, r) for r in rows}
    for key, values in wanted.items():
        row = existing.get(key)
        # a stable id a scan resolved stays with the row when its URL does not carry one
        if row is not None and values["platform_id"] is None and row.platform_id:
            values["platform_id"] = row.platform_id
        # input_url is bookkeeping: a re-import that only spells a URL differently is not a change.
        if row is not None and all(
            getattr(row, k) == v for k, v in values.items() if k != "input_url"
        ):
            values["input_url"] = row.input_url
    _sync(session, existing, wanted, RegisteredAccount, changes, "account")
    session.flush()
    _ids_from_urls(session, district.id)
    return changes


def _ids_from_urls(session: Session, district_id: int) -> None:
    """Rows whose URL carries the stable id (``/channel/UC…``, ``profile.php?id=``, a DID)
    are resolved by the import itself."""
    now = utcnow()
    for row in session.scalars(
        select(RegisteredAccount).where(
            RegisteredAccount.district_id == district_id,
            RegisteredAccount.platform_id.is_not(None),
            RegisteredAccount.resolved_at.is_(None),
        )
    ):
        row.resolved_at, row.resolved_via, row.resolve_error = now, "url", None
    session.flush()


def import_configured(config: Any, *, registry_only: bool = False) -> None:
    """Import the profile (unless ``registry_only``) and the registry that ``config`` names, in
    one transaction: what ``scout district import`` then ``scout registry import`` do, for the
    sample-world benchmarks and tests that set up a site from a ``scout.toml``."""
    from crawler.db import transaction
    from crawler.district.profile import load_profile
    from crawler.district.registry import load_registry

    profile = load_profile(config.profile)
    with transaction(config.database_url) as s:
        if not registry_only:
            import_profile(s, profile, str(config.profile))
        registry = load_registry(
            config.registry, profile, mastodon_instances=config.mastodon_instances
        )
        import_registry(s, registry.rows)


def add_registered(session: Session, row: RegistryRow) -> RegisteredAccount:
    """Add one account to the registry (used by ``scout cases decide --as registered``)."""
    district = district_row(session)
    acc = RegisteredAccount(**_registry_values(district.id, row))
    if acc.platform_id:
        acc.resolved_at, acc.resolved_via = utcnow(), "url"
    session.add(acc)
    session.flush()
    return acc


def registry_rows(session: Session) -> list[RegistryRow]:
    district = district_row(session)
    out = []
    for r in session.scalars(
        select(RegisteredAccount)
        .where(RegisteredAccount.district_id == district.id)
        .order_by(RegisteredAccount.entity_key, RegisteredAccount.platform, RegisteredAccount.url)
    ):
        out.append(to_registry_row(r))
    return out


def to_registry_row(r: RegisteredAccount) -> RegistryRow:
    return RegistryRow(
        platform=r.platform,
        url=r.url,
        entity=r.entity_key,
        display_name=r.display_name,
        administrator=r.administrator,
        administrator_email=r.administrator_email,
        backup_administrator=r.backup_administrator,
        pr_coadmin=r.pr_coadmin,
        district_email_used=r.district_email_used,
        registered_on=r.registered_on if isinstance(r.registered_on, date) else None,
        status=Status(r.status),
        retention_plan=r.retention_plan,
        payments=Payments(r.payments),
        notes=r.notes,
        handle=r.handle,
        platform_id=r.platform_id,
        input_url=r.input_url,
    )


def find_registered(
    session: Session, platform: str, url: str, platform_id: str | None = None
) -> RegisteredAccount | None:
    """The registered account with this canonical URL (in any of the account's URL forms), or
    with the same stable platform id: given, or known from a scan's sighting of ``url``."""
    from crawler.platforms import same_account_urls

    district = district_row(session)
    q = select(RegisteredAccount).where(
        RegisteredAccount.district_id == district.id, RegisteredAccount.platform == platform
    )
    urls = same_account_urls(platform, url)
    hit = session.scalars(
        q.where(RegisteredAccount.url.in_(urls)).order_by(RegisteredAccount.url != url)
    ).first()
    platform_id = platform_id or known_platform_id(session, district.id, platform, url)
    if hit is None and platform_id:
        hit = session.scalars(q.where(RegisteredAccount.platform_id == platform_id)).first()
    return hit


def known_platform_id(session: Session, district_id: int, platform: str, url: str) -> str | None:
    """The stable id a scan found for the account at canonical ``url``, if any."""
    from crawler.db.models import Account

    return session.scalars(
        select(Account.platform_id).where(
            Account.district_id == district_id,
            Account.platform == platform,
            Account.url == url,
            Account.platform_id.is_not(None),
        )
    ).first()


def current_profile(session: Session) -> DistrictProfile:
    """The district profile as last imported into the database."""
    from crawler.db.store import district_row
    from crawler.district.profile import profile_from_node

    row = district_row(session)
    import yaml

    node = yaml.compose(yaml.safe_dump(row.profile, sort_keys=False), Loader=yaml.SafeLoader)
    return profile_from_node(node, row.profile_path or "profile")
