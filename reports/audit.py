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
* ``not-seen`` — an active account no scan has seen for ``not_seen_months``.

Staff roster (CSV, UTF-8, header row): ``name,email[,status]``. ``status`` is
``active`` (default when empty) or ``left``. A registry administrator is matched
by e-mail when the registry gives one, else by name (case and spacing ignored).
Shared mailboxes that administer accounts belong on the roster too.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crawler.config import Config
from crawler.db.models import Account, Assessment, Case, RegisteredAccount, Scan, utcnow
from crawler.errors import InputError, InputErrors, read_text
from crawler.vocab import CaseKind, ScanKind, ScanStatus

ROSTER_COLUMNS = ("name", "email", "status")
ROSTER_STATUSES = ("active", "left")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Roster:
    """Staff still employed, by e-mail and by name (folded)."""

    emails: frozenset[str]
    names: frozenset[str]
    source: str = ""


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.casefold()).strip()


def parse_roster(text: str, *, file: str = "roster.csv") -> Roster:
    """Read a staff roster; every bad line is reported with its line number and field."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError(
            "the roster is empty; the first line must be the header name,email[,status]",
            file=file,
            line=1,
        ) from None
    for h in header:
        if h not in ROSTER_COLUMNS:
            raise InputError(
                f"unknown column '{h}' (columns: name, email, status)", file=file, line=1, field=h
            )
    if "name" not in header or "email" not in header:
        raise InputError("the header must have the columns name and email", file=file, line=1)
    errors: list[InputError] = []
    emails: set[str] = set()
    names: set[str] = set()
    for record in reader:
        line = reader.line_num
        if not any(c.strip() for c in record):
            continue
        if len(record) != len(header):
            errors.append(
                InputError(
                    f"has {len(record)} cells, the header has {len(header)}", file=file, line=line
                )
            )
            continue
        cells = {h: v.strip() for h, v in zip(header, record, strict=True)}
        status = (cells.get("status") or "active").lower()
        if status not in ROSTER_STATUSES:
            errors.append(
                InputError(
                    f"status '{cells['status']}' is not active or left",
                    file=file,
                    line=line,
                    field="status",
                )
            )
            continue
        if not cells["name"] and not cells["email"]:
            errors.append(
                InputError("name and email are both empty", file=file, line=line, field="name")
            )
            continue
        if cells["email"] and not _EMAIL.match(cells["email"]):
            errors.append(
                InputError(
                    f"email '{cells['email']}' is not an e-mail address",
                    file=file,
                    line=line,
                    field="email",
                )
            )
            continue
        if status == "active":
            if cells["email"]:
                emails.add(cells["email"].casefold())
            if cells["name"]:
                names.add(_fold(cells["name"]))
    if errors:
        raise InputErrors(errors)
    return Roster(frozenset(emails), frozenset(names), file)


def load_roster(path: str | Path) -> Roster:
    text = read_text(path)
    return parse_roster(text, file=str(path))


def latest_scan(session: Session, district_id: int) -> Scan | None:
    return session.scalars(
        select(Scan)
        .where(Scan.district_id == district_id, Scan.kind == ScanKind.SCAN.value)
        .order_by(Scan.id.desc())
    ).first()


def _district_address(email: str, domains: list[str]) -> bool:
    dom = email.rsplit("@", 1)[-1].lower() if "@" in email else ""
    return any(dom == d or dom.endswith("." + d) for d in domains)


def audit_registry(
    session: Session,
    config: Config,
    *,
    roster: Roster | None = None,
    scan_id: int | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Every finding for every registered account, in registry order."""
    from crawler.db.store import district_row

    district = district_row(session)
    now = now or utcnow()
    scan = session.get(Scan, scan_id) if scan_id is not None else latest_scan(session, district.id)
    seen_in_scan: set[int] = set()
    if scan is not None:
        seen_in_scan = {
            rid
            for (rid,) in session.execute(
                select(Assessment.registered_id).where(
                    Assessment.scan_id == scan.id, Assessment.registered_id.is_not(None)
                )
            )
            if rid is not None
        }
    live_cases = session.execute(
        select(Account.platform, Account.url, Account.platform_id)
        .join(Case, Case.account_id == Account.id)
        .where(
            Case.kind == CaseKind.DEACTIVATION_INCOMPLETE.value,
            Case.status.in_(("open", "notified")),
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
            Scan.district_id == district.id, Scan.status == ScanStatus.COMPLETED.value
        )
    ).first()
    cutoff = now - timedelta(days=round(config.not_seen_months * 30.44))
    domains = list(district.domains)

    out: list[Finding] = []
    rows = session.scalars(
        select(RegisteredAccount)
        .where(RegisteredAccount.district_id == district.id)
        .order_by(RegisteredAccount.entity_key, RegisteredAccount.platform, RegisteredAccount.url)
    )
    for r in rows:

        def add(code: str, severity: str, message: str, r: RegisteredAccount = r) -> None:
            out.append(
                Finding(
                    code,
                    severity,
                    r.id,
                    r.platform,
                    r.url,
                    r.handle,
                    r.entity_key,
                    r.status,
                    message,
                )
            )

        deactivated = r.status == "deactivated"
        if deactivated:
            live = r.id in seen_in_scan or any(
                p == r.platform and (u == r.url or (pid and pid == r.platform_id))
                for p, u, pid in live_cases
            )
            if live:
                add(
                    "deactivated-but-live",
                    "problem",
                    "marked deactivated in the registry, but still live: the deactivation is incomplete",
                )
            continue  # the other rules are about accounts in use
        if not r.administrator_email:
            add(
                "admin-email-not-district",
                "check",
                "no administrator e-mail recorded; ABDB-AP asks for a district-issued address",
            )
        elif not _district_address(r.administrator_email, domains):
            add(
                "admin-email-not-district",
                "problem",
                f"administrator e-mail {r.administrator_email} is not a district address ({', '.join(domains)})",
            )
        elif r.district_email_used is False:
            add(
                "admin-email-not-district",
                "problem",
                "the account was not created with a district-issued e-mail",
            )
        if r.pr_coadmin is False:
            add("pr-not-coadmin", "problem", "Public Relations is not a co-administrator")
        elif r.pr_coadmin is None:
            add(
                "pr-not-coadmin",
                "check",
                "not recorded whether Public Relations is a co-administrator",
            )
        if r.retention_plan is False:
            add("no-retention-plan", "problem", "no verified record retention plan")
        elif r.retention_plan is None:
            add("no-retention-plan", "check", "record retention plan not recorded")
        if r.payments == "unapproved":
            add(
                "payments-unapproved",
                "problem",
                "takes payments without Business Manager approval (quarterly statements to the Director of Accounting)",
            )
        if roster is not None:
            on_roster = (
                r.administrator_email.casefold() in roster.emails
                if r.administrator_email
                else _fold(r.administrator) in roster.names
            )
            if not on_roster:
                who = r.administrator_email or r.administrator or "no administrator recorded"
                add(
                    "administrator-left",
                    "problem",
                    f"administrator {who} is not an active person on the staff roster: deactivate the account or "
                    "transfer it to a successor",
                )
        seen_at = max(
            (t for t in (r.last_seen_at, last_assessed.get(r.id)) if t is not None), default=None
        )
        if seen_at is None:
            # Never seen: only worth saying once scans have run for the whole not-seen period.
            if first_completed is not None and first_completed < cutoff:
                add(
                    "not-seen",
                    "check",
                    f"no scan has seen this account in {config.not_seen_months} months of scanning",
                )
        elif seen_at < cutoff:
            add(
                "not-seen",
                "check",
                f"not seen since {seen_at.date().isoformat()} (more than {config.not_seen_months} months)",
            )
    return out
