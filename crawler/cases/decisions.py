"""PR's review decisions on a case, and the registry row ``decide --as registered`` adds.

A decision is recorded as a status change plus a history event; a closing decision
keeps the account's fingerprint and score, so a later scan re-opens a dismissed case
only when the account changed materially (:mod:`crawler.cases.lifecycle`).
:func:`decide_case` is what ``scout cases decide`` and the web app's decision form both call.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.cases.records import add_event, find_case, fingerprint
from crawler.db.models import Case, EntityRow, RegisteredAccount, utcnow
from crawler.db.store import add_registered, district_row, find_registered
from crawler.district.registry import EMAIL_RE, Payments, RegistryRow, Status
from crawler.errors import InputError
from crawler.vocab import CaseStatus

DECISIONS: dict[str, CaseStatus] = {
    "notified": CaseStatus.NOTIFIED,
    "registered": CaseStatus.RESOLVED_REGISTERED,
    "deactivated": CaseStatus.RESOLVED_DEACTIVATED,
    "reported": CaseStatus.REPORTED_TO_PLATFORM,
    "not-district": CaseStatus.DISMISSED_NOT_DISTRICT,
    "affiliated": CaseStatus.DISMISSED_AFFILIATED,
    "reopen": CaseStatus.OPEN,
    **{s.value: s for s in CaseStatus},
}


def parse_decision(text: str) -> CaseStatus:
    value = text.strip().lower().replace("_", "-")
    if value not in DECISIONS:
        raise InputError(
            f"unknown decision '{text}' (one of: {', '.join(DECISIONS)})", field="--as"
        )
    return DECISIONS[value]


def decide(
    session: Session,
    ident: str | int,
    decision: str | CaseStatus,
    *,
    by: str,
    note: str | None = None,
) -> Case:
    """Record a PR decision. Re-reads (and, where the backend can, locks) the case inside the
    caller's transaction, so a scan writing at the same time cannot lose it."""
    status = decision if isinstance(decision, CaseStatus) else parse_decision(decision)
    case = find_case(session, ident, lock=True)
    if case is None:
        raise InputError(f"no case '{ident}'")
    before = case.status
    now = utcnow()
    case.status = status
    if status.is_closed:
        case.closed_at = now
        case.fingerprint = fingerprint(case.account)
        case.decided_score = case.confidence
    else:
        case.closed_at = None
        if CaseStatus(before).is_closed:
            case.decided_score = None
    if status is CaseStatus.OPEN and before != CaseStatus.OPEN:
        action = "reopened"
    else:
        action = "decided"
    add_event(case, action, actor=by, from_status=before, to_status=status.value, note=note)
    session.flush()
    return case


def registry_row_for(
    session: Session,
    case: Case,
    *,
    entity: str | None = None,
    administrator: str = "",
    administrator_email: str = "",
    backup_administrator: str = "",
    pr_coadmin: bool | None = None,
    district_email_used: bool | None = None,
    retention_plan: bool | None = None,
    payments: str = "none",
    registered_on: date | None = None,
    notes: str = "",
) -> tuple[RegistryRow, list[str]]:
    """The registry row for ``decide --as registered``, validated like the registry import.

    Returns (RegistryRow, warnings). Bad values raise :class:`InputError`.
    """
    district = district_row(session)
    key = entity or case.entity_key
    if not key:
        raise InputError("the case names no entity: give --entity KEY", field="--entity")
    keys = {
        district.key,
        *session.scalars(select(EntityRow.key).where(EntityRow.district_id == district.id)),
    }
    if key not in keys:
        raise InputError(f"entity '{key}' is not a key of the district profile", field="--entity")
    try:
        pay = Payments(payments.strip().lower() or "none")
    except ValueError:
        raise InputError(
            f"payments '{payments}' is not one of {', '.join(p.value for p in Payments)}",
            field="--payments",
        ) from None
    warnings: list[str] = []
    if administrator_email:
        m = EMAIL_RE.match(administrator_email)
        if not m:
            raise InputError(
                f"administrator_email '{administrator_email}' is not an e-mail address",
                field="--administrator-email",
            )
        dom = m.group(1).lower()
        if not any(dom == d or dom.endswith("." + d) for d in district.domains):
            warnings.append(
                f"administrator_email '{administrator_email}' is not a district address "
                f"({', '.join(district.domains)}); ABDB-AP asks for a district-issued e-mail"
            )
    acc = case.account
    row = RegistryRow(
        platform=acc.platform,
        url=acc.url,
        entity=key,
        display_name=acc.display_name or "",
        administrator=administrator,
        administrator_email=administrator_email,
        backup_administrator=backup_administrator,
        pr_coadmin=pr_coadmin,
        district_email_used=district_email_used,
        registered_on=registered_on or date.today(),
        status=Status.ACTIVE,
        retention_plan=retention_plan,
        payments=pay,
        notes=notes or f"registered through case {case.number}",
        handle=acc.handle,
        platform_id=acc.platform_id,
        input_url=acc.url,
    )
    return row, warnings


@dataclass(frozen=True)
class RegistryDetails:
    """What a reviewer tells about an account decided ``registered``: the registry row's fields
    beyond what the case knows (see :func:`registry_row_for`)."""

    entity: str | None = None
    administrator: str = ""
    administrator_email: str = ""
    backup_administrator: str = ""
    pr_coadmin: bool | None = None
    district_email_used: bool | None = None
    retention_plan: bool | None = None
    payments: str = "none"
    registered_on: date | None = None


@dataclass
class Decided:
    """What :func:`decide_case` did: the case, the registry row it added, the row's warnings."""

    case: Case
    added: RegisteredAccount | None = None
    warnings: list[str] = field(default_factory=list)


def decide_case(
    session: Session,
    case: Case,
    status: CaseStatus,
    *,
    by: str,
    note: str | None = None,
    details: RegistryDetails | None = None,
) -> Decided:
    """Decide ``case``; a ``registered`` decision first adds the account to the registry (unless
    it is there already), validated before anything is written, and the history says so."""
    added = None
    warnings: list[str] = []
    if status is CaseStatus.RESOLVED_REGISTERED:
        acc = case.account
        if find_registered(session, acc.platform, acc.url, acc.platform_id) is None:
            row, warnings = registry_row_for(
                session, case, **asdict(details or RegistryDetails()), notes=note or ""
            )
            added = add_registered(session, row)
    case = decide(session, case.id, status, by=by, note=note)
    if added is not None:
        case.events[-1].note = ((note + " — ") if note else "") + (
            f"added to the registry as {added.entity_key}"
        )
    return Decided(case, added, warnings)
