"""Registry audit: what ABDB-AP asks of every registered account, checked against the registry.

Findings (code: meaning):

* ``admin-email-not-district`` — the administrator e-mail is not a district address
  (or the row says the account was not created with a district e-mail);
* ``pr-not-coadmin`` — PR is not a co-administrator (or it is not recorded);
* ``no-retention-plan`` — no verified record retention plan (or not recorded);
* ``payments-unapproved`` — takes payments without Business Manager approval;
* ``deactivated-but-live`` — marked deactivated, yet the latest scan saw it, or a
  ``deactivation_incomplete`` case is open;
* ``administrator-left`` — the administrator is not an active person on the staff
  roster (only when a roster is given);
* ``not-seen`` — an active account no scan has seen for ``not_seen_months``;
* ``unresolved`` — a scan looked the registry URL up to resolve it to the platform's stable
  id, and the platform said there is no such account (:mod:`crawler.db.registry_ids`).
* ``gone`` — registered and active (or transferred), but in the latest scan its page or API
  said the account does not exist (``not_found`` or ``suspended``; :mod:`crawler.db.liveness`).

The staff roster and its format: :mod:`reports.roster`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.cases.records import OPEN_STATUSES
from crawler.config import Config
from crawler.db.liveness import Liveness, scan_liveness
from crawler.db.models import Account, Assessment, Case, RegisteredAccount, Scan, utcnow
from crawler.db.store import district_row
from crawler.vocab import CaseKind, Classification, ScanKind, ScanStatus
from reports.roster import Roster, fold


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: str  # "problem" (the policy is not met) or "check" (not recorded, please verify)
    registered_id: int
    platform: str
    url: str
    handle: str
    entity: str
    status: str
    message: str
    # the registry watch (reports.watch): the ABDB-AP section, before/after snapshots, new URL
    section: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    new_url: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The stable keys of ``scout registry audit --json`` (DESIGN.md); for the registry
        watch's codes the message ends with the ABDB-AP section it rests on."""
        out = asdict(self)
        for key in ("section", "before", "after", "new_url"):
            out.pop(key)
        if self.section and self.code in WATCH_CODES:
            out["message"] = f"{self.message} (rests on {self.section})"
        return out

    def full(self) -> dict[str, Any]:
        """Every field: also the ABDB-AP section, the before/after snapshots and the new URL
        (the reports, the e-mail, the web app and ``registry-watch.json``)."""
        return asdict(self)


def latest_scan(session: Session, district_id: int) -> Scan | None:
    return session.scalars(
        select(Scan)
        .where(Scan.district_id == district_id, Scan.kind == ScanKind.SCAN)
        .order_by(Scan.id.desc())
    ).first()


def _district_address(email: str, domains: list[str]) -> bool:
    dom = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    return any(dom == d or dom.endswith("." + d) for d in domains)


