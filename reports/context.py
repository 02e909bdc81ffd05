"""What every report builder shares: the :class:`Context` and the row of a case.

The context holds the session, the configuration, the district with its entities,
the scan in view and (for the registry audit in the summary) the staff roster.
Labels for platforms, statuses and kinds are here too, so every document spells
them the same way. Values from the web pass through untouched; escaping is the
templates' job.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cases.records import FOLLOWED_STATUSES, not_seen_since
from crawler.config import Config
from crawler.db.models import AffiliatedOrg, Case, District, EntityRow, Scan, utcnow
from crawler.db.store import district_row
from crawler.errors import InputError
from crawler.vocab import CaseKind, CaseStatus, Platform, ScanKind
from reports.roster import Roster

PLATFORM_LABELS: dict[str, str] = {
    Platform.FACEBOOK: "Facebook",
    Platform.INSTAGRAM: "Instagram",
    Platform.X: "X (Twitter)",
    Platform.YOUTUBE: "YouTube",
    Platform.TIKTOK: "TikTok",
    Platform.THREADS: "Threads",
    Platform.BLUESKY: "Bluesky",
    Platform.LINKEDIN: "LinkedIn",
    Platform.MASTODON: "Mastodon",
}
STATUS_LABELS: dict[str, str] = {
    CaseStatus.OPEN: "Open",
    CaseStatus.NOTIFIED: "Notified",
    CaseStatus.RESOLVED_REGISTERED: "Resolved: registered",
    CaseStatus.RESOLVED_DEACTIVATED: "Resolved: deactivated",
    CaseStatus.REPORTED_TO_PLATFORM: "Reported to platform",
    CaseStatus.DISMISSED_NOT_DISTRICT: "Dismissed: not the district",
    CaseStatus.DISMISSED_AFFILIATED: "Dismissed: affiliated",
}
KIND_LABELS: dict[str, str] = {
    CaseKind.UNREGISTERED: "Unregistered",
    CaseKind.IMPERSONATION: "Impersonation",
    CaseKind.DEACTIVATION_INCOMPLETE: "Deactivation incomplete",
}


def platform_label(name: str) -> str:
    return PLATFORM_LABELS.get(name, name.title())


@overload
def day(value: datetime | date) -> str: ...
@overload
def day(value: None) -> None: ...
@overload
def day(value: datetime | date | None) -> str | None: ...
def day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).date().isoformat()
    return value.isoformat()


def stamp(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else None


class Context:
    """What every builder needs: the district, its entities and the scan in view."""

    def __init__(
        self,
        session: Session,
        config: Config,
        scan_id: int | None,
        *,
        roster: Roster | None = None,
    ) -> None:
        self.session = session
        self.config = config
        self.roster = roster
        self.district: District = district_row(session)
        self.entities = {
            e.key: e
            for e in session.scalars(
                select(EntityRow)
                .where(EntityRow.district_id == self.district.id)
                .order_by(EntityRow.id)
            )
        }
        if scan_id is None:
            self.scan = session.scalars(
                select(Scan)
                .where(Scan.district_id == self.district.id, Scan.kind == ScanKind.SCAN)
                .order_by(Scan.id.desc())
            ).first()
        else:
            self.scan = session.get(Scan, scan_id)
            if self.scan is None:
                raise InputError(f"no scan {scan_id}", field="--scan")
        self.now = utcnow()

    def entity_name(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key == self.district.key:
            return self.district.name
        e = self.entities.get(key)
        return e.name if e else key

    def entity_kind(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key == self.district.key:
            return "district"
        e = self.entities.get(key)
        return e.kind if e else None

    def school_of(self, key: str) -> str:
        """The school (or the district) an entity belongs to, for grouping."""
        e = self.entities.get(key)
        seen: set[str] = set()
        while e is not None and e.kind != "school" and e.parent_key and e.parent_key not in seen:
            seen.add(e.key)
            e = self.entities.get(e.parent_key)
        if e is None or e.kind != "school":
            return (
                key
                if key in self.entities and self.entities[key].kind == "school"
                else self.district.key
            )
        return e.key

    def header(self) -> dict[str, Any]:
        scan = self.scan
        return {
            "district": self.district.name,
            "procedure": self.config.procedure,
            "procedure_title": self.config.procedure_title,
            "generated_at": stamp(self.now),
            "scan": None
            if scan is None
            else {
                "id": scan.id,
                "status": scan.status,
                "started_at": stamp(scan.started_at),
                "finished_at": stamp(scan.finished_at),
            },
        }


def case_row(ctx: Context, case: Case) -> dict[str, Any]:
    acc = case.account
    gone = not_seen_since(case)
    today = ctx.now.date()
    return {
        "number": case.number,
        "id": case.id,
        "href": f"cases/{case.number}.html",
        "status": case.status,
        "status_label": STATUS_LABELS.get(case.status, case.status),
        "is_open": case.status in FOLLOWED_STATUSES,
        "kind": case.kind,
        "kind_label": KIND_LABELS.get(case.kind, case.kind),
        "platform": acc.platform,
        "platform_label": platform_label(acc.platform),
        "handle": acc.handle,
        "url": acc.url,
        "display_name": acc.display_name or "",
        "entity": case.entity_key,
        "entity_name": ctx.entity_name(case.entity_key),
        "confidence": round(float(case.confidence or 0.0), 2),
        "imitates": case.imitates_url,
        "opened_at": day(case.opened_at),
        "due": day(case.due_at),
        "overdue": bool(case.due_at and case.status == CaseStatus.OPEN and case.due_at < today),
        "age_days": (today - case.opened_at.date()).days,
        "last_seen": day(case.last_seen_at),
        "not_seen_since": day(gone) if gone else None,
        "closed_at": day(case.closed_at),
        "new": ctx.scan is not None and case.opened_scan_id == ctx.scan.id,
    }


def affiliated_orgs(ctx: Context) -> list[dict[str, Any]]:
    """Affiliated organisations named in the profile (listed apart, never a case)."""
    return [
        {"name": a.name, "kind": a.kind, "entity_name": ctx.entity_name(a.entity_key)}
        for a in ctx.session.scalars(
            select(AffiliatedOrg)
            .where(AffiliatedOrg.district_id == ctx.district.id)
            .order_by(AffiliatedOrg.name)
        )
    ]