Rule = tuple[str, str, str]  # (code, severity, message) of one finding
# The registry watch's own codes (reports.watch); ``gone`` and ``unresolved`` keep their messages.
WATCH_CODES = frozenset(
    {"takeover-suspected", "handle-changed", "closed-to-public", "dormant", "no-district-link"}
)


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the rules need beyond the registry row, read once per audit."""

    config: Config
    roster: Roster | None
    district_id: int
    domains: list[str]
    seen_in_scan: set[int]
    gone: dict[int, tuple[int, Liveness]]  # registered id -> (scan id, what said it is gone)
    live_cases: list[tuple[str, str, str | None]]
    last_assessed: dict[int | None, datetime]
    first_completed: datetime | None
    cutoff: datetime


def _facts(
    session: Session, config: Config, roster: Roster | None, scan_id: int | None, now: datetime
) -> _Facts:
    district = district_row(session)
    scan = session.get(Scan, scan_id) if scan_id is not None else latest_scan(session, district.id)
    seen_in_scan: set[int] = set()
    gone: dict[int, tuple[int, Liveness]] = {}
    if scan is not None:
        assessed: dict[int, int] = {
            account_id: rid
            for account_id, rid in session.execute(
                select(Assessment.account_id, Assessment.registered_id).where(
                    Assessment.scan_id == scan.id,
                    Assessment.registered_id.is_not(None),
                    Assessment.classification == Classification.REGISTERED,
                )
            )
            if rid is not None
        }
        liveness = scan_liveness(session, scan.id, assessed)
        shown_live: set[int] = set()
        for account_id, rid in assessed.items():
            seen = liveness.get(account_id)
            if seen is not None and seen.gone:
                gone[rid] = (scan.id, seen)
            elif seen is None or seen.shown_live:
                seen_in_scan.add(rid)
                if seen is not None:
                    shown_live.add(rid)
        # a registered account renamed since: its old handle answers "not found" while the
        # same account (its stable id) is shown live under the new one; that is not gone
        for rid in shown_live & gone.keys():
            del gone[rid]
    live_cases = session.execute(
        select(Account.platform, Account.url, Account.platform_id)
        .join(Case, Case.account_id == Account.id)
        .where(
            Case.kind == CaseKind.DEACTIVATION_INCOMPLETE,
            Case.status.in_(OPEN_STATUSES),
        )
    ).all()
    last_assessed = dict(
        session.execute(
            select(Assessment.registered_id, func.max(Scan.started_at))
            .join(Scan, Scan.id == Assessment.scan_id)
            .where(Assessment.registered_id.is_not(None))
            .group_by(Assessment.registered_id)
        ).all()
    )
    first_completed = session.scalars(
        select(func.min(Scan.started_at)).where(
            Scan.district_id == district.id, Scan.status == ScanStatus.COMPLETED
        )
    ).first()
    return _Facts(
        config=config,
        roster=roster,
        district_id=district.id,
        domains=list(district.domains),
        seen_in_scan=seen_in_scan,
        gone=gone,
        live_cases=[(p, u, pid) for p, u, pid in live_cases],
        last_assessed=last_assessed,
        first_completed=first_completed,
        cutoff=now - timedelta(days=round(config.not_seen_months * 30.44)),
    )


def _deactivated_but_live(r: RegisteredAccount, facts: _Facts) -> list[Rule]:
    live = r.id in facts.seen_in_scan or any(
        p == r.platform and (u == r.url or (pid and pid == r.platform_id))
        for p, u, pid in facts.live_cases
    )
    if not live:
        return []
    return [
        (
            "deactivated-but-live",
            "problem",
            "marked deactivated in the registry, but still live: the deactivation is incomplete",
        )
    ]


def _admin_email(r: RegisteredAccount, facts: _Facts) -> list[Rule]:
    if not r.administrator_email:
        return [
            (
                "admin-email-not-district",
                "check",
                "no administrator e-mail recorded; ABDB-AP asks for a district-issued address",
            )
        ]
    if not _district_address(r.administrator_email, facts.domains):
        return [
            (
                "admin-email-not-district",
                "problem",
                f"administrator e-mail {r.administrator_email} is not a district address ({', '.join(facts.domains)})",
            )
        ]
    if r.district_email_used is False:
        return [
            (
                "admin-email-not-district",
                "problem",
                "the account was not created with a district-issued e-mail",
            )
        ]
    return []


def _recorded_policy(r: RegisteredAccount, facts: _Facts) -> list[Rule]:
    out: list[Rule] = []
    if r.pr_coadmin is False:
        out.append(("pr-not-coadmin", "problem", "Public Relations is not a co-administrator"))
    elif r.pr_coadmin is None:
        out.append(
            (
                "pr-not-coadmin",
                "check",
                "not recorded whether Public Relations is a co-administrator",
            )
        )
    if r.retention_plan is False:
        out.append(("no-retention-plan", "problem", "no verified record retention plan"))
    elif r.retention_plan is None:
        out.append(("no-retention-plan", "check", "record retention plan not recorded"))
    if r.payments == "unapproved":
        out.append(
            (
                "payments-unapproved",
                "problem",
                "takes payments without Business Manager approval (quarterly statements to the Director of Accounting)",
            )
        )
    return out


def _administrator_left(r: RegisteredAccount, facts: _Facts) -> list[Rule]:
    roster = facts.roster
    if roster is None:
        return []
    on_roster = (
        r.administrator_email.casefold() in roster.emails
        if r.administrator_email
        else fold(r.administrator) in roster.names
    )
    if on_roster:
        return []
    who = r.administrator_email or r.administrator or "no administrator recorded"
    return [
        (
            "administrator-left",
            "problem",
            f"administrator {who} is not an active person on the staff roster: deactivate the account or "
            "transfer it to a successor",
        )
    ]


def _not_seen(r: RegisteredAccount, facts: _Facts) -> list[Rule]:
    months = facts.config.not_seen_months
    seen_at = max(
        (t for t in (r.last_seen_at, facts.last_assessed.get(r.id)) if t is not None), default=None
    )
    if seen_at is None:
        # Never seen: only worth saying once scans have run for the whole not-seen period.
        if facts.first_completed is not None and facts.first_completed < facts.cutoff:
            return [
                (
                    "not-seen",
                    "check",
                    f"no scan has seen this account in {months} months of scanning",
                )
            ]
        return []
    if seen_at < facts.cutoff:
        return [
            (
                "not-seen",
                "check",
                f"not seen since {seen_at.date().isoformat()} (more than {months} months)",
            )
        ]
    return []


def _unresolved(r: RegisteredAccount, facts: _Facts) -> list[Rule]:
    """A row a scan tried and failed to resolve to a stable id. Rows not tried yet (no scan)
    and rows on platforms without a fetchable id are never tried, so never a finding."""
    if r.platform_id or not r.resolve_error:
        return []
    return [
        (
            "unresolved",
            "problem",
            f"the registry URL {r.input_url or r.url} could not be resolved to an account "
            f"({r.resolve_error}): correct the URL in the registry, or deactivate the row",
        )
    ]


def _gone(r: RegisteredAccount, facts: _Facts) -> list[Rule]:
    """Registered and in use, but the platform says in the latest scan that it does not exist."""
    hit = facts.gone.get(r.id)
    if hit is None:
        return []
    scan_id, seen = hit
    return [
        (
            "gone",
            "problem",
            f"registered and {r.status}, but the platform says the account does not exist: "
            f"{seen.describe()} in scan {scan_id}; deactivate the registry entry or correct its URL",
        )
    ]


# The rules for an account in use, in the order their findings are listed.
IN_USE_RULES = (
    _gone,
    _unresolved,
    _admin_email,
    _recorded_policy,
    _administrator_left,
    _not_seen,
)


def audit_registry(
    session: Session,
    config: Config,
    *,
    roster: Roster | None = None,
    scan_id: int | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Every finding for every registered account, in registry order."""
    from reports.watch import SECTIONS, watch_findings

    now = now or utcnow()
    facts = _facts(session, config, roster, scan_id, now)
    scan = (
        session.get(Scan, scan_id)
        if scan_id is not None
        else latest_scan(session, facts.district_id)
    )
    watch = watch_findings(
        session, config, facts.district_id, facts.domains, scan.id if scan else None, now=now
    )
    out: list[Finding] = []
    rows = session.scalars(
        select(RegisteredAccount)
        .where(RegisteredAccount.district_id == facts.district_id)
        .order_by(RegisteredAccount.entity_key, RegisteredAccount.platform, RegisteredAccount.url)
    )
    for r in rows:
        if r.status == "deactivated":
            # The other rules are about accounts in use.
            found = _deactivated_but_live(r, facts)
        else:
            found = [f for rule in IN_USE_RULES for f in rule(r, facts)]
        out.extend(
            Finding(
                code,
                severity,
                r.id,
                r.platform,
                r.url,
                r.handle,
                r.entity_key,
                r.status,
                msg,
                SECTIONS.get(code, ""),
            )
            for code, severity, msg in found
        )
        if r.status != "deactivated":
            out.extend(
                Finding(
                    w.code,
                    w.severity,
                    r.id,
                    r.platform,
                    r.url,
                    r.handle,
                    r.entity_key,
                    r.status,
                    w.message,
                    w.section,
                    w.before,
                    w.after,
                    w.new_url,
                )
                for w in watch.get(r.id, [])
            )
    return out
